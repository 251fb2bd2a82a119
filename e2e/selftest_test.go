package e2e

import (
	"testing"

	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/report"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bolaharness/bolaharness/fixtures"
	"github.com/bolaharness/bolaharness/fixtures/demo"
	"github.com/bolaharness/bolaharness/harness"
	"github.com/bolaharness/bolaharness/specs"
)

// scanDemo runs the embedded demo config in mode through the same assembly
// path as the CLI, reporting into a silent console.
func scanDemo(t *testing.T, mode string, seed int64) *report.Report {
	t.Helper()
	cfg, err := config.ParseConfigEmbedded("fixtures/demo.yaml", fixtures.DemoConfig, specs.Demo, noEnv)
	require.NoError(t, err)
	cfg.Seed = seed
	return scan(t, cfg, harness.Options{FixtureMode: mode}, nil)
}

// TestDemoVulnerableFindsEveryPlantedFlaw is the self-test: every planted
// flaw is reported with the victim's identity as evidence, and no trap is.
func TestDemoVulnerableFindsEveryPlantedFlaw(t *testing.T) {
	for _, seed := range []int64{1, 42, 20261129} {
		rep := scanDemo(t, "vulnerable", seed)
		flawed := map[string]bool{}
		for _, f := range demo.Flaws() {
			flawed[f.Operation] = true
			found := findingFor(rep, f)
			if assert.NotNil(t, found, "seed %d: flaw not found: %+v", seed, f) {
				assert.True(t, evidenceNames(found, f.Victim+"@demo.test"), "seed %d: %s: evidence lacks %s's email: %+v", seed, f.Operation, f.Victim, found.Evidence)
				assert.Contains(t, found.Curl, "$"+upper(f.Attacker)+"_TOKEN")
				assert.NotContains(t, found.Curl, "demo-token-")
			}
		}
		for _, fd := range rep.Findings {
			assert.True(t, flawed[fd.Operation], "seed %d: finding on an operation without a planted flaw: %+v", seed, fd)
		}
		for _, trap := range demo.Safe() {
			for _, fd := range rep.Findings {
				assert.NotEqual(t, trap.Operation, fd.Operation, "seed %d: trap flagged (%s)", seed, trap.Kind)
			}
		}
		assert.Zero(t, rep.Stats.NoVerdict, "seed %d: the demo leaves nothing unjudged: %+v", seed, rep.NoVerdicts)
	}
}

// TestDemoFixedFindsNothing: in fixed mode every case is safe.
func TestDemoFixedFindsNothing(t *testing.T) {
	rep := scanDemo(t, "fixed", 7)
	assert.Empty(t, rep.Findings)
	assert.Zero(t, rep.Stats.Leaks)
	assert.Positive(t, rep.Stats.Safe)
	assert.Positive(t, rep.Stats.Requests)
}

func findingFor(rep *report.Report, f demo.Flaw) *report.Finding {
	for i, fd := range rep.Findings {
		if fd.Operation == f.Operation && fd.Parameter == f.Parameter && fd.Kind == f.Kind &&
			fd.Attacker == f.Attacker && fd.Victim == f.Victim {
			return &rep.Findings[i]
		}
	}
	return nil
}

func evidenceNames(f *report.Finding, value string) bool {
	for _, e := range f.Evidence {
		if e.Value == value {
			return true
		}
	}
	return false
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 32
		}
	}
	return string(b)
}
