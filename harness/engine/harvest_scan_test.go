package engine

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/plan"
	"github.com/bolaharness/bolaharness/harness/report"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bolaharness/bolaharness/fixtures/harvest"
)

// listedOwns are the ids each user owns in the harvest fixture, written by
// hand as a user would without harvesting (project 500 is shared by alice
// and bob, so nobody lists it).
var listedOwns = map[string]map[string][]string{
	"alice": {"user_id": {"11"}, "cardId": {"card_A1x7Qz", "card_A2m4Lp"}, "invoice_id": {"301", "303", "305"},
		"account_id": {"700"}, "statement_id": {"7001", "7002"}, "document_id": {"docA-4411"},
		"project_id": {"610"}, "wid": {"wal_7Hq2Xa"}},
	"bob": {"user_id": {"12"}, "cardId": {"card_B8k2Rt"}, "invoice_id": {"302", "304"},
		"account_id": {"800"}, "statement_id": {"8001"}, "document_id": {"docB-5522"},
		"project_id": {"620"}, "wid": {"wal_9Kp3Yb"}},
	"carol": {"user_id": {"13"}, "cardId": {"card_C5n9Wd"}, "invoice_id": {"306"},
		"account_id": {"900"}, "statement_id": {"9001"}, "document_id": {"docC-6633"},
		"project_id": {"630"}, "wid": {"wal_2Lm8Zc"}},
}

// harvestScan runs cfg against a fresh fixture API in mode and returns the
// report and the API, whose request log and trap hits the test reads.
func harvestScan(t *testing.T, cfg *config.Config, mode harvest.Mode) (*report.Report, *harvest.API) {
	t.Helper()
	api := harvest.New(mode)
	opts := Options{Fixture: func(name, _ string) (http.Handler, error) {
		require.Equal(t, "harvest", name)
		return api, nil
	}}
	var rep *report.Report
	var err error
	NewConsole(io.Discard, false).Run(cfg.Name, func(tb TB) {
		var s *Scan
		if s, err = Prepare(cfg, opts); err != nil {
			return
		}
		defer s.Close()
		rep = s.Run(context.Background(), tb)
	})
	require.NoError(t, err)
	require.NotNil(t, rep)
	return rep, api
}

// harvestConfig is fixtures/harvest.yaml with a fixed seed, and owns when
// given.
func harvestConfig(t *testing.T, owns map[string]map[string][]string) *config.Config {
	t.Helper()
	cfg, err := config.LoadConfig(harvestFixtureConfig, noHarvestEnv)
	require.NoError(t, err)
	cfg.Seed = 7
	for i, u := range cfg.Users {
		require.Empty(t, u.Owns, "fixtures/harvest.yaml must list no owns")
		if owns != nil {
			cfg.Users[i].Owns = owns[u.Name]
		}
	}
	return cfg
}

