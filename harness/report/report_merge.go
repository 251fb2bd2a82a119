package report

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/bolaharness/bolaharness/harness/plan"
)

// ReadReport reads a JSON report written by WriteJSON.
func ReadReport(path string) (*Report, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("report %s: %w", path, err)
	}
	var r Report
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("report %s: not a bolaharness JSON report: %w", path, err)
	}
	if r.Version != ReportVersion {
		return nil, fmt.Errorf("report %s: version %d, this bolaharness reads version %d; re-run the scan with this version", path, r.Version, ReportVersion)
	}
	return &r, nil
}

// MergeReports combines the reports of shards of one scan (or of several
// configs) into one: the union of findings (one per operation, parameter,
// attacker, victim and URL), of operations left out and of warnings; the
// stats summed; the matrix concatenated, cells of the same operation and
// pair added up; the baseline and ignore summaries rebuilt for the whole
// (report_merge_triage.go). Fields the shards disagree on (seed, base URL, config,
// spec) are kept from the first report and the disagreement is a warning.
func MergeReports(reports ...*Report) (*Report, error) {
	if len(reports) == 0 {
		return nil, fmt.Errorf("merge: no report given; pass two or more JSON reports")
	}
	first := reports[0]
	out := &Report{Version: ReportVersion, Seed: first.Seed, BaseURL: first.BaseURL, Config: first.Config, Spec: first.Spec,
		Findings: []Finding{}, Skipped: []plan.Skip{}}
	seen := map[string]bool{}
	m := &matrixMerge{idx: map[[3]string]int{}}
	for i, r := range reports {
		if r.Version != ReportVersion {
			return nil, fmt.Errorf("merge: report %d has version %d, expected %d", i+1, r.Version, ReportVersion)
		}
		for _, f := range r.Findings {
			if k := findingKey(f); !seen[k] {
				seen[k] = true
				out.Findings = append(out.Findings, f)
			}
		}
		out.Skipped = appendSkips(out.Skipped, r.Skipped)
		out.Warnings = appendUnseen(out.Warnings, r.Warnings...)
		out.Stats = addStats(out.Stats, r.Stats)
		m.Add(r.Matrix)
		out.NoVerdicts = appendNoVerdicts(out.NoVerdicts, r.NoVerdicts)
		out.Writes = mergeWrites(out.Writes, r.Writes)
		out.Coverage = mergeCoverage(out.Coverage, r.Coverage, i+1)
		out.Partial = out.Partial || r.Partial
	}
	if out.Coverage != nil {
		out.Coverage.LeftOut = len(out.Skipped)
	}
	out.Matrix = m.cells
	sort.SliceStable(out.Findings, func(i, j int) bool { return out.Findings[i].Operation < out.Findings[j].Operation })
	out.Warnings = appendUnseen(out.Warnings, disagreements(reports)...)
	var why string
	if out.Baseline, why = mergeBaseline(reports, out.Findings); why != "" {
		out.Warnings = appendUnseen(out.Warnings, why)
	}
	out.Ignored = mergeIgnored(reports, out.Findings)
	return out, nil
}

// findingKey is what makes two findings the same leak (the recorder's key).
func findingKey(f Finding) string {
	return strings.Join([]string{f.Operation, f.Parameter, f.Attacker, f.Victim, f.URL, f.Value}, "\x00")
}

func appendSkips(dst, src []plan.Skip) []plan.Skip {
	for _, s := range src {
		dup := false
		for _, d := range dst {
			if d == s {
				dup = true
				break
			}
		}
		if !dup {
			dst = append(dst, s)
		}
	}
	return dst
}

func appendUnseen(dst []string, src ...string) []string {
	for _, s := range src {
		if !slices.Contains(dst, s) {
			dst = append(dst, s)
		}
	}
	return dst
}

func appendNoVerdicts(dst, src []NoVerdictCase) []NoVerdictCase {
	for _, nv := range src {
		if len(dst) == MaxNoVerdictList {
			break
		}
		dst = append(dst, nv)
	}
	return dst
}

func addStats(a, b Stats) Stats {
	return Stats{Operations: a.Operations + b.Operations, Requests: a.Requests + b.Requests, DurationMs: a.DurationMs + b.DurationMs,
		Cases: a.Cases + b.Cases, Leaks: a.Leaks + b.Leaks, Safe: a.Safe + b.Safe, NoVerdict: a.NoVerdict + b.NoVerdict, NotSent: a.NotSent + b.NotSent, Settled: a.Settled + b.Settled}
}

// matrixMerge concatenates matrices; a cell that two shards both hold (the
// same operation and pair) is added up and its outcome decided again.
type matrixMerge struct {
	cells []MatrixCell
	idx   map[[3]string]int
}

func (m *matrixMerge) Add(cells []MatrixCell) {
	for _, c := range cells {
		k := [3]string{c.Operation, c.Attacker, c.Victim}
		i, ok := m.idx[k]
		if !ok {
			m.idx[k] = len(m.cells)
			m.cells = append(m.cells, c)
			continue
		}
		cur := &m.cells[i]
		cur.Cases += c.Cases
		cur.Leaks += c.Leaks
		cur.NoVerdict += c.NoVerdict
		cur.Places = appendUnseen(cur.Places, c.Places...)
		cur.Outcome = mergedOutcome(cur.Outcome, c.Outcome, *cur)
	}
}

// mergedOutcome follows the recorder's rule: a leak anywhere is a leak,
// all cases unjudged is no verdict, else denied; public only when both
// shards say so.
func mergedOutcome(a, b string, sum MatrixCell) string {
	switch {
	case sum.Leaks > 0:
		return CellLeak
	case a == CellPublic && b == CellPublic:
		return CellPublic
	case sum.Cases > 0 && sum.NoVerdict == sum.Cases:
		return CellNoVerdict
	}
	return CellDenied
}

// disagreements are warnings for fields the shards do not share.
func disagreements(reports []*Report) []string {
	var out []string
	check := func(name string, get func(*Report) string) {
		vals := []string{}
		for _, r := range reports {
			vals = appendUnseen(vals, get(r))
		}
		if len(vals) > 1 {
			out = append(out, fmt.Sprintf("merged reports differ in %s (%s); the merged report keeps the first", name, strings.Join(vals, ", ")))
		}
	}
	check("seed", func(r *Report) string { return fmt.Sprint(r.Seed) })
	check("baseURL", func(r *Report) string { return r.BaseURL })
	check("config", func(r *Report) string { return r.Config })
	check("spec", func(r *Report) string { return r.Spec })
	return out
}

// maxNoVerdictList caps the no-verdict cases listed in the report.
const MaxNoVerdictList = 200
