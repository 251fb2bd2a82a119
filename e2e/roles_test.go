package e2e

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bolaharness/bolaharness/fixtures"
	"github.com/bolaharness/bolaharness/fixtures/corpus"
	"github.com/bolaharness/bolaharness/fixtures/roles"
	"github.com/bolaharness/bolaharness/harness"
	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/engine"
	"github.com/bolaharness/bolaharness/harness/oracle"
	"github.com/bolaharness/bolaharness/harness/plan"
	"github.com/bolaharness/bolaharness/harness/report"
)

// teamConfig is the roles fixture's config, parsed, with a fixed seed.
func teamConfig(t *testing.T) *config.Config {
	t.Helper()
	api := roles.Team()
	cfg, err := config.ParseConfigEmbedded("fixtures/roles/team.config.yaml", api.Config, api.Spec, noEnv)
	require.NoError(t, err)
	cfg.Seed = 1129
	return cfg
}

// flawKeys are the findings as "operation kind attacker→victim", sorted.
func flawKeys(rep *report.Report) []string {
	var out []string
	for _, f := range rep.Findings {
		out = append(out, fmt.Sprintf("%s %s %s→%s", f.Operation, f.Kind, f.Attacker, f.Victim))
	}
	sort.Strings(out)
	return out
}

// teamTruth is the ground truth in the same form.
func teamTruth() []string {
	var out []string
	for _, f := range roles.Team().Flaws {
		out = append(out, fmt.Sprintf("%s %s %s→%s", f.Operation, f.Kind, f.Attacker, f.Victim))
	}
	sort.Strings(out)
	return out
}

// TestRoles_Team: with the config's policy and with the plan's proposal
// (no policy), the vulnerable team API yields exactly its planted flaws,
// each with its kind, and the fixed one nothing; every finding carries a
// control, evidence, a curl line and a replay test name.
func TestRoles_Team(t *testing.T) {
	for _, policy := range []string{"config", "proposed"} {
		t.Run(policy, func(t *testing.T) {
			cfg := teamConfig(t)
			if policy == "proposed" {
				cfg.Policy = nil
			}
			vuln := scan(t, cfg, harness.Options{FixtureMode: "vulnerable"}, nil)
			assert.Equal(t, teamTruth(), flawKeys(vuln), "vulnerable mode: exactly the planted flaws")
			said := strings.Join(vuln.Warnings, "\n")
			if policy == "proposed" {
				assert.Contains(t, said, "no policy in the config; the proposal from the spec", "the report says the roles were checked against a proposal")
			} else {
				assert.NotContains(t, said, "proposal")
			}
			for _, f := range vuln.Findings {
				assert.NotEmpty(t, f.Control, "%s: control", f.Kind)
				assert.NotEmpty(t, f.Evidence, "%s: evidence", f.Kind)
				assert.Contains(t, f.Curl, "$"+strings.ToUpper(f.Attacker)+"_TOKEN", "%s: curl names the attacker's token variable", f.Kind)
				assert.NotContains(t, f.Curl, "team-", "%s: never a token in clear", f.Kind)
				assert.NotEmpty(t, f.Test, "%s: replay name", f.Kind)
				assert.Equal(t, "CWE-285", f.CWE)
				assert.Equal(t, report.Remediation(f.Kind), f.Remediation)
			}
			fixed := scan(t, cfg, harness.Options{FixtureMode: "fixed"}, nil)
			assert.Empty(t, flawKeys(fixed), "fixed mode: nothing")
			assert.Positive(t, fixed.Stats.Safe)
		})
	}
}

