// Package e2e holds the end-to-end suites: the harness against every
// embedded API (the demo, the detection corpus, the hostile server) and
// against outside targets written in other stacks (the Flask and Express
// examples), over real HTTP, through the same assembly path as the CLI.
package e2e

import (
	"context"
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bolaharness/bolaharness/fixtures"
	"github.com/bolaharness/bolaharness/harness"
	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/report"
)

// scan runs cfg as the CLI does (harness.RunConfig into a Console writing
// to out; nil discards it) with the embedded fixtures available, and
// returns the report of a run that tested something. Every suite here
// scans through it or through scanReport.
func scan(t *testing.T, cfg *config.Config, opts harness.Options, out io.Writer) *report.Report {
	t.Helper()
	rep, err := scanReport(t, cfg, opts, out)
	require.NoError(t, err)
	return rep
}

// scanReport is scan for runs that may test nothing: it returns the report
// and the *harness.UntestedError, failing t on any other error.
func scanReport(t *testing.T, cfg *config.Config, opts harness.Options, out io.Writer) (*report.Report, error) {
	t.Helper()
	if out == nil {
		out = io.Discard
	}
	if opts.Fixture == nil {
		opts.Fixture = fixtures.Handler
	}
	var rep *report.Report
	var err error
	harness.NewConsole(out, out != io.Discard).Run(cfg.Name, func(tb harness.TB) {
		rep, err = harness.RunConfig(context.Background(), cfg, opts, tb)
	})
	var untested *harness.UntestedError
	if err != nil && !errors.As(err, &untested) {
		require.NoError(t, err)
	}
	require.NotNil(t, rep)
	return rep, err
}

// noEnv is an empty environment: the embedded configs' tokens are literal.
func noEnv(string) (string, bool) { return "", false }
