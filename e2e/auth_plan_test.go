package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bolaharness/bolaharness/harness"
	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/plan"
)

// corpusSpec finds a spec of the shared real-world corpus (outside this
// repository: $BOLA_CORPUS_SPECS, else ../../shared/corpus/specs), or skips.
func corpusSpec(t *testing.T, name string) string {
	t.Helper()
	dir := os.Getenv("BOLA_CORPUS_SPECS")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "corpus", "specs")
	}
	path, err := filepath.Abs(filepath.Join(dir, name))
	require.NoError(t, err)
	if _, err := os.Stat(path); err != nil {
		t.Skipf("%s is not here (%v); set BOLA_CORPUS_SPECS to the corpus's specs directory", name, err)
	}
	return path
}

// planFor drafts the plan a config of users makes for the spec at path.
func planFor(t *testing.T, path, users, methods string) plan.Plan {
	t.Helper()
	cfgPath := filepath.Join(t.TempDir(), "c.yaml")
	data := "spec: " + path + "\nmethods: " + methods + "\nusers:\n" + users
	require.NoError(t, os.WriteFile(cfgPath, []byte(data), 0o600))
	cfg, err := config.LoadConfig(cfgPath, noEnv)
	require.NoError(t, err)
	bp, err := harness.Draft(cfg, plan.Shard{})
	require.NoError(t, err)
	return bp.Plan
}

// TestPlan_PetstoreV2APIKey: petstore v2 (Swagger 2.0) secures
// GET /pet/{petId} with an apiKey header; apiKey users attack it.
func TestPlan_PetstoreV2APIKey(t *testing.T) {
	p := planFor(t, corpusSpec(t, "petstorev2.json"), "  - {name: alice, apiKey: pk-alice-1}\n  - {name: bob, apiKey: pk-bob-2}\n", "[GET, HEAD]")
	var op *plan.PlannedOperation
	for i := range p.Operations {
		if p.Operations[i].Operation == "GET /pet/{petId}" {
			op = &p.Operations[i]
		}
	}
	require.NotNil(t, op, "GET /pet/{petId} is attacked; skipped: %v", p.Skipped)
	assert.Equal(t, []plan.PlannedCredential{
		{User: "alice", Uses: `apiKey as apiKey "api_key" in header "api_key"`},
		{User: "bob", Uses: `apiKey as apiKey "api_key" in header "api_key"`},
	}, op.Credentials)
}

// TestPlan_PlaidClientIDAndSecret: every Plaid operation needs three
// apiKey headers at once (client id, secret, version). Users who give them
// as headers can attack; users with one apiKey cannot, and the plan says
// why.
func TestPlan_PlaidClientIDAndSecret(t *testing.T) {
	path := corpusSpec(t, "plaid.yml")
	all := "[GET, HEAD, POST, PUT, PATCH, DELETE]"
	headers := func(name string) string {
		return "  - name: " + name + "\n    headers: {PLAID-CLIENT-ID: id-" + name + "-0001, PLAID-SECRET: sec-" + name + "-0002, Plaid-Version: '2020-09-14'}\n"
	}
	p := planFor(t, path, headers("alice")+headers("bob"), all)
	require.NotEmpty(t, p.Operations, "Plaid's client-id/secret scheme covers operations the harness can attack")
	want := `headers as apiKey "clientId" in header "PLAID-CLIENT-ID" and headers as apiKey "plaidVersion" in header "Plaid-Version" and headers as apiKey "secret" in header "PLAID-SECRET"`
	var names []string
	for _, op := range p.Operations {
		require.Len(t, op.Credentials, 2, op.Operation)
		assert.Equal(t, want, op.Credentials[0].Uses, op.Operation)
		names = append(names, op.Operation)
	}
	t.Logf("%d Plaid operations attacked with the client-id/secret headers, e.g. %s", len(names), strings.Join(names[:min(5, len(names))], ", "))

	p = planFor(t, path, "  - {name: alice, apiKey: k-alice-0001}\n  - {name: bob, apiKey: k-bob-0002}\n", all)
	assert.Empty(t, p.Operations)
	require.NotEmpty(t, p.Skipped)
	var why string
	for _, s := range p.Skipped {
		if strings.HasPrefix(s.Why, "no user can satisfy") {
			why = s.Why
			break
		}
	}
	assert.Contains(t, why, `no user can satisfy its security (apiKey "clientId" in header "PLAID-CLIENT-ID" and apiKey "plaidVersion" in header "Plaid-Version" and apiKey "secret" in header "PLAID-SECRET"): alice has apiKey; bob has apiKey; give users apiKey, or headers: {PLAID-CLIENT-ID: ...}`)
}
