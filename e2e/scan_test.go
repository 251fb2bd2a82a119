// Package e2e holds the end-to-end suites: the harness against every
// embedded API (the demo, the detection corpus, the hostile server) and
// against outside targets written in other stacks (the Flask and Express
// examples), over real HTTP, through the same assembly path as the CLI.
package e2e

import (
	"context"
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
// returns the report. Every suite here scans through it.
func scan(t *testing.T, cfg *config.Config, opts harness.Options, out io.Writer) *report.Report {
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
	require.NoError(t, err)
	require.NotNil(t, rep)
	return rep
}

// noEnv is an empty environment: the embedded configs' tokens are literal.
func noEnv(string) (string, bool) { return "", false }
