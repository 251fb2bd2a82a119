package e2e

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bolaharness/bolaharness/fixtures"
	"github.com/bolaharness/bolaharness/fixtures/authz"
	"github.com/bolaharness/bolaharness/fixtures/corpus"
	"github.com/bolaharness/bolaharness/harness"
	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/engine"
	"github.com/bolaharness/bolaharness/harness/oracle"
	"github.com/bolaharness/bolaharness/harness/report"
)

// vaultConfig is the authz fixture's config, with adjust applied.
func vaultConfig(t *testing.T, adjust func(*config.Config)) *config.Config {
	t.Helper()
	api := authz.Vault()
	cfg, err := config.ParseConfigEmbedded("fixtures/authz/vault.config.yaml", api.Config, api.Spec, config.MapEnv(api.Env))
	require.NoError(t, err)
	cfg.Seed = 1129
	if adjust != nil {
		adjust(cfg)
	}
	return cfg
}

// vaultFinding is the report's finding for a ground-truth flaw, or nil.
func vaultFinding(rep *report.Report, fl authz.Flaw) *report.Finding {
	for i, f := range rep.Findings {
		if f.Operation == fl.Operation && f.Kind == fl.Kind && f.Attacker == fl.Attacker && f.Victim == fl.Victim {
			return &rep.Findings[i]
		}
	}
	return nil
}

// TestAuthzVault: every planted flaw of the vault is found with its kind,
// check and owner, carrying a control, evidence, a curl line and a replay
// line; nothing else is flagged (no twin, no public notice, no object-level
// finding); the fixed mode yields nothing; and replay calls each finding
// still there against the vulnerable vault and fixed against the fixed one.
func TestAuthzVault(t *testing.T) {
	api := authz.Vault()
	vuln := scan(t, vaultConfig(t, nil), harness.Options{FixtureMode: "vulnerable"}, nil)
	for _, fl := range api.Flaws {
		f := vaultFinding(vuln, fl)
		if !assert.NotNil(t, f, "missed: %s %s %s→%s", fl.Kind, fl.Operation, fl.Attacker, fl.Victim) {
			continue
		}
		assert.NotEmpty(t, f.Control, "%s: the owner's control", fl.Operation)
		assert.NotEmpty(t, f.Evidence, "%s: evidence", fl.Operation)
		assert.True(t, strings.HasPrefix(f.Curl, "curl "), "%s: curl line %q", fl.Operation, f.Curl)
		assert.NotEmpty(t, f.Test, "%s: the subtest that replays it", fl.Operation)
		assert.NotContains(t, f.Curl, "eyJzdWIi", "a token's claims never appear in clear")
		want := map[string]string{"ignored-auth": "high", "existence-leak": "low"}[fl.Kind]
		assert.Equal(t, want, f.Severity, "%s %s", fl.Kind, fl.Operation)
		assert.Equal(t, map[string]string{"ignored-auth": "CWE-287", "existence-leak": "CWE-204"}[fl.Kind], f.CWE)
		if fl.Kind == "existence-leak" {
			assert.NotEmpty(t, f.Decoy, "the id nobody owns it was told apart from")
			assert.Equal(t, 403, f.Status)
		}
	}
	for _, f := range vuln.Findings {
		matched := slices.ContainsFunc(api.Flaws, func(fl authz.Flaw) bool {
			return f.Operation == fl.Operation && f.Kind == fl.Kind && f.Attacker == fl.Attacker && f.Victim == fl.Victim
		})
		assert.True(t, matched, "false positive: %s %s %s→%s (%s) %v", f.Kind, f.Operation, f.Attacker, f.Victim, f.Mutation, f.Evidence)
		assert.False(t, slices.Contains(api.Twins, f.Operation), "a protected twin was flagged: %s", f.Operation)
	}
	fixed := scan(t, vaultConfig(t, nil), harness.Options{FixtureMode: "fixed"}, nil)
	for _, f := range fixed.Findings {
		t.Errorf("fixed mode flagged %s %s %s→%s %v", f.Kind, f.Operation, f.Attacker, f.Victim, f.Evidence)
	}
	assert.Positive(t, fixed.Stats.Safe)

	ctx := context.Background()
	again := vaultScan(t, "vulnerable")
	mended := vaultScan(t, "fixed")
	for _, f := range vuln.Findings {
		res, err := again.Replay(ctx, f, vuln.BaseURL)
		require.NoError(t, err)
		assert.True(t, res.StillLeaks(), "replay %s %s: %+v", f.Kind, f.Operation, res.Verdict)
		res, err = mended.Replay(ctx, f, vuln.BaseURL)
		require.NoError(t, err)
		assert.Equal(t, oracle.Safe, res.Verdict.Outcome, "replay on the fixed vault %s %s: %+v", f.Kind, f.Operation, res.Verdict)
	}
}

