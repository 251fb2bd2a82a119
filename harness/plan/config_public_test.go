package plan

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/spec"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConfigPublicKey(t *testing.T) {
	spec, err := filepath.Abs("../testdata/runner/things.yaml")
	require.NoError(t, err)
	base := fmt.Sprintf("spec: %s\nusers:\n  - {name: alice, token: a}\n  - {name: bob, token: b}\n", spec)
	cfg, err := config.ParseConfig("c.yaml", []byte(base+"public: [getUser, \"get /users/{id}\"]\n"), noEnvHere)
	require.NoError(t, err)
	assert.Equal(t, []string{"getUser", "GET /users/{id}"}, cfg.Public)

	_, err = config.ParseConfig("c.yaml", []byte(base+"public: [\"\"]\n"), noEnvHere)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "c.yaml:5: public[0]")
}

func noEnvHere(string) (string, bool) { return "", false }

func TestActionLikeGETsAreLeftOutUnlessListed(t *testing.T) {
	plan := Plan{Operations: []PlannedOperation{
		{Operation: "GET /exports/{id}/run", Op: spec.Operation{Method: "GET", Path: "/exports/{id}/run"}},
		{Operation: "GET /invoices/{id}", Op: spec.Operation{Method: "GET", Path: "/invoices/{id}", ID: "getInvoice"}},
		{Operation: "GET /mail/{id}", Op: spec.Operation{Method: "GET", Path: "/mail/{id}", ID: "sendMail"}},
		{Operation: "DELETE /invoices/{id}", Op: spec.Operation{Method: "DELETE", Path: "/invoices/{id}", ID: "deleteInvoice"}},
	}}
	got := applyActions(plan, []string{"sendMail"})
	var kept []string
	for _, op := range got.Operations {
		kept = append(kept, op.Operation)
	}
	assert.Equal(t, []string{"GET /invoices/{id}", "GET /mail/{id}", "DELETE /invoices/{id}"}, kept,
		"a GET that acts is left out unless listed; other methods are gated by methods, not by names")
	require.Len(t, got.Skipped, 1)
	assert.Contains(t, got.Skipped[0].Why, "reads like an action")

	_, probed := addedParam(spec.Operation{Method: "GET", Path: "/logout"}, newActionMemo())
	assert.False(t, probed, "no ?user_id probe on a GET that acts")
	_, probed = addedParam(spec.Operation{Method: "GET", Path: "/messages"}, newActionMemo())
	assert.True(t, probed)
}

func TestConfigOwnsKeyedByPath(t *testing.T) {
	spec, err := filepath.Abs("../testdata/runner/things.yaml")
	require.NoError(t, err)
	yaml := fmt.Sprintf("spec: %s\nusers:\n  - name: alice\n    token: a\n    owns:\n      /things/{thingId}: [1, 2]\n  - {name: bob, token: b}\n", spec)
	cfg, err := config.ParseConfig("c.yaml", []byte(yaml), noEnvHere)
	require.NoError(t, err)
	assert.Equal(t, []string{"1", "2"}, cfg.Users[0].Owns["/things/{thingId}"])
}