// TestRoles_TeamPlan: plan says what the function-level check will try and
// as whom, and whether the policy is the config's or a proposal.
func TestRoles_TeamPlan(t *testing.T) {
	cfg := teamConfig(t)
	bp, err := engine.Draft(cfg, plan.Shard{})
	require.NoError(t, err)
	require.NotNil(t, bp.Plan.Policy)
	assert.Equal(t, plan.PolicyFromConfig, bp.Plan.Policy.Source)
	var ops []string
	for _, c := range bp.Plan.Policy.Checks {
		ops = append(ops, c.Operation)
		assert.Equal(t, []string{"root"}, c.Allowed, c.Operation)
		assert.Equal(t, []string{"alice", "bob", "reader"}, c.Denied, c.Operation)
	}
	assert.Equal(t, []string{"GET /admin/audit", "GET /admin/status", "GET /admin/users", "GET /reports/signups"}, ops)
	require.Len(t, bp.Plan.Policy.Writes, 1, "the restricted write, sent by the object-level write check")
	assert.Equal(t, "PUT /announcements/{announcementId}", bp.Plan.Policy.Writes[0].Operation)
	assert.Equal(t, []string{"alice", "bob", "reader"}, bp.Plan.Policy.Writes[0].Denied)

	cfg.Policy = nil
	bp, err = engine.Draft(cfg, plan.Shard{})
	require.NoError(t, err)
	require.NotNil(t, bp.Plan.Policy)
	assert.Equal(t, plan.PolicyProposed, bp.Plan.Policy.Source)
	assert.Contains(t, bp.Plan.Policy.Note, "only those are checked")
	assert.Len(t, bp.Plan.Policy.Checks, 4)
	assert.Len(t, bp.Plan.Policy.Writes, 1, "the PUT's admin tag marks it")
	for _, c := range append(bp.Plan.Policy.Checks, bp.Plan.Policy.Writes...) {
		assert.Contains(t, c.Because, "proposed: ")
	}
}

// TestRoles_TeamCost measures what each check adds: the requests of a
// vulnerable run with a check on, less those of a run with it off, per
// operation it touched.
func TestRoles_TeamCost(t *testing.T) {
	run := func(function, scope bool) int64 {
		cfg := teamConfig(t)
		if !function {
			cfg.Policy = nil
			for i := range cfg.Users {
				cfg.Users[i].Role = config.DefaultRole // the proposal then has no allowed user
			}
		}
		if !scope {
			for i := range cfg.Users {
				cfg.Users[i].ReadOnly = false
			}
		}
		return scan(t, cfg, harness.Options{FixtureMode: "vulnerable"}, nil).Stats.Requests
	}
	none := run(false, false)
	fn, sc := run(true, false)-none, run(false, true)-none
	// 4 operations checked, 3 users outside the role each: 1 control + 3.
	assert.Equal(t, int64(4*4), fn, "function-level requests")
	// 2 writes (PUT, PATCH) for 1 read-only user: 2 read-backs, the write
	// and a read-back after; the PUT that lands adds a restore and its check.
	assert.Equal(t, int64(2*4+2), sc, "scope-bypass requests")
	t.Logf("requests added: function-level %d over 4 operations (%.1f each, 1 + users outside the role); scope-bypass %d over 2 writes (%.1f each)",
		fn, float64(fn)/4, sc, float64(sc)/2)
}