// vaultScan prepares the vault for replay in mode.
func vaultScan(t *testing.T, mode string) *engine.Scan {
	t.Helper()
	s, err := engine.Prepare(vaultConfig(t, nil), engine.Options{Fixture: fixtures.Handler, FixtureMode: mode})
	require.NoError(t, err)
	t.Cleanup(s.Close)
	return s
}

// TestAuthzVault_Switches: authChecks [] and existenceLeaks false turn the
// checks off, and then nothing of theirs is sent or reported; the log
// says what each check costs per operation.
func TestAuthzVault_Switches(t *testing.T) {
	off := scan(t, vaultConfig(t, func(c *config.Config) { c.AuthChecks = []string{}; c.NoExistenceLeaks = true }),
		harness.Options{FixtureMode: "vulnerable"}, nil)
	assert.Empty(t, off.Findings)
	on := scan(t, vaultConfig(t, nil), harness.Options{FixtureMode: "vulnerable"}, nil)
	noExist := scan(t, vaultConfig(t, func(c *config.Config) { c.NoExistenceLeaks = true }), harness.Options{FixtureMode: "vulnerable"}, nil)
	for _, f := range noExist.Findings {
		assert.NotEqual(t, engine.KindExistenceLeak, f.Kind)
	}
	assert.Equal(t, noExist.Stats.Requests, on.Stats.Requests, "existence leaks are judged on answers the attack already has")
	t.Logf("vault (vulnerable): %d requests without the checks, %d with them: %s",
		off.Stats.Requests, on.Stats.Requests, perOp(on.Stats.Requests-off.Stats.Requests, off.Stats.Operations))
}

// perOp says n requests over ops operations.
func perOp(n int64, ops int) string {
	if ops == 0 {
		return fmt.Sprintf("+%d", n)
	}
	return fmt.Sprintf("+%d (%.2f per operation)", n, float64(n)/float64(ops))
}

// checkMatrixKinds holds a corpus report to the authorization-matrix
// checks' contract. The corpus plants no authentication flaw, so any
// ignored-auth finding is a false positive. Its APIs do refuse another
// user's object with 403 where a missing one is 404 (the fixed modes
// mostly do): that is a true existence leak, so each such finding must be
// low severity, never sit beside a content leak of the same operation and
// pair, and still tell the two answers apart when replayed against a fresh
// server in the same mode. It returns how many existence leaks there were.
func checkMatrixKinds(t *testing.T, api corpus.API, mode string, rep *report.Report) int {
	t.Helper()
	content := map[string]bool{}
	for _, f := range rep.Findings {
		if f.Kind != engine.KindExistenceLeak && f.Kind != engine.KindIgnoredAuth {
			content[f.Operation+"\x00"+f.Attacker+"\x00"+f.Victim] = true
		}
	}
	var again *engine.Scan
	n := 0
	for _, f := range rep.Findings {
		switch f.Kind {
		case engine.KindIgnoredAuth:
			t.Errorf("false positive: %s (%s) %s %s as %s: %v", api.Name, mode, f.Kind, f.Operation, f.Attacker, f.Evidence)
		case engine.KindExistenceLeak:
			n++
			assert.Equal(t, "low", f.Severity)
			assert.False(t, content[f.Operation+"\x00"+f.Attacker+"\x00"+f.Victim], "existence leak mixed with a content leak: %s %s", api.Name, f.Operation)
			if again == nil {
				cfg, err := config.ParseConfigEmbedded("fixtures/corpus/"+api.Name+".config.yaml", api.Config, api.Spec, noEnv)
				require.NoError(t, err)
				again, err = engine.Prepare(cfg, engine.Options{Fixture: fixtures.Handler, FixtureMode: mode})
				require.NoError(t, err)
				t.Cleanup(again.Close)
			}
			res, err := again.Replay(context.Background(), f, rep.BaseURL)
			require.NoError(t, err)
			assert.True(t, res.StillLeaks(), "%s (%s) %s %s→%s does not replay: %+v", api.Name, mode, f.Operation, f.Attacker, f.Victim, res.Verdict)
		}
	}
	return n
}

