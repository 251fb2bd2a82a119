package main

import (
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bolaharness/bolaharness/harness"
	"github.com/bolaharness/bolaharness/harness/report"
)

// demoConfigWith writes the demo's config (vulnerable) with extra YAML
// appended, and returns its path.
func demoConfigWith(t *testing.T, extra string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "fixtures", "demo.yaml"))
	require.NoError(t, err)
	spec, err := filepath.Abs(filepath.Join("..", "..", "specs", "demo.yaml"))
	require.NoError(t, err)
	text := strings.Replace(string(data), "spec: ../specs/demo.yaml", "spec: "+spec, 1)
	text = strings.Replace(text, "\nfixtureMode: fixed\n", "\nfixtureMode: vulnerable\n", 1)
	path := filepath.Join(t.TempDir(), "demo.yaml")
	require.NoError(t, os.WriteFile(path, []byte(text+extra), 0o644))
	return path
}

// writePartialBaseline writes to path a baseline made of before's invoice
// findings (the rest of a run is new against it), one of them again for a
// user no run has (absent) and once more on an operation the demo does not
// plan (not attacked), and returns the absent one.
func writePartialBaseline(t *testing.T, before *harness.Report, path string) harness.Finding {
	t.Helper()
	old := *before
	old.Findings = nil
	for _, f := range before.Findings {
		if f.Operation == "GET /invoices/{invoice_id}" {
			old.Findings = append(old.Findings, f)
		}
	}
	require.NotEmpty(t, old.Findings)
	gone := old.Findings[0]
	gone.Victim = "dave"
	untested := gone
	untested.Operation = "GET /invoices/{invoice_id}/pdf"
	old.Findings = append(old.Findings, gone, untested)
	require.NoError(t, old.WriteJSON(path))
	return gone
}

func triagedScan(t *testing.T, args ...string) (int, string, *harness.Report) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "r.json")
	code, out, errOut := cli(t, append([]string{"scan", "-progress", "never", "-quiet", "-report", path}, args...)...)
	require.Contains(t, []int{exitClean, exitLeaks}, code, errOut)
	rep, err := harness.ReadReport(path)
	require.NoError(t, err)
	return code, out, rep
}

// A baseline marks findings new or unchanged by fingerprint across seeds
// and ports, lists the gone ones as absent, and fails only on new ones.
func TestScanBaseline(t *testing.T) {
	quiet(t)
	dir := t.TempDir()
	full := filepath.Join(dir, "full.json")
	code, _, errOut := cli(t, "scan", "-progress", "never", "-quiet", "-seed", "5", "-report", full)
	require.Equal(t, exitLeaks, code, errOut)
	before, err := harness.ReadReport(full)
	require.NoError(t, err)
	for _, f := range before.Findings {
		require.Equal(t, report.Fingerprint(f), f.Fingerprint, "the JSON report carries each finding's fingerprint")
	}

	// Same API, another seed and port: nothing new, exit 0.
	code, out, rep := triagedScan(t, "-seed", "6", "-baseline", full)
	assert.Equal(t, exitClean, code, out)
	assert.Contains(t, out, fmt.Sprintf("baseline %s: 0 new, %d unchanged, 0 absent", full, len(rep.Findings)))
	for _, f := range rep.Findings {
		assert.Equal(t, "unchanged", f.BaselineState)
	}

	// A baseline of invoices only: the rest is new (exit 1); a baseline
	// holding a finding this run cannot have lists it as absent.
	partial := filepath.Join(dir, "partial.json")
	gone := writePartialBaseline(t, before, partial)
	code, out, rep = triagedScan(t, "-seed", "6", "-baseline", partial)
	assert.Equal(t, exitLeaks, code)
	newCount := 0
	for _, f := range rep.Findings {
		want := "new"
		if f.Operation == "GET /invoices/{invoice_id}" {
			want = "unchanged"
		} else {
			newCount++
		}
		assert.Equal(t, want, f.BaselineState, "%s %s→%s", f.Operation, f.Attacker, f.Victim)
	}
	require.NotNil(t, rep.Baseline)
	require.Len(t, rep.Baseline.Absent, 1)
	assert.Equal(t, "dave", rep.Baseline.Absent[0].Victim)
	assert.Equal(t, 1, rep.Baseline.NotAttacked)
	assert.Equal(t, newCount, rep.Baseline.New)
	assert.Contains(t, out, "absent: GET /invoices/{invoice_id} "+gone.Attacker+"→dave")
	assert.Contains(t, out, "1 absent (in the baseline, not found by this run); 1 on operations this run did not attack")
	assert.Contains(t, out, "(nested-scope) new\n")
	assert.Contains(t, out, "(swap) unchanged\n")

	code, _, errOut = cli(t, "scan", "-baseline", filepath.Join(dir, "missing.json"))
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "-baseline")
}