// TestRoles_CorpusEverythingAdminOnly runs the function-level check over
// every corpus API in fixed mode under the harshest policy: every
// operation admin-only, the first user the admin. Fixed mode scopes every
// object by its owner, so a user outside the role never gets data that
// names another user: any function-level finding is the oracle's error.
// The vulnerable mode shows the same checks do fire: the admin's objects
// that the corpus's object-level flaws serve to others are reported.
func TestRoles_CorpusEverythingAdminOnly(t *testing.T) {
	if testing.Short() {
		t.Skip("scans the whole corpus")
	}
	var rows []string
	fired := 0
	for _, api := range corpus.APIs() {
		t.Run(api.Name, func(t *testing.T) {
			cfg, err := config.ParseConfigEmbedded("fixtures/corpus/"+api.Name+".config.yaml", api.Config, api.Spec, noEnv)
			require.NoError(t, err)
			cfg.Seed = 1129
			cfg.Users[0].Role = "admin"
			cfg.Policy = []config.PolicyRule{{Operations: []string{"/**"}, Roles: []string{"admin"}}}
			// The corpus's fixed modes answer 403 for another user's
			// object and 404 for a missing one: real existence leaks,
			// which TestCorpus checks on their own. This test judges the
			// function-level oracle alone.
			cfg.NoExistenceLeaks = true
			rep := scan(t, cfg, harness.Options{FixtureMode: "fixed"}, nil)
			bp, err := engine.Draft(cfg, plan.Shard{})
			require.NoError(t, err)
			n := len(bp.Plan.Policy.Checks)
			for _, f := range rep.Findings {
				t.Errorf("false positive: %s %s %s→%s (%s) evidence %v", api.Name, f.Operation, f.Attacker, f.Victim, f.Kind, f.Evidence)
			}
			vuln := scan(t, cfg, harness.Options{FixtureMode: "vulnerable"}, nil)
			fl := 0
			for _, f := range vuln.Findings {
				if f.Kind == engine.KindFunctionLevel {
					fl++
					assert.Equal(t, cfg.Users[0].Name, f.Victim, "the control is the admin's")
				}
			}
			fired += fl
			rows = append(rows, fmt.Sprintf("| %s | %d | %d | %d |", api.Name, n, len(rep.Findings), fl))
		})
	}
	slices.Sort(rows)
	assert.Positive(t, fired, "the check never fired, even where the admin's objects leak")
	t.Logf("\n| API | operations checked | fixed-mode findings | vulnerable-mode function-level findings |\n|---|---|---|---|\n%s", strings.Join(rows, "\n"))
}

// TestRoles_Replay: a function-level finding replays as still leaking
// against the vulnerable team API and as fixed against the fixed one, on a
// new server; a scope-bypass or function-level write finding is a write
// and is refused (sending it again would change the object again).
func TestRoles_Replay(t *testing.T) {
	ctx := context.Background()
	prepare := func(mode string) *engine.Scan {
		s, err := engine.Prepare(teamConfig(t), engine.Options{Fixture: fixtures.Handler, FixtureMode: mode})
		require.NoError(t, err)
		t.Cleanup(s.Close)
		return s
	}
	rep := prepare("vulnerable").Run(ctx, engine.NewConsole(io.Discard, false))
	var fl, fw, sb *report.Finding
	for i, f := range rep.Findings {
		switch {
		case f.Kind == engine.KindFunctionLevel && strings.HasPrefix(f.Operation, "GET "):
			fl = &rep.Findings[i]
		case f.Kind == engine.KindFunctionLevel:
			fw = &rep.Findings[i]
		case f.Kind == engine.KindScopeBypass:
			sb = &rep.Findings[i]
		}
	}
	require.NotNil(t, fl)
	require.NotNil(t, sb)
	require.NotNil(t, fw)
	again, fixed := prepare("vulnerable"), prepare("fixed")
	res, err := again.Replay(ctx, *fl, rep.BaseURL)
	require.NoError(t, err)
	assert.True(t, res.StillLeaks(), "%+v", res.Verdict)
	assert.True(t, strings.HasPrefix(res.URL, again.BaseURL()), res.URL)
	assert.Equal(t, 200, res.ControlStatus)
	res, err = fixed.Replay(ctx, *fl, rep.BaseURL)
	require.NoError(t, err)
	assert.False(t, res.StillLeaks(), "%+v", res.Verdict)
	assert.Equal(t, 403, res.Status)
	assert.Equal(t, oracle.Safe, res.Verdict.Outcome, "fixed, with a control that still succeeds")
	for _, w := range []*report.Finding{sb, fw} {
		_, err = again.Replay(ctx, *w, rep.BaseURL)
		require.Error(t, err, w.Operation)
		assert.Contains(t, err.Error(), "is not replayed")
	}
}