// TestAuthzChecksCost measures what each authorization-matrix check adds
// to a run: the requests of a vulnerable scan with one check on, less
// those with every check off, per attacked operation, over the vault and
// the whole corpus. The existence judgement must add none (it reuses the
// swap and the decoy); each ignored-auth check at most one request per
// attacked read, plus one decoy per suspected leak. It logs the table the
// README keeps.
func TestAuthzChecksCost(t *testing.T) {
	if testing.Short() {
		t.Skip("scans every corpus API five times")
	}
	type target struct {
		name string
		cfg  func(t *testing.T) *config.Config
	}
	targets := []target{{"vault", func(t *testing.T) *config.Config { return vaultConfig(t, nil) }}}
	for _, api := range corpus.APIs() {
		targets = append(targets, target{api.Name, func(t *testing.T) *config.Config {
			cfg, err := config.ParseConfigEmbedded("fixtures/corpus/"+api.Name+".config.yaml", api.Config, api.Spec, noEnv)
			require.NoError(t, err)
			cfg.Seed = 1129
			return cfg
		}})
	}
	variants := []struct {
		name  string
		set   func(*config.Config)
		limit func(reads int, leaks int) int
	}{
		{"none", func(c *config.Config) { c.AuthChecks = []string{config.AuthCheckNone} }, func(r, l int) int { return r + l }},
		{"tampered", func(c *config.Config) { c.AuthChecks = []string{config.AuthCheckTampered} }, func(r, l int) int { return r + l }},
		{"alg-none", func(c *config.Config) { c.AuthChecks = []string{config.AuthCheckAlgNone} }, func(r, l int) int { return r + l }},
		{"existence", func(c *config.Config) { c.AuthChecks = []string{}; c.NoExistenceLeaks = false }, func(int, int) int { return 0 }},
	}
	var rows []string
	for _, tg := range targets {
		off := tg.cfg(t)
		off.AuthChecks, off.NoExistenceLeaks = []string{}, true
		base := scan(t, off, harness.Options{FixtureMode: "vulnerable"}, nil)
		row := fmt.Sprintf("| %s | %d | %d |", tg.name, base.Stats.Operations, base.Stats.Requests)
		for _, v := range variants {
			cfg := tg.cfg(t)
			cfg.NoExistenceLeaks = true
			v.set(cfg)
			rep := scan(t, cfg, harness.Options{FixtureMode: "vulnerable"}, nil)
			added := rep.Stats.Requests - base.Stats.Requests
			leaks := 0
			for _, f := range rep.Findings {
				if f.Kind == engine.KindIgnoredAuth {
					leaks++
				}
			}
			assert.LessOrEqual(t, added, int64(v.limit(base.Stats.Operations, leaks)), "%s: %s adds %d requests", tg.name, v.name, added)
			assert.GreaterOrEqual(t, added, int64(0))
			row += fmt.Sprintf(" +%d (%.2f) |", added, float64(added)/float64(max(base.Stats.Operations, 1)))
		}
		rows = append(rows, row)
	}
	t.Logf("\n| API | operations attacked | requests, checks off | none | tampered | alg-none | existence |\n|---|---|---|---|---|---|---|\n%s",
		strings.Join(rows, "\n"))
}
