package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bolaharness/bolaharness/harness"
)

func TestReplayCommand(t *testing.T) {
	quiet(t)
	report := filepath.Join(t.TempDir(), "r.json")
	code, _, errOut := cli(t, "scan", "-seed", "3", "-progress", "never", "-report", report)
	require.Equal(t, exitLeaks, code, errOut)

	cases := []struct {
		name string
		args []string
		want int
		says []string
	}{
		{"one finding, still vulnerable", []string{"-finding", "1"}, exitLeaks,
			[]string{"finding 1 (", "STILL LEAKS", "evidence: ", "control as ", "fix: ", "1 replayed: 1 still leaks, 0 fixed"}},
		{"every finding against the fixed API", []string{"-fixture-mode", "fixed"}, exitClean,
			[]string{": fixed", " still leak"}},
		{"a finding that does not exist", []string{"-finding", "999"}, exitUsage, []string{"want a number from 1 to"}},
		{"a bad mode", []string{"-fixture-mode", "half"}, exitUsage, []string{"-fixture-mode"}},
		{"-seed with a report is refused, not ignored", []string{"-seed", "9"}, exitUsage, []string{"give one or the other"}},
		{"-run with a report is refused, not ignored", []string{"-run", "getInvoice"}, exitUsage, []string{"give one or the other"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := cli(t, append([]string{"replay", "-report", report}, c.args...)...)
			assert.Equal(t, c.want, code, out+errOut)
			for _, s := range c.says {
				assert.Contains(t, out+errOut, s)
			}
		})
	}
	t.Run("says it replays, not scans", func(t *testing.T) {
		_, _, errOut := cli(t, "replay", "-report", report, "-finding", "1")
		assert.Contains(t, errOut, "replaying the report's findings against a fresh embedded demo API in vulnerable mode")
		assert.NotContains(t, errOut, "embedded demo API in vulnerable mode on 127.0.0.1")
	})
	t.Run("a report of another config needs that config", func(t *testing.T) {
		rep, err := harness.ReadReport(report)
		require.NoError(t, err)
		rep.Config = "fixtures/staging.yaml"
		other := filepath.Join(t.TempDir(), "other.json")
		require.NoError(t, rep.WriteJSON(other))
		code, _, errOut := cli(t, "replay", "-report", other)
		assert.Equal(t, exitUsage, code)
		assert.Contains(t, errOut, "give -config fixtures/staging.yaml")
	})
	t.Run("all fixed says so", func(t *testing.T) {
		_, out, _ := cli(t, "replay", "-report", report, "-fixture-mode", "fixed")
		assert.Contains(t, out, " 0 still leak")
		assert.NotContains(t, out, "STILL LEAKS")
	})
}

// TestReplayBySeed re-runs one case of a run by its seed and name.
func TestReplayBySeed(t *testing.T) {
	quiet(t)
	code, out, errOut := cli(t, "replay", "-seed", "3", "-run", "^getInvoice$/^alice-vs-bob$/^invoice_id$/^swap=8$")
	require.Equal(t, exitLeaks, code, errOut)
	assert.Contains(t, out, "--- LEAK: demo/getInvoice/alice-vs-bob/invoice_id/swap=8")
	assert.Equal(t, 1, strings.Count(out, "--- LEAK:"), "only the selected case ran:\n%s", out)
	assert.Contains(t, out, "1 finding; 1 operation attacked")
	assert.Contains(t, out, "seed 3")
}

// TestScanRunFilterReport checks what a filtered scan reports: only the
// operations it attacked, and no skip caused by the filter itself.
func TestScanRunFilterReport(t *testing.T) {
	quiet(t)
	cases := []struct {
		pattern    string
		operations int
		findings   bool
	}{
		{"^getInvoice$", 1, true},
		{"^(getInvoice|getOrder)$/^alice-vs-bob$", 2, true},
	}
	for _, c := range cases {
		t.Run(c.pattern, func(t *testing.T) {
			report := filepath.Join(t.TempDir(), "r.json")
			code, _, errOut := cli(t, "scan", "-seed", "4", "-progress", "never", "-run", c.pattern, "-report", report)
			require.Contains(t, []int{exitClean, exitLeaks}, code, errOut)
			r := load(t, report)
			assert.Equal(t, c.operations, r.Stats.Operations)
			assert.Equal(t, c.findings, len(r.Findings) > 0)
			require.Len(t, r.Skipped, 1, "only the plan's own skip: %v", r.Skipped)
			assert.Equal(t, "GET /health", r.Skipped[0].Operation)
		})
	}
}

// TestScanRunSelectsNothing: a -run pattern that selects no case is a usage
// error (exit 2) naming what exists, never a clean run of nothing.
func TestScanRunSelectsNothing(t *testing.T) {
	quiet(t)
	for _, pattern := range []string{"^getInvoce$", "/^alice-vs-bob$/^no_such_param$"} {
		t.Run(pattern, func(t *testing.T) {
			code, _, errOut := cli(t, "scan", "-seed", "4", "-progress", "never", "-run", pattern)
			assert.Equal(t, exitUsage, code, errOut)
			assert.Contains(t, errOut, "getInvoice", "the message lists the operations that exist")
		})
	}
}