// Ignore entries suppress the findings they name (still in every report,
// never dropped) and the run passes; an expired entry suppresses nothing
// and says so.
func TestScanIgnore(t *testing.T) {
	quiet(t)
	_, _, first := triagedScan(t, "-config", demoConfigWith(t, ""), "-seed", "5")
	require.NotEmpty(t, first.Findings)
	fps := map[string]bool{}
	for _, f := range first.Findings {
		fps[f.Fingerprint] = true
	}
	var all strings.Builder
	all.WriteString("ignore:\n")
	for fp := range fps {
		fmt.Fprintf(&all, "  - {fingerprint: %s, reason: demo flaws are planted, expires: 2999-12-31}\n", fp)
	}
	dir := t.TempDir()
	sarifPath, junitPath := filepath.Join(dir, "r.sarif"), filepath.Join(dir, "r.xml")
	code, out, rep := triagedScan(t, "-config", demoConfigWith(t, all.String()), "-seed", "5", "-sarif", sarifPath, "-junit", junitPath)
	assert.Equal(t, exitClean, code, "every finding is an accepted risk")
	require.Len(t, rep.Findings, len(first.Findings), "suppressed findings stay in the report")
	for _, f := range rep.Findings {
		require.NotNil(t, f.Suppressed)
		assert.Equal(t, "demo flaws are planted", f.Suppressed.Reason)
	}
	assert.Contains(t, out, "suppressed: finding 1,")
	assert.Contains(t, out, ") suppressed: demo flaws are planted\n")
	sarifData, err := os.ReadFile(sarifPath)
	require.NoError(t, err)
	assert.Equal(t, len(rep.Findings), strings.Count(string(sarifData), `"status": "accepted"`))
	var junit struct {
		Failures int `xml:"failures,attr"`
		Skipped  int `xml:"skipped,attr"`
	}
	junitData, err := os.ReadFile(junitPath)
	require.NoError(t, err)
	require.NoError(t, xml.Unmarshal(junitData, &junit))
	assert.Zero(t, junit.Failures)
	assert.Greater(t, junit.Skipped, 1)

	var expired strings.Builder
	expired.WriteString("ignore:\n")
	for fp := range fps {
		fmt.Fprintf(&expired, "  - {fingerprint: %s, reason: waiver, expires: 2020-01-31}\n", fp)
		break
	}
	code, out, rep = triagedScan(t, "-config", demoConfigWith(t, expired.String()), "-seed", "5")
	assert.Equal(t, exitLeaks, code)
	for _, f := range rep.Findings {
		assert.Nil(t, f.Suppressed)
	}
	require.Len(t, rep.Ignored, 1)
	assert.Equal(t, "expired", rep.Ignored[0].State)
	assert.Contains(t, out, "expired after 2020-01-31 and no longer suppresses")
	assert.Contains(t, out, "demo.yaml:")
}

// Shards compared with one baseline merge into the whole run's baseline
// summary: the same new, unchanged, absent and not-attacked counts, and the
// merged summary lines say so.
func TestMergedShardsKeepTheBaselineSummary(t *testing.T) {
	quiet(t)
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	full := p("full.json")
	code, _, errOut := cli(t, "scan", "-progress", "never", "-quiet", "-seed", "5", "-report", full)
	require.Equal(t, exitLeaks, code, errOut)
	before, err := harness.ReadReport(full)
	require.NoError(t, err)
	base := p("base.json")
	writePartialBaseline(t, before, base)

	_, _, whole := triagedScan(t, "-seed", "6", "-baseline", base)
	for i, shard := range []string{"1/2", "2/2"} {
		path := p(fmt.Sprintf("s%d.json", i+1))
		code, _, errOut := cli(t, "scan", "-progress", "never", "-quiet", "-seed", "6", "-shard", shard, "-baseline", base, "-report", path)
		require.Contains(t, []int{exitClean, exitLeaks}, code, errOut)
	}
	merged := p("merged.json")
	code, out, errOut := cli(t, "merge", "-o", merged, p("s1.json"), p("s2.json"))
	require.Equal(t, exitLeaks, code, errOut)
	m, err := harness.ReadReport(merged)
	require.NoError(t, err)
	require.NotNil(t, whole.Baseline)
	require.NotNil(t, m.Baseline, "the merge keeps a baseline summary")
	assert.Equal(t, whole.Baseline.New, m.Baseline.New)
	assert.Equal(t, whole.Baseline.Unchanged, m.Baseline.Unchanged)
	assert.ElementsMatch(t, whole.Baseline.Absent, m.Baseline.Absent)
	assert.Equal(t, 1, m.Baseline.NotAttacked, "only the operation no shard attacks")
	assert.Contains(t, out+errOut, "1 absent (in the baseline, not found by this run); 1 on operations this run did not attack")

	// Without the same baseline in every report, no summary, and a warning.
	code, _, errOut = cli(t, "merge", "-o", p("mixed.json"), p("s1.json"), full)
	require.Equal(t, exitLeaks, code, errOut)
	mixed, err := harness.ReadReport(p("mixed.json"))
	require.NoError(t, err)
	assert.Nil(t, mixed.Baseline)
	assert.Contains(t, strings.Join(mixed.Warnings, "\n"), "not all compared with the same baseline")
}
