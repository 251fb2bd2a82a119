package engine

import (
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/bolaharness/bolaharness/harness/oracle"
	"github.com/bolaharness/bolaharness/harness/plan"
	"github.com/bolaharness/bolaharness/harness/report"
)

// recorder gathers findings, skips and counts from concurrent cases.
type recorder struct {
	s           *Scan
	mu          sync.Mutex
	findings    []report.Finding
	seen        map[string]bool
	skipped     []plan.Skip
	cells       map[[3]string]*report.MatrixCell
	order       [][3]string
	stats       report.Stats
	nv          []report.NoVerdictCase
	notAttacked int      // planned operations skipped at run time
	nvWhy       []string // every no-verdict case's first reason, for the coverage
	perOp       []report.OperationStat
}

// operationRequests records the requests one operation's attack sent.
func (r *recorder) operationRequests(op string, n int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.perOp = append(r.perOp, report.OperationStat{Operation: op, Requests: n})
}

func newRecorder(s *Scan) *recorder {
	return &recorder{s: s, seen: map[string]bool{}, cells: map[[3]string]*report.MatrixCell{}, skipped: append([]plan.Skip(nil), s.plan.Skipped...)}
}

// skip records a planned operation that the run did not attack, and why.
func (r *recorder) skip(op, why string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.skipped = append(r.skipped, plan.Skip{Operation: op, Why: why})
	r.notAttacked++
}

// attacked is how many planned operations the run attacked.
func (r *recorder) attacked() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return max(len(r.s.plan.Operations)-r.notAttacked, 0)
}

func (r *recorder) findingCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.findings)
}

// outcome counts one case in the stats and the matrix; it returns false for
// a finding already reported (same leak reached from another case).
func (r *recorder) outcome(g *group, o *Outcome, f *report.Finding, test string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stats.Cases++
	key := [3]string{g.op.Operation, g.a.Name, g.v.Name}
	cell := r.cells[key]
	if cell == nil {
		cell = &report.MatrixCell{Operation: key[0], Attacker: key[1], Victim: key[2]}
		r.cells[key] = cell
		r.order = append(r.order, key)
	}
	cell.Cases++
	if place := g.p.In + " " + g.p.Name; !slices.Contains(cell.Places, place) {
		cell.Places = append(cell.Places, place)
	}
	switch {
	case o.skipped != "":
		r.stats.NotSent++
		if o.settled {
			r.stats.Settled++
		}
	case o.Verdict.Outcome == oracle.Leak:
		r.stats.Leaks++
		cell.Leaks++
	case o.Verdict.Outcome == oracle.NoVerdict:
		r.stats.NoVerdict++
		cell.NoVerdict++
		why := "no reason given"
		if len(o.Verdict.Reasons) > 0 {
			why = o.Verdict.Reasons[0]
		}
		r.nvWhy = append(r.nvWhy, aboutVictim(g.v.Name, why))
		if len(r.nv) < report.MaxNoVerdictList {
			r.nv = append(r.nv, report.NoVerdictCase{Operation: g.op.Operation, Test: test, Why: strings.Join(o.Verdict.Reasons, "; ")})
		}
	default:
		r.stats.Safe++
	}
	if f == nil {
		return true
	}
	k := strings.Join([]string{f.Operation, f.Parameter, f.Attacker, f.Victim, f.URL, f.Value}, "\x00")
	if r.seen[k] {
		return false
	}
	r.seen[k] = true
	r.findings = append(r.findings, *f)
	return true
}

// report freezes what was recorded.
func (r *recorder) report(d time.Duration) *report.Report {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.s
	st := r.stats
	st.Operations = len(s.plan.Operations)
	st.Requests = s.client.Requests()
	st.DurationMs = d.Milliseconds()
	rep := &report.Report{Version: report.ReportVersion, Seed: s.seed, BaseURL: s.baseURL, Config: s.Cfg.File, Spec: s.Cfg.Spec,
		Findings: append([]report.Finding{}, r.findings...), Skipped: append([]plan.Skip{}, r.skipped...), Stats: st,
		Warnings: append([]string(nil), s.plan.Warnings...), NoVerdicts: append([]report.NoVerdictCase(nil), r.nv...),
		PerOperation: append([]report.OperationStat(nil), r.perOp...), Writes: s.writes.summary()}
	sort.SliceStable(rep.Findings, func(i, j int) bool { return rep.Findings[i].Operation < rep.Findings[j].Operation })
	for _, k := range r.order {
		c := *r.cells[k]
		switch {
		case c.Leaks > 0:
			c.Outcome = "leak"
		case c.NoVerdict == c.Cases:
			c.Outcome = "no-verdict"
		default:
			c.Outcome = "denied"
		}
		rep.Matrix = append(rep.Matrix, c)
	}
	return rep
}

// contentLeak says whether a finding of another kind than the
// authorization-matrix checks' (a leak of content) names operation.
func (r *recorder) contentLeak(operation string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, f := range r.findings {
		if f.Operation == operation && f.Kind != KindExistenceLeak && f.Kind != KindIgnoredAuth {
			return true
		}
	}
	return false
}

// checkOutcome counts one ignored-auth, existence, function-level or
// read-only check in the
// stats and keeps its finding; the matrix is the grid of object swaps, so
// these (a caller who is nobody, a leak of existence only) stay out of it.
func (r *recorder) checkOutcome(o *Outcome, f *report.Finding) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stats.Cases++
	switch o.Verdict.Outcome {
	case oracle.Leak:
		r.stats.Leaks++
	case oracle.NoVerdict:
		r.stats.NoVerdict++
	default:
		r.stats.Safe++
	}
	if f == nil {
		return
	}
	k := strings.Join([]string{f.Operation, f.Attacker, f.Victim, f.URL, f.Kind}, "\x00")
	if !r.seen[k] {
		r.seen[k] = true
		r.findings = append(r.findings, *f)
	}
}

// noVerdictReasons are the first reasons of every case without verdict.
func (r *recorder) noVerdictReasons() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.nvWhy...)
}

// aboutVictim prefixes a reason with the victim it concerns, unless it
// names them already, so that grouped reasons say whose cases they are.
func aboutVictim(victim, why string) string {
	if strings.Contains(why, victim) {
		return why
	}
	return victim + ": " + why
}
