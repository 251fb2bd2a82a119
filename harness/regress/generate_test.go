package regress

import (
	"go/format"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bolaharness/bolaharness/harness/oracle"
	"github.com/bolaharness/bolaharness/harness/report"
)

func TestGenerate(t *testing.T) {
	rep := &report.Report{Version: 1, Seed: 7, BaseURL: "http://127.0.0.1:9", Findings: []report.Finding{
		{Operation: "GET /a/{id}", Parameter: "id", Attacker: "alice", Victim: "bob", Mutation: "swap", Value: "8", Test: "cfg/getA/alice-vs-bob/id/swap=8",
			Evidence: []oracle.Evidence{{Path: "$.note", Value: "has a ` backtick", Why: "victim value"}}},
		{Operation: "GET /b/{id}", Parameter: "id", Attacker: "bob", Victim: "alice", Mutation: "swap", Value: "7"},
	}}
	src, err := Generate(rep, FileOptions{Package: "api_test", Config: "../bola.yaml", Source: "bola.json"})
	require.NoError(t, err)
	formatted, err := format.Source(src)
	require.NoError(t, err)
	assert.Equal(t, string(formatted), string(src), "gofmt-clean")
	text := string(src)
	assert.Contains(t, text, "package api_test\n")
	assert.Contains(t, text, `var bolaConfig = "../bola.yaml"`)
	assert.Contains(t, text, `{"http://127.0.0.1:9", 7}`)
	assert.Contains(t, text, `"01/getA/alice-vs-bob/id/swap=8"`, "the scan's subtest name without the config")
	assert.Contains(t, text, `"02/GET /b/{id}/bob-vs-alice/id/swap=7"`, "a name made up when the report has none")
	assert.Contains(t, text, `has a `+"` "+`backtick`, "a backtick forces a quoted literal")
	assert.Equal(t, 1, strings.Count(text, "`{"), "the other finding stays a raw string")

	_, err = Generate(rep, FileOptions{Package: "my-pkg"})
	assert.ErrorContains(t, err, "not a Go package name")
	_, err = Generate(&report.Report{}, FileOptions{})
	assert.ErrorContains(t, err, "no findings")
}
