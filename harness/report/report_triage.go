package report

import (
	"fmt"
	"time"

	"github.com/bolaharness/bolaharness/harness/config"
)

// Baseline states of a finding against an earlier report (the values of
// SARIF's result.baselineState).
const (
	// BaselineNew: the earlier report did not have this finding.
	BaselineNew = "new"
	// BaselineUnchanged: the earlier report had it (same fingerprint).
	BaselineUnchanged = "unchanged"
	// BaselineAbsent: the earlier report had it and this run did not find
	// it again (fixed, or not reached: see the run's coverage).
	BaselineAbsent = "absent"
)

// Ignore states: what one entry of the config's ignore list did in a run.
const (
	// IgnoreSuppressing: the entry covers at least one finding of the run.
	IgnoreSuppressing = "suppressing"
	// IgnoreExpired: the entry's expiry date has passed; it suppresses
	// nothing and the findings it named count again.
	IgnoreExpired = "expired"
	// IgnoreUnmatched: no finding of the run has the entry's fingerprint
	// (fixed, or not reached): the entry may be removed.
	IgnoreUnmatched = "unmatched"
)

// Suppression marks a finding as an accepted risk (config key ignore):
// it stays in every report, marked, and does not fail the run.
type Suppression struct {
	Reason string `json:"reason"`
	// Expires is the last day (YYYY-MM-DD, UTC) the entry holds; "" never.
	Expires string `json:"expires,omitempty"`
	// Where is the config entry, file:line.
	Where string `json:"where,omitempty"`
}

// IgnoreRule is one entry of the config's ignore list, as the report
// model takes it.
type IgnoreRule struct {
	Fingerprint string `json:"fingerprint"`
	Reason      string `json:"reason"`
	// Expires is the last day the entry holds, YYYY-MM-DD; "" never.
	Expires string `json:"expires,omitempty"`
	// Where is the entry's file:line in the config.
	Where string `json:"where,omitempty"`
}

// IgnoreStatus is what one ignore entry did in this run.
type IgnoreStatus struct {
	IgnoreRule
	State string `json:"state"` // suppressing, expired or unmatched
	// Findings counts the run's findings with the entry's fingerprint.
	Findings int `json:"findings"`
}

// AbsentFinding is a finding of the baseline that this run did not have.
type AbsentFinding struct {
	Fingerprint string `json:"fingerprint"`
	Operation   string `json:"operation"`
	Parameter   string `json:"parameter"`
	Attacker    string `json:"attacker"`
	Victim      string `json:"victim"`
	Kind        string `json:"kind"`
}

// BaselineSummary compares the run with an earlier report.
type BaselineSummary struct {
	// File is the earlier report the run was compared with.
	File      string          `json:"file"`
	New       int             `json:"new"`
	Unchanged int             `json:"unchanged"`
	Absent    []AbsentFinding `json:"absent"`
	// NotAttacked counts the baseline's findings on operations this run
	// did not attack (another shard, -run, -include): not absent, untested.
	NotAttacked int `json:"notAttacked,omitempty"`
}

// FillFingerprints sets each finding's Fingerprint (the SARIF partial
// fingerprint), which ignore entries and baselines match on.
func (r *Report) FillFingerprints() {
	for i := range r.Findings {
		r.Findings[i].Fingerprint = Fingerprint(r.Findings[i])
	}
}

// CompareBaseline marks each finding new or unchanged against the
// findings of old (by fingerprint, so another seed, port or mutated value
// is the same finding) and lists old's findings this run did not have.
// file names old in the report.
func (r *Report) CompareBaseline(old *Report, file string) {
	r.FillFingerprints()
	had := map[string]bool{}
	for _, f := range old.Findings {
		had[Fingerprint(f)] = true
	}
	now := map[string]bool{}
	b := &BaselineSummary{File: file, Absent: []AbsentFinding{}}
	for i := range r.Findings {
		f := &r.Findings[i]
		now[f.Fingerprint] = true
		if had[f.Fingerprint] {
			f.BaselineState = BaselineUnchanged
			b.Unchanged++
		} else {
			f.BaselineState = BaselineNew
			b.New++
		}
	}
	attacked := r.attackedOperations()
	seen := map[string]bool{}
	for _, f := range old.Findings {
		fp := Fingerprint(f)
		if now[fp] || seen[fp] {
			continue
		}
		seen[fp] = true
		if attacked != nil && !attacked[f.Operation] {
			b.NotAttacked++
			continue
		}
		b.Absent = append(b.Absent, AbsentFinding{Fingerprint: fp, Operation: f.Operation, Parameter: f.Parameter,
			Attacker: f.Attacker, Victim: f.Victim, Kind: f.Kind})
	}
	r.Baseline = b
}

// attackedOperations are the operations the run attacked, from its
// matrix and request counts; nil when the report records neither (an
// older report), and then every operation counts as attacked.
func (r *Report) attackedOperations() map[string]bool {
	if len(r.Matrix) == 0 && len(r.PerOperation) == 0 {
		return nil
	}
	ops := map[string]bool{}
	for _, c := range r.Matrix {
		ops[c.Operation] = true
	}
	for _, o := range r.PerOperation {
		ops[o.Operation] = true
	}
	for _, f := range r.Findings {
		ops[f.Operation] = true
	}
	return ops
}

