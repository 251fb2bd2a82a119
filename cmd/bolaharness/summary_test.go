package main

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bolaharness/bolaharness/harness"
)

// One block per distinct finding on the console, and counts that say how
// many leaking cases the findings came from; the left-out operations are
// named in the summary.
func TestScanConsoleOneBlockPerFinding(t *testing.T) {
	quiet(t)
	code, out, _ := cli(t, "scan", "-progress", "never", "-seed", "5")
	require.Equal(t, exitLeaks, code)
	blocks := strings.Count(out, "--- LEAK: ")
	assert.NotContains(t, out, "same leak as an earlier case")
	assert.Regexp(t, `\n`+strconv.Itoa(blocks)+` findings from \d+ leaking cases \(\d+ repeat an earlier finding\); 9 operations attacked`, out)
	assert.Contains(t, out, "left out:\n  GET /health: public")

	_, verbose, _ := cli(t, "scan", "-progress", "never", "-seed", "5", "-v")
	assert.Greater(t, strings.Count(verbose, "--- LEAK: "), blocks, "-v still shows every leaking case")
}

// -quiet prints the summary and the list of findings, and nothing else:
// no progress, no per-case blocks, no notes on stderr; the reports are
// still written.
func TestScanQuiet(t *testing.T) {
	quiet(t)
	report := filepath.Join(t.TempDir(), "r.json")
	code, out, errOut := cli(t, "scan", "-quiet", "-seed", "5", "-progress", "always", "-report", report)
	require.Equal(t, exitLeaks, code)
	assert.Empty(t, errOut, "nothing on stderr when all is well")
	assert.NotContains(t, out, "--- LEAK")
	assert.NotContains(t, out, "[1/9]")
	assert.Regexp(t, `^\n33 findings from \d+ leaking cases`, out)
	assert.Contains(t, out, "findings (numbers for replay -finding N):\n    1 high ")
	rep, err := harness.ReadReport(report)
	require.NoError(t, err)
	assert.Len(t, rep.Findings, 33)

	code, _, errOut = cli(t, "scan", "-quiet", "-v")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "give one")
	code, _, errOut = cli(t, "scan", "-quiet", "-config", "nope.yaml")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "nope.yaml", "errors still show")
}

// One finding reads "1 finding", in the summary and in the per-operation
// progress lines alike.
func TestScanSingular(t *testing.T) {
	quiet(t)
	code, out, errOut := cli(t, "scan", "-progress", "never", "-seed", "3", "-run", "^getInvoice$/^alice-vs-bob$/^invoice_id$/^swap=8$")
	require.Equal(t, exitLeaks, code, errOut)
	assert.Contains(t, out, "\n1 finding; 1 operation attacked")
	assert.Regexp(t, `GET /invoices/\{invoice_id\}: \d+ requests, 1 finding so far`, errOut)
	assert.NotContains(t, out+errOut, "1 findings")
}