// leakSet names each finding by operation, parameter, attacker, victim and
// kind, sorted.
func leakSet(rep *report.Report) []string {
	seen := map[string]bool{}
	for _, f := range rep.Findings {
		seen[strings.Join([]string{f.Operation, f.Parameter, f.Attacker, f.Victim, f.Kind}, " ")] = true
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestHarvest_SameLeaksAsListedOwns is the acceptance test: with a
// config of tokens and identities only, the harness finds the ids through
// the listings and the same leaks as with hand-written owns.
func TestHarvest_SameLeaksAsListedOwns(t *testing.T) {
	harvested, api := harvestScan(t, harvestConfig(t, nil), harvest.Vulnerable)
	listed, _ := harvestScan(t, harvestConfig(t, listedOwns), harvest.Vulnerable)

	require.NotNil(t, harvested.Harvest)
	assert.True(t, harvested.Harvest.Enabled)
	assert.NotEmpty(t, leakSet(listed))
	assert.Equal(t, leakSet(listed), leakSet(harvested))
	for _, f := range harvest.Flaws() {
		assert.Contains(t, leakSet(harvested), strings.Join([]string{f.Operation, f.Parameter, f.Attacker, f.Victim, f.Kind}, " "),
			"flaw found through %s", f.Found)
	}

	found := map[string][]string{}
	for _, f := range harvested.Harvest.Found {
		assert.True(t, f.Used, "%s %s", f.User, f.Param)
		found[f.User+" "+f.Param] = f.IDs
	}
	for user, owns := range listedOwns {
		for param, ids := range owns {
			assert.Equal(t, ids, found[user+" "+param], "%s owns %s", user, param)
		}
	}
	assert.Equal(t, []report.HarvestShared{{Param: "project_id", ID: "500", Users: []string{"alice", "bob"}}}, harvested.Harvest.Shared)

	// Every request the API received was counted, harvesting included.
	assert.Equal(t, int64(len(api.Requests())), harvested.Stats.Requests)
	assert.Empty(t, listed.Harvest.Requests, "every user lists owns for every parameter: nothing to harvest")
}

// TestHarvest_NeverCallsATrap: in both modes, harvesting calls no trap of
// the fixture: every request it sends is a planned listing, and the API saw
// no other request while it ran. (The attack that follows is another
// matter: it may send what its own plan says.)
func TestHarvest_NeverCallsATrap(t *testing.T) {
	spec, cfg := loadHarvestFixture(t)
	planned := map[string]bool{}
	for _, c := range plan.PlanHarvest(spec, cfg).Calls {
		planned[c.Operation] = true
	}
	for _, mode := range []harvest.Mode{harvest.Vulnerable, harvest.Fixed} {
		t.Run(mode.String(), func(t *testing.T) {
			api := harvest.New(mode)
			s, err := Prepare(harvestConfig(t, nil), Options{Fixture: func(string, string) (http.Handler, error) { return api, nil }})
			require.NoError(t, err)
			defer s.Close()
			var rep *report.HarvestReport
			NewConsole(io.Discard, false).Run("harvest", func(tb TB) { _, rep = s.harvest(context.Background(), tb) })
			assert.Empty(t, api.TrapHits())
			require.NotEmpty(t, rep.Requests)
			assert.Len(t, api.Requests(), len(rep.Requests), "the API saw only the reported requests")
			for i, r := range rep.Requests {
				assert.True(t, planned[r.Operation], r.Operation)
				assert.Equal(t, http.StatusOK, r.Status, r.URL)
				u, err := url.Parse(r.URL)
				require.NoError(t, err)
				assert.Equal(t, u.RequestURI(), api.Requests()[i].URI)
				for _, trap := range harvest.Traps() {
					assert.NotEqual(t, strings.TrimPrefix(trap, "GET "), u.Path)
				}
			}
			assert.Len(t, rep.Refused, len(harvest.Traps()))
		})
	}
}

// TestHarvest_FixedModeFindsNothing: harvested ids give no false positive,
// which needs the shared project 500 left out (alice and bob both read it).
func TestHarvest_FixedModeFindsNothing(t *testing.T) {
	rep, _ := harvestScan(t, harvestConfig(t, nil), harvest.Fixed)
	assert.Empty(t, rep.Findings)
	assert.Positive(t, rep.Stats.Safe)
}

// TestHarvest_RequestsAndPages: each user calls each listing once, reads
// the second page of invoices through next_cursor, and fills the nested
// statements listing with the account found first.
func TestHarvest_RequestsAndPages(t *testing.T) {
	rep, _ := harvestScan(t, harvestConfig(t, nil), harvest.Fixed)
	byUser := map[string][]string{}
	for _, r := range rep.Harvest.Requests {
		u, err := url.Parse(r.URL)
		require.NoError(t, err)
		byUser[r.User] = append(byUser[r.User], u.RequestURI())
	}
	assert.ElementsMatch(t, []string{"/me", "/cards", "/invoices", "/invoices?cursor=2", "/accounts", "/documents",
		"/projects", "/balance", "/accounts/700/statements"}, byUser["alice"])
	assert.Contains(t, byUser["bob"], "/accounts/800/statements")
	assert.NotContains(t, byUser["bob"], "/invoices?cursor=2", "bob's two invoices fit one page")
	assert.Len(t, rep.Harvest.Requests, 9+8+8)
}

// TestHarvest_ConfigOwnsWin: ids the user writes down are used, the
// harvested ones for that parameter are reported as not used.
func TestHarvest_ConfigOwnsWin(t *testing.T) {
	cfg := harvestConfig(t, map[string]map[string][]string{"alice": {"invoice_id": {"303"}}})
	rep, _ := harvestScan(t, cfg, harvest.Vulnerable)
	var alice *report.HarvestFound
	for i, f := range rep.Harvest.Found {
		if f.User == "alice" && f.Param == "invoice_id" {
			alice = &rep.Harvest.Found[i]
		}
	}
	require.NotNil(t, alice)
	assert.False(t, alice.Used)
	assert.Contains(t, alice.Why, "owns.invoice_id")
	assert.Equal(t, []string{"301", "303", "305"}, alice.IDs)
	for _, f := range rep.Findings {
		if f.Operation == "GET /invoices/{invoice_id}" && f.Victim == "alice" && f.Kind == "swap" {
			assert.Equal(t, "303", f.Value, "only the listed id is swapped")
		}
	}
	assert.Equal(t, []string{"303"}, cfg.Users[0].Owns["invoice_id"], "the caller's config is not changed")
}

// TestHarvest_Off: `harvest: false` sends no harvesting request, and with no
// owns only the operations keyed by a user's identity (GET /users/{user_id},
// fed by identity id) can be attacked.
func TestHarvest_Off(t *testing.T) {
	cfg := harvestConfig(t, nil)
	cfg.NoHarvest = true
	rep, api := harvestScan(t, cfg, harvest.Vulnerable)
	assert.False(t, rep.Harvest.Enabled)
	assert.Empty(t, rep.Harvest.Requests)
	for _, r := range api.Requests() {
		assert.NotEqual(t, "/cards", r.URI)
		assert.NotEqual(t, "/me", r.URI)
	}
	require.NotEmpty(t, rep.Findings, "the users' identity ids feed /users/{user_id}")
	for _, f := range rep.Findings {
		assert.Equal(t, "GET /users/{user_id}", f.Operation)
		assert.Equal(t, ConfidenceCertain, f.Confidence, "the profile carries the victim's email")
	}
}

// TestHarvest_Budget: a user's harvesting stops at the per-user budget and
// says so.
func TestHarvest_Budget(t *testing.T) {
	cfg := harvestConfig(t, nil)
	api := harvest.New(harvest.Fixed)
	s, err := Prepare(cfg, Options{Fixture: func(string, string) (http.Handler, error) { return api, nil }})
	require.NoError(t, err)
	defer s.Close()
	plan := plan.PlanHarvestWith(s.Spec, s.Cfg, s.plan)
	plan.MaxRequestsPerUser = 3
	h := newHarvester(s, plan, &report.HarvestReport{})
	h.run(context.Background())
	assert.Len(t, h.rep.Requests, 3*len(cfg.Users))
	assert.Len(t, api.Requests(), 3*len(cfg.Users))
	require.Len(t, h.rep.Stopped, len(cfg.Users))
	assert.Contains(t, h.rep.Stopped[0], "alice: the harvest budget of 3 requests was spent")
}

// TestHarvest_ConfigKey: `harvest:` is read from the config file.
func TestHarvest_ConfigKey(t *testing.T) {
	base := "spec: ../specs/harvest.yaml\nusers:\n  - {name: a, token: t1}\n  - {name: b, token: t2}\n"
	tests := []struct {
		line    string
		off     bool
		wantErr string
	}{
		{"", false, ""},
		{"harvest: true\n", false, ""},
		{"harvest: false\n", true, ""},
		{"harvest: sometimes\n", false, "harvest: false"},
	}
	for _, tt := range tests {
		cfg, err := config.ParseConfig("../../fixtures/harvest-key.yaml", []byte(base+tt.line), noHarvestEnv)
		if tt.wantErr != "" {
			require.Error(t, err, tt.line)
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.Contains(t, err.Error(), "harvest-key.yaml")
			continue
		}
		require.NoError(t, err, tt.line)
		assert.Equal(t, tt.off, cfg.NoHarvest, tt.line)
	}
}
