package main

import (
	"fmt"

	"github.com/bolaharness/bolaharness/harness"
)

// triage marks a finished run's findings new or unchanged against the
// baseline report, when one was given. The run itself filled in each
// finding's fingerprint and applied the config's ignore list (the engine
// does, so that go test and the command line agree).
func triage(rep *harness.Report, baseline *harness.Report, baselinePath string) {
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
