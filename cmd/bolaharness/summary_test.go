package main

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
