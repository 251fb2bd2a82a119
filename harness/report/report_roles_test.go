package report

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bolaharness/bolaharness/harness/oracle"
)

// TestRolesKindsInEveryFormat: a function-level and a scope-bypass finding
// read as what they are in Markdown, SARIF and HTML, filed under CWE-285.
func TestRolesKindsInEveryFormat(t *testing.T) {
	ev := []oracle.Evidence{{Path: "$.users[2].email", Value: "root@team.test", Why: "root's identity email in an owner field"}}
	r := &Report{Version: ReportVersion, Findings: []Finding{
		{Operation: "GET /admin/users", Attacker: "alice", Victim: "root", Kind: kindFunctionLevel, Mutation: kindFunctionLevel,
			Status: 200, Severity: "high", CWE: "CWE-285", Evidence: ev, Curl: "curl -H \"Authorization: Bearer $ALICE_TOKEN\" http://x/admin/users"},
		{Operation: "PUT /notes/{noteId}", Parameter: "noteId", In: "path", Value: "nt-11", Attacker: "reader", Victim: "reader",
			Kind: kindScopeBypass, Mutation: kindScopeBypass, Status: 200, Severity: "high", CWE: "CWE-285", Evidence: ev},
	}}
	dir := t.TempDir()
	md, sarif, html := filepath.Join(dir, "r.md"), filepath.Join(dir, "r.sarif"), filepath.Join(dir, "r.html")
	require.NoError(t, r.WriteMarkdown(md))
	require.NoError(t, r.WriteSARIF(sarif))
	require.NoError(t, r.WriteHTML(html))
	read := func(p string) string {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		return string(b)
	}
	m := read(md)
	assert.Contains(t, m, "| alice → root | the same request as root |")
	assert.NotContains(t, m, "`=`", "no empty parameter=value for a function-level finding")
	assert.Contains(t, m, "`noteId=nt-11` (scope-bypass")
	assert.Contains(t, m, "OWASP API5:2023")
	s := read(sarif)
	assert.Contains(t, s, "alice, whose role the policy does not allow, got what root (an allowed role) gets from GET /admin/users: status 200.")
	assert.Contains(t, s, "reader, a read-only credential, changed its own object through PUT /notes/{noteId} with noteId=nt-11")
	assert.Contains(t, s, `"ruleId": "bola/function-level"`)
	assert.Contains(t, s, "external/cwe/cwe-285")
	h := read(html)
	assert.Contains(t, h, "function-level")
	assert.Contains(t, h, "scope-bypass")
}
