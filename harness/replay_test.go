package harness_test

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/engine"
	"github.com/bolaharness/bolaharness/harness/oracle"
	"github.com/bolaharness/bolaharness/harness/report"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bolaharness/bolaharness/fixtures"
	"github.com/bolaharness/bolaharness/specs"
)

// unsetEnv is an environment where no variable is set.
func unsetEnv(string) (string, bool) { return "", false }

// demoScan prepares the embedded demo API in the given mode.
func demoScan(t *testing.T, mode string, seed int64) *engine.Scan {
	t.Helper()
	cfg, err := config.ParseConfigEmbedded("fixtures/demo.yaml", fixtures.DemoConfig, specs.Demo, unsetEnv)
	require.NoError(t, err)
	cfg.Seed = seed
	s, err := engine.Prepare(cfg, engine.Options{Fixture: fixtures.Handler, FixtureMode: mode})
	require.NoError(t, err)
	t.Cleanup(s.Close)
	return s
}

func TestReplayFindings(t *testing.T) {
	ctx := context.Background()
	rep := demoScan(t, config.FixtureVulnerable, 11).Run(ctx, engine.NewConsole(io.Discard, false))
	byKind := map[string]report.Finding{}
	for _, f := range rep.Findings {
		if _, ok := byKind[f.Kind]; !ok {
			byKind[f.Kind] = f
		}
	}
	require.GreaterOrEqual(t, len(byKind), 4, "the demo plants several kinds of flaw")
	again := demoScan(t, config.FixtureVulnerable, rep.Seed)
	fixed := demoScan(t, config.FixtureFixed, rep.Seed)
	require.NotEqual(t, rep.BaseURL, again.BaseURL(), "a new fixture server listens elsewhere")
	for kind, f := range byKind {
		t.Run(kind, func(t *testing.T) {
			require.NotEmpty(t, f.Control, "a finding records the victim's control request")
			require.Equal(t, report.Remediation(kind), f.Remediation)

			res, err := again.Replay(ctx, f, rep.BaseURL)
			require.NoError(t, err)
			assert.True(t, res.StillLeaks(), "still vulnerable: %+v", res.Verdict)
			assert.True(t, strings.HasPrefix(res.URL, again.BaseURL()), "the URL moves to the new server: %s", res.URL)
			assert.Equal(t, strings.TrimPrefix(f.URL, rep.BaseURL), strings.TrimPrefix(res.URL, again.BaseURL()), "the wire form is kept")
			assert.Equal(t, 200, res.ControlStatus)
			assert.NotEmpty(t, res.Verdict.Evidence)

			res, err = fixed.Replay(ctx, f, rep.BaseURL)
			require.NoError(t, err)
			assert.Equal(t, oracle.Safe, res.Verdict.Outcome, "fixed: %+v", res.Verdict)

			// A report written before findings carried their control.
			old := f
			old.Control = ""
			res, err = again.Replay(ctx, old, rep.BaseURL)
			require.NoError(t, err)
			assert.True(t, res.StillLeaks(), "the control is rebuilt from the victim's ids: %+v", res.Verdict)
		})
	}
}

func TestReplayErrors(t *testing.T) {
	s := demoScan(t, config.FixtureVulnerable, 3)
	good := report.Finding{Operation: "GET /invoices/{invoice_id}", Parameter: "invoice_id", Attacker: "alice", Victim: "bob", URL: "http://127.0.0.1:1/invoices/8"}
	cases := []struct {
		name   string
		change func(*report.Finding)
		want   string
	}{
		{"operation not in the plan", func(f *report.Finding) { f.Operation = "GET /nothing/{id}" }, "-config"},
		{"parameter not an id", func(f *report.Finding) { f.Parameter = "page" }, `parameter "page"`},
		{"unknown user", func(f *report.Finding) { f.Victim = "mallory" }, `"mallory"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := good
			c.change(&f)
			_, err := s.Replay(context.Background(), f, "http://127.0.0.1:1")
			assert.ErrorContains(t, err, c.want)
		})
	}
}
