package engine

import (
	"context"

	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/report"
)

// RunConfig prepares and runs one config into t. A run that could not test
// anything returns its report (which says what was covered) and an
// *UntestedError naming the cause: never a clean result.
func RunConfig(ctx context.Context, cfg *config.Config, opts Options, t TB) (*report.Report, error) {
	s, err := Prepare(cfg, opts)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	rep := s.Run(ctx, t)
	return rep, Untested(rep)
}

// Untested is the *UntestedError a report's coverage names, or nil when the
// run tested something.
func Untested(rep *report.Report) error {
	if rep == nil || rep.Coverage == nil || rep.Coverage.Untested == "" {
		return nil
	}
	return &UntestedError{Cause: rep.Coverage.Untested}
}