// IgnoreRulesFor is cfg's ignore list as the report records it, each
// entry with its file:line.
func IgnoreRulesFor(cfg *config.Config) []IgnoreRule {
	rules := make([]IgnoreRule, len(cfg.Ignore))
	for i, ig := range cfg.Ignore {
		rules[i] = IgnoreRule{Fingerprint: ig.Fingerprint, Reason: ig.Reason, Expires: ig.Expires,
			Where: fmt.Sprintf("%s:%d", cfg.File, ig.Line)}
	}
	return rules
}

// expiredOn says whether the rule no longer holds on day (YYYY-MM-DD):
// Expires is the last day it holds.
func (r IgnoreRule) expiredOn(day string) bool { return r.Expires != "" && r.Expires < day }

// InForce is the rules that suppress on today (UTC), by fingerprint.
func InForce(rules []IgnoreRule, today time.Time) map[string]IgnoreRule {
	day := today.UTC().Format(time.DateOnly)
	out := map[string]IgnoreRule{}
	for _, r := range rules {
		if _, seen := out[r.Fingerprint]; !seen && !r.expiredOn(day) {
			out[r.Fingerprint] = r
		}
	}
	return out
}

// ApplyIgnores marks the findings that an unexpired entry of rules names
// as suppressed, and records what every entry did, so that no accepted
// risk is dropped silently and an expired one says so. today is the date
// the expiry is checked against (UTC).
func (r *Report) ApplyIgnores(rules []IgnoreRule, today time.Time) {
	if len(rules) == 0 {
		return
	}
	r.FillFingerprints()
	day := today.UTC().Format(time.DateOnly)
	r.Ignored = make([]IgnoreStatus, 0, len(rules))
	for _, rule := range rules {
		st := IgnoreStatus{IgnoreRule: rule, State: IgnoreUnmatched}
		expired := rule.expiredOn(day)
		for i := range r.Findings {
			f := &r.Findings[i]
			if f.Fingerprint != rule.Fingerprint {
				continue
			}
			st.Findings++
			if !expired && f.Suppressed == nil {
				f.Suppressed = &Suppression{Reason: rule.Reason, Expires: rule.Expires, Where: rule.Where}
			}
		}
		switch {
		case expired:
			st.State = IgnoreExpired
		case st.Findings > 0:
			st.State = IgnoreSuppressing
		}
		r.Ignored = append(r.Ignored, st)
	}
}

// Failing lists the findings that fail a run: neither suppressed by an
// ignore entry nor unchanged since a baseline. It reads the marks on the
// findings alone, so a merge of shard reports keeps them.
func (r *Report) Failing() []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if f.Suppressed != nil || f.BaselineState == BaselineUnchanged {
			continue
		}
		out = append(out, f)
	}
	return out
}

// TriageLines say, one line each, what the baseline and the ignore list
// did: the counts, each finding gone since the baseline, each suppressed
// finding with its reason, and each expired or unmatched entry. Every
// report format shows them; empty when neither was used.
func (r *Report) TriageLines() []string {
	var out []string
	if b := r.Baseline; b != nil {
		line := fmt.Sprintf("baseline %s: %d new, %d unchanged, %d absent (in the baseline, not found by this run)",
			b.File, b.New, b.Unchanged, len(b.Absent))
		if b.NotAttacked > 0 {
			line += fmt.Sprintf("; %d on operations this run did not attack", b.NotAttacked)
		}
		out = append(out, line)
		for _, a := range b.Absent {
			out = append(out, fmt.Sprintf("absent: %s %s→%s %s (%s) [%s]", a.Operation, a.Attacker, a.Victim, a.Parameter, a.Kind, a.Fingerprint))
		}
	}
	for i, f := range r.Findings {
		if s := f.Suppressed; s != nil {
			out = append(out, fmt.Sprintf("suppressed: finding %d, %s %s→%s %s (%s): %s%s", i+1, f.Operation, f.Attacker, f.Victim,
				f.Parameter, f.Kind, s.Reason, ignoreSource(s.Where, s.Expires)))
		}
	}
	for _, st := range r.Ignored {
		switch st.State {
		case IgnoreExpired:
			out = append(out, fmt.Sprintf("expired: ignore entry %s (%s) expired after %s and no longer suppresses its %d %s%s",
				st.Fingerprint, st.Reason, st.Expires, st.Findings, plural(st.Findings, "finding", "findings"), ignoreSource(st.Where, "")))
		case IgnoreUnmatched:
			out = append(out, fmt.Sprintf("unmatched: ignore entry %s (%s) matched no finding of this run; remove it once the flaw is fixed%s",
				st.Fingerprint, st.Reason, ignoreSource(st.Where, "")))
		}
	}
	return out
}

// ignoreSource is " (config.yaml:12, until 2027-01-31)", or less.
func ignoreSource(where, expires string) string {
	switch {
	case where != "" && expires != "":
		return fmt.Sprintf(" (%s, until %s)", where, expires)
	case where != "":
		return " (" + where + ")"
	case expires != "":
		return " (until " + expires + ")"
	}
	return ""
}

// triageMark is " (suppressed)", " (new)", " (unchanged)" or "": what a
// finding's row says of its triage.
func triageMark(f Finding) string {
	switch {
	case f.Suppressed != nil:
		return " (suppressed)"
	case f.BaselineState != "":
		return " (" + f.BaselineState + ")"
	}
	return ""
}
