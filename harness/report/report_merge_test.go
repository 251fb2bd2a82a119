package report_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/bolaharness/bolaharness/harness/report"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// split cuts a report in two by operation, as two shards of the scan
// would have reported it; the stats are divided so that they add up.
func split(r *report.Report, first map[string]bool) (*report.Report, *report.Report) {
	a := &report.Report{Version: r.Version, Seed: r.Seed, BaseURL: r.BaseURL, Config: r.Config, Spec: r.Spec, Skipped: r.Skipped, Warnings: r.Warnings}
	b := &report.Report{Version: r.Version, Seed: r.Seed, BaseURL: r.BaseURL, Config: r.Config, Spec: r.Spec, Skipped: r.Skipped, Warnings: r.Warnings}
	for _, f := range r.Findings {
		if first[f.Operation] {
			a.Findings = append(a.Findings, f)
		} else {
			b.Findings = append(b.Findings, f)
		}
	}
	for _, c := range r.Matrix {
		if first[c.Operation] {
			a.Matrix = append(a.Matrix, c)
		} else {
			b.Matrix = append(b.Matrix, c)
		}
	}
	for _, nv := range r.NoVerdicts {
		if first[nv.Operation] {
			a.NoVerdicts = append(a.NoVerdicts, nv)
		} else {
			b.NoVerdicts = append(b.NoVerdicts, nv)
		}
	}
	a.Stats = report.Stats{Operations: 2, Requests: 100, DurationMs: 1000, Cases: 60, Leaks: 5, Safe: 50, NoVerdict: 0, NotSent: 5}
	s := r.Stats
	b.Stats = report.Stats{Operations: s.Operations - 2, Requests: s.Requests - 100, DurationMs: s.DurationMs - 1000, Cases: s.Cases - 60,
		Leaks: s.Leaks - 5, Safe: s.Safe - 50, NoVerdict: s.NoVerdict, NotSent: s.NotSent - 5}
	return a, b
}

func TestMergeTwoHalvesEqualsWhole(t *testing.T) {
	whole := goldenReport(t)
	a, b := split(whole, map[string]bool{
		"GET /accounts/{account_id}/statements/{statement_id}": true,
		"GET /catalog/{product_id}":                            true,
	})
	require.NotEmpty(t, a.Findings)
	require.NotEmpty(t, b.Findings)
	merged, err := report.MergeReports(a, b)
	require.NoError(t, err)
	assert.Equal(t, whole.Findings, merged.Findings)
	assert.Equal(t, whole.Skipped, merged.Skipped)
	assert.Equal(t, whole.Stats, merged.Stats)
	assert.ElementsMatch(t, whole.Matrix, merged.Matrix)
	assert.ElementsMatch(t, whole.NoVerdicts, merged.NoVerdicts)
	assert.Equal(t, whole.Warnings, merged.Warnings, "shards that agree on seed, base URL, config and spec add no warning")
	assert.Equal(t, whole.Seed, merged.Seed)
}

func TestMergeOverlap(t *testing.T) {
	r := goldenReport(t)
	twice, err := report.MergeReports(r, r)
	require.NoError(t, err)
	assert.Equal(t, r.Findings, twice.Findings, "the same finding in two shards is reported once")
	assert.Equal(t, r.Skipped, twice.Skipped)
	assert.Equal(t, 2*r.Stats.Requests, twice.Stats.Requests, "stats are summed")
	require.Len(t, twice.Matrix, len(r.Matrix), "cells of the same operation and pair are added up")
	for i, c := range twice.Matrix {
		assert.Equal(t, 2*r.Matrix[i].Cases, c.Cases)
		assert.Equal(t, r.Matrix[i].Outcome, c.Outcome)
	}
}

func TestMergeCellOutcomes(t *testing.T) {
	cell := func(outcome string, cases, leaks, nv int) report.MatrixCell {
		return report.MatrixCell{Operation: "GET /x/{id}", Attacker: "a", Victim: "b", Outcome: outcome, Cases: cases, Leaks: leaks, NoVerdict: nv}
	}
	cases := []struct {
		name string
		a, b report.MatrixCell
		want string
	}{
		{"a leak anywhere is a leak", cell("denied", 4, 0, 0), cell("leak", 4, 1, 0), "leak"},
		{"denied and unjudged is denied", cell("denied", 4, 0, 0), cell("no-verdict", 4, 0, 4), "denied"},
		{"unjudged twice stays unjudged", cell("no-verdict", 4, 0, 4), cell("no-verdict", 2, 0, 2), "no-verdict"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := report.MergeReports(&report.Report{Version: 1, Matrix: []report.MatrixCell{c.a}}, &report.Report{Version: 1, Matrix: []report.MatrixCell{c.b}})
			require.NoError(t, err)
			require.Len(t, m.Matrix, 1)
			assert.Equal(t, c.want, m.Matrix[0].Outcome)
		})
	}
}

func TestMergeDisagreementsAndErrors(t *testing.T) {
	a := &report.Report{Version: 1, Seed: 1, BaseURL: "http://127.0.0.1:1"}
	b := &report.Report{Version: 1, Seed: 2, BaseURL: "http://127.0.0.1:2"}
	m, err := report.MergeReports(a, b)
	require.NoError(t, err)
	assert.Equal(t, int64(1), m.Seed)
	require.Len(t, m.Warnings, 2)
	assert.Contains(t, m.Warnings[0], "seed (1, 2)")

	_, err = report.MergeReports()
	assert.ErrorContains(t, err, "no report")
	_, err = report.MergeReports(a, &report.Report{Version: 9})
	assert.ErrorContains(t, err, "version 9")
}

func TestReadReportErrors(t *testing.T) {
	dir := t.TempDir()
	cases := []struct{ name, content, want string }{
		{"not json", "nope", "not a bolaharness JSON report"},
		{"other version", `{"version": 7}`, "version 7"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, c.name+".json")
			require.NoError(t, os.WriteFile(path, []byte(c.content), 0o644))
			_, err := report.ReadReport(path)
			require.ErrorContains(t, err, c.want)
			assert.ErrorContains(t, err, path, "the error names the file")
		})
	}
	_, err := report.ReadReport(filepath.Join(dir, "missing.json"))
	assert.ErrorContains(t, err, "missing.json")
}
