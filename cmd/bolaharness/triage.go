package main

import (
	"fmt"
	"time"

	"github.com/bolaharness/bolaharness/harness"
	"github.com/bolaharness/bolaharness/harness/report"
)

// triage marks a finished run's findings: each with its fingerprint, as
// suppressed when an unexpired ignore entry of the config names it, and
// new or unchanged against the baseline report when one was given.
func triage(rep *harness.Report, cfg *harness.Config, baseline *harness.Report, baselinePath string, today time.Time) {
	rep.FillFingerprints()
	rep.ApplyIgnores(report.IgnoreRulesFor(cfg), today)
	if baseline != nil {
		rep.CompareBaseline(baseline, baselinePath)
	}
}

// readBaseline reads the -baseline report before the scan, so that a
// wrong path costs no scan.
func readBaseline(path string) (*harness.Report, error) {
	if path == "" {
		return nil, nil
	}
	rep, err := harness.ReadReport(path)
	if err != nil {
		return nil, fmt.Errorf("-baseline: %w; give the JSON report of an earlier scan (-report)", err)
	}
	return rep, nil
}

// triageMark is what the findings list says of a finding's triage.
func triageMark(f harness.Finding) string {
	switch {
	case f.Suppressed != nil:
		return " suppressed: " + f.Suppressed.Reason
	case f.BaselineState != "":
		return " " + f.BaselineState
	}
	return ""
}
