// Package regress turns findings of a bolaharness report into regression
// tests: the files `bolaharness export` writes call it, one subtest per
// finding. Each subtest sends the finding's request as its attacker and the
// victim's control, with the credentials of the config's users (read from
// the environment as a scan reads them), and the harness's own oracle says
// whether the leak is still there: the subtest fails with the evidence
// while it is, and passes once it is fixed. No verdict is ever a pass.
//
// It imports no testing package: a [TB] is the part of *testing.T it uses.
package regress

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/engine"
	"github.com/bolaharness/bolaharness/harness/oracle"
	"github.com/bolaharness/bolaharness/harness/report"
)

// TB is the part of a *testing.T a regression test reports into.
type TB interface {
	Helper()
	Skipf(format string, args ...any)
	Fatalf(format string, args ...any)
	Errorf(format string, args ...any)
	Logf(format string, args ...any)
	Cleanup(func())
}

// Target says whose credentials send the findings and to what.
type Target struct {
	// Config is the config file whose users send the requests;
	// $BOLA_CONFIG, when set, replaces it. Its ${VAR} credentials come
	// from the environment.
	Config string
	// Handler, when set, serves every request in process (no socket),
	// whatever the config's baseURL or fixture says.
	Handler http.Handler
	// BaseURL, when set, replaces the config's baseURL ($BOLA_BASE_URL
	// does too, as for a scan).
	BaseURL string
	// ReportBaseURL is the base URL the report was made on: the findings'
	// URLs are moved from it to the target's.
	ReportBaseURL string
	// Seed is the report's seed: the same decoy values as the run that
	// found the leaks.
	Seed int64
}

// Suite is a target prepared once for every subtest of a regression test.
type Suite struct {
	scan   *engine.Scan
	report string
}

// Open loads the target's config and prepares its client, sending nothing.
// A config whose credentials are unset skips t with the variable to
// export, so that a fresh clone's `go test ./...` stays green; any other
// error fails t with its fix.
func Open(t TB, target Target) *Suite {
	t.Helper()
	path := target.Config
	if env := os.Getenv(config.EnvConfig); env != "" {
		path = env
	}
	if path == "" {
		t.Fatalf("regress: no config: set the config variable of this file, or %s, to the config the report was made with", config.EnvConfig)
		return nil
	}
	cfg, err := config.LoadConfig(path, nil)
	var unset *config.UnsetVarError
	if errors.As(err, &unset) {
		t.Skipf("skipped: %v (export %s to run these regression tests)", err, unset.Var)
		return nil
	}
	if err != nil {
		t.Fatalf("regress: %v", err)
		return nil
	}
	if target.BaseURL != "" {
		cfg.BaseURL = target.BaseURL
	}
	cfg.Seed = target.Seed
	opts := engine.Options{Log: t.Logf, Handler: target.Handler}
	scan, err := engine.Prepare(cfg, opts)
	if err != nil {
		if cfg.Fixture != "" && target.Handler == nil {
			t.Fatalf("regress: %v (the config starts the embedded API %q: set this file's handler hook to serve it in process)", err, cfg.Fixture)
		}
		t.Fatalf("regress: %v", err)
		return nil
	}
	t.Cleanup(scan.Close)
	return &Suite{scan: scan, report: target.ReportBaseURL}
}

// Check sends one finding again (findingJSON is the finding as the JSON
// report writes it) and judges the answers with the harness's oracle: t
// fails with the evidence while the leak is there, and also when no
// verdict can be had (the victim's control failed, the server is down),
// since "fixed" cannot be claimed then. A write finding is skipped with the
// reason: sending it again would change the victim's object again.
func (s *Suite) Check(t TB, findingJSON string) {
	t.Helper()
	var f report.Finding
	if err := json.Unmarshal([]byte(findingJSON), &f); err != nil {
		t.Fatalf("regress: the finding is not a report finding: %v", err)
		return
	}
	if engine.IsWriteFinding(f) {
		t.Skipf("not replayed: a write finding changes %s's object each time it is sent; check its fix with its curl line against a test copy: %s", f.Victim, f.Curl)
		return
	}
	res, err := s.scan.Replay(context.Background(), f, s.report)
	if err != nil {
		t.Fatalf("%v", err)
		return
	}
	switch res.Verdict.Outcome {
	case oracle.Leak:
		t.Errorf("%s", Describe(res, "still leaks"))
	case oracle.NoVerdict:
		t.Errorf("%s", Describe(res, "no verdict, so not known to be fixed"))
	default:
		t.Logf("fixed: %s as %s → %d; control as %s → %d", res.URL, f.Attacker, res.Status, f.Victim, res.ControlStatus)
	}
}

// Describe is a replayed finding in words: what was sent, the statuses,
// the oracle's reasons and evidence, the fix and the curl line.
func Describe(res engine.ReplayResult, state string) string {
	f := res.Finding
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %s %s→%s %s=%s\n", state, f.Kind, f.Operation, f.Attacker, f.Victim, f.Parameter, f.Value)
	fmt.Fprintf(&b, "    sent as %s: %s → status %d\n", f.Attacker, res.URL, res.Status)
	if res.Control != "" {
		fmt.Fprintf(&b, "    control as %s: %s → status %d\n", f.Victim, res.Control, res.ControlStatus)
	}
	for _, r := range res.Verdict.Reasons {
		fmt.Fprintf(&b, "    why: %s\n", r)
	}
	for _, e := range res.Verdict.Evidence {
		fmt.Fprintf(&b, "    evidence: %s = %q (%s)\n", e.Path, e.Value, e.Why)
	}
	if res.StillLeaks() {
		fix := f.Remediation
		if fix == "" {
			fix = report.Remediation(f.Kind)
		}
		fmt.Fprintf(&b, "    fix: %s\n", fix)
	}
	if f.Curl != "" {
		fmt.Fprintf(&b, "    reproduce: %s\n", f.Curl)
	}
	return strings.TrimRight(b.String(), "\n")
}
