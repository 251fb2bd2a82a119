// Package harnesstest runs bolaharness scans as go test subtests. It is the
// one place that imports testing: it adapts a *testing.T to harness.TB, so
// that every case becomes a subtest named
// <config>/<operation>/<attacker>-vs-<victim>/<param>/<case> that -run can
// select, and a leak fails its subtest with the evidence and a curl line.
//
//	func TestBOLA(t *testing.T) {
//		harnesstest.RunFile(t, "fixtures/staging.yaml", harness.Options{})
//	}
package harnesstest

import (
	"context"
	"net/http"
	"testing"

	"github.com/bolaharness/bolaharness/harness"
)

// TB adapts t to harness.TB: the engine's Run takes a func(harness.TB),
// testing's a func(*testing.T), so a *testing.T does not satisfy harness.TB
// by itself.
func TB(t *testing.T) harness.TB { return tb{t} }

// tb is the adapter: every method but Run is testing's own.
type tb struct{ *testing.T }

// Run runs f as a subtest named name, as testing.T.Run does.
func (t tb) Run(name string, f func(harness.TB)) bool {
	return t.T.Run(name, func(t *testing.T) { f(tb{t}) })
}

// RunFile runs the config at path as a subtest of t named after the file
// and returns its report. A config whose ${VAR} credentials are unset is
// skipped with the variable to export, so a suite stays green on a fresh
// clone; any other config problem fails t. The report is nil when the config
// did not run.
func RunFile(t *testing.T, path string, opts harness.Options) *harness.Report {
	t.Helper()
	var rep *harness.Report
	t.Run(harness.ConfigName(path), func(t *testing.T) {
		var err error
		rep, err = harness.RunFile(context.Background(), path, false, opts, TB(t))
		if err != nil {
			t.Fatalf("config %s: %v", path, err)
		}
	})
	return rep
}

// RunHandler runs cfg against h in process (no socket) as a subtest of t
// named after the config, and returns the report.
func RunHandler(t *testing.T, cfg *harness.Config, h http.Handler, opts harness.Options) *harness.Report {
	t.Helper()
	var rep *harness.Report
	t.Run(cfg.Name, func(t *testing.T) {
		var err error
		rep, err = harness.RunHandler(context.Background(), cfg, h, opts, TB(t))
		if err != nil {
			t.Fatalf("config %s: %v", cfg.File, err)
		}
	})
	return rep
}
