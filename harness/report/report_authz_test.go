package report_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bolaharness/bolaharness/harness/oracle"
	"github.com/bolaharness/bolaharness/harness/report"
)

// authzReport holds one finding of each authorization-matrix kind the
// scan makes (ignored-auth and existence-leak) beside an object-level one.
func authzReport() *report.Report {
	ev := []oracle.Evidence{{Path: "$.owner_email", Value: "alice@vault.test", Why: "alice's identity email in an owner field"}}
	return &report.Report{Version: 1, Seed: 7, BaseURL: "http://127.0.0.1:9", Findings: []report.Finding{
		{Operation: "GET /notes/{id}", Parameter: "id", In: "path", Attacker: "bob", Victim: "alice", Mutation: "swap", Value: "1",
			URL: "http://127.0.0.1:9/notes/1", Status: 200, Severity: "high", CWE: "CWE-639", Kind: "swap", Evidence: ev, Curl: "curl a"},
		{Operation: "GET /open/notes/{id}", Parameter: "id", In: "path", Attacker: "no-credential", Victim: "alice", Mutation: "auth-none", Value: "1",
			URL: "http://127.0.0.1:9/open/notes/1", Status: 200, Severity: "high", CWE: "CWE-287", Kind: "ignored-auth", Evidence: ev, Curl: "curl b"},
		{Operation: "GET /folders/{id}", Parameter: "id", In: "path", Attacker: "alice", Victim: "bob", Mutation: "existence", Value: "f-21",
			URL: "http://127.0.0.1:9/folders/f-21", Status: 403, Severity: "low", CWE: "CWE-204", Kind: "existence-leak", Decoy: "http://127.0.0.1:9/folders/zz1",
			Evidence: []oracle.Evidence{{Path: "status", Value: "403 / 404", Why: "another user's object answers 403, an id nobody owns 404"}}, Curl: "curl c"},
	}}
}

// TestAuthzKindsInEveryFormat: each kind is filed under its own CWE and
// OWASP entry in SARIF (existence-leak as a note), worded for what it is,
// and the HTML report lists both in their own grid, out of the matrix.
func TestAuthzKindsInEveryFormat(t *testing.T) {
	r := authzReport()
	data, err := r.MarshalSARIF()
	require.NoError(t, err)
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID  string                `json:"ruleId"`
				Level   string                `json:"level"`
				Message struct{ Text string } `json:"message"`
				Props   map[string]any        `json:"properties"`
			} `json:"results"`
		} `json:"runs"`
	}
	require.NoError(t, json.Unmarshal(data, &log))
	res := log.Runs[0].Results
	require.Len(t, res, 3)
	assert.Equal(t, "bola/ignored-auth", res[1].RuleID)
	assert.Equal(t, "CWE-287", res[1].Props["cwe"])
	assert.Equal(t, "error", res[1].Level)
	assert.Contains(t, res[1].Message.Text, "to a request with no credential")
	assert.Equal(t, "bola/existence-leak", res[2].RuleID)
	assert.Equal(t, "CWE-204", res[2].Props["cwe"])
	assert.Equal(t, "note", res[2].Level)
	assert.Contains(t, res[2].Message.Text, "from a missing one")
	assert.Contains(t, res[2].Message.Text, "folders/zz1")

	var b bytes.Buffer
	require.NoError(t, r.HTML(&b))
	page := b.String()
	assert.Contains(t, page, `id="beyond"`)
	assert.Contains(t, page, `<a href="#f2">#2</a> no-credential (alice&#39;s object)`)
	assert.Contains(t, page, `<a href="#f3">#3</a> alice → bob: 403`)
	assert.Contains(t, page, "told apart <strong>bob</strong>'s object from a missing one")

	var plain bytes.Buffer
	require.NoError(t, (&report.Report{Version: 1, Findings: r.Findings[:1]}).HTML(&plain))
	assert.NotContains(t, plain.String(), `id="beyond"`, "no grid without such findings")

	var md bytes.Buffer
	require.NoError(t, r.Markdown(&md))
	assert.Contains(t, md.String(), "[CWE-287]")
	assert.Contains(t, md.String(), "[CWE-204]")
	assert.Contains(t, md.String(), "| low | existence-leak |")
}
