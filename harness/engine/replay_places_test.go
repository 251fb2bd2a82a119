package engine

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/bolaharness/bolaharness/harness/client"
	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/oracle"
	"github.com/bolaharness/bolaharness/harness/report"
	"github.com/bolaharness/bolaharness/harness/spec"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// placesAPI serves the places spec's GET /account (the account in the
// X-Account-Id header) and POST /search (the owner_id of the JSON body).
// Vulnerable, it serves any account to any caller; fixed, only the
// caller's own.
func placesAPI(fixed bool) http.Handler {
	callers := map[string]string{"Bearer tok-alice": "11", "Bearer tok-bob": "12"}
	emails := map[string]string{"11": "alice@docs.test", "12": "bob@docs.test"}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		caller, ok := callers[r.Header.Get("Authorization")]
		if !ok {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var id string
		switch {
		case r.Method == http.MethodGet && r.URL.Path == "/account":
			id = r.Header.Get("X-Account-Id")
		case r.Method == http.MethodPost && r.URL.Path == "/search":
			var in struct {
				OwnerID json.Number `json:"owner_id"`
			}
			if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
				http.Error(w, `{"error":"bad body"}`, http.StatusBadRequest)
				return
			}
			id = in.OwnerID.String()
		default:
			http.NotFound(w, r)
			return
		}
		if emails[id] == "" || (fixed && id != caller) {
			http.Error(w, `{"error":"not found"}`, http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if err := json.NewEncoder(w).Encode(map[string]any{"owner": id, "email": emails[id], "title": "tax"}); err != nil {
			panic(err)
		}
	})
}

func replayPlacesScan(t *testing.T, fixed bool) *Scan {
	t.Helper()
	yaml := `spec: ../testdata/places/api.yaml
baseURL: http://docs.test
methods: [GET, POST]
rate: 0
seed: 3
users:
  - {name: alice, token: tok-alice, identity: {id: 11, email: alice@docs.test}, owns: {X-Account-Id: [11]}}
  - {name: bob, token: tok-bob, identity: {id: 12, email: bob@docs.test}, owns: {X-Account-Id: [12]}}
`
	cfg, err := config.ParseConfig("places.yaml", []byte(yaml), func(string) (string, bool) { return "", false })
	require.NoError(t, err)
	s, err := PrepareHandler(cfg, placesAPI(fixed), Options{})
	require.NoError(t, err)
	t.Cleanup(s.Close)
	return s
}

// withRecorded is f as reportcase.go records it: the attack and control
// requests filled in by recordRequests.
func withRecorded(t *testing.T, s *Scan, f report.Finding) report.Finding {
	t.Helper()
	g, err := s.ReplayGroup(f)
	require.NoError(t, err)
	attack, ok := g.RebuiltAttack(f)
	require.True(t, ok)
	m := &Outcome{Req: attack, C: g.PlainCase("12"), Verdict: oracle.Verdict{Victim: f.Victim}}
	s.RecordRequests(&f, g, m)
	require.NotNil(t, f.Request)
	require.NotNil(t, f.ControlRequest)
	return f
}

// TestReplay_HeaderAndBodyIDs: findings whose id travels in a header or a
// JSON body are replayed, from the recorded requests or rebuilt from the
// value, and say fixed once the API checks the owner.
func TestReplay_HeaderAndBodyIDs(t *testing.T) {
	ctx := context.Background()
	vuln := replayPlacesScan(t, false)
	rep := vuln.Run(ctx, newRecTB())
	found := map[string]report.Finding{}
	for _, f := range rep.Findings {
		if f.Attacker == "alice" && f.Kind == "swap" && (f.In == "header" || f.In == spec.InBody) {
			found[f.In] = f
		}
	}
	require.Len(t, found, 2, "a header and a body finding: %+v", rep.Findings)
	again, fixed := replayPlacesScan(t, false), replayPlacesScan(t, true)
	for in, f := range found {
		for _, form := range []string{"rebuilt", "recorded"} {
			t.Run(in+"/"+form, func(t *testing.T) {
				if form == "recorded" {
					f = withRecorded(t, vuln, f)
				}
				res, err := again.Replay(ctx, f, rep.BaseURL)
				require.NoError(t, err)
				assert.True(t, res.StillLeaks(), "%+v", res.Verdict)
				assert.Equal(t, 200, res.ControlStatus, "bob's control reads his own account")
				require.NotNil(t, res.Request)
				require.NotNil(t, res.ControlRequest)
				if in == "header" {
					assert.Equal(t, map[string]string{"X-Account-Id": "12"}, res.Request.Headers)
					assert.Equal(t, map[string]string{"X-Account-Id": "12"}, res.ControlRequest.Headers)
				} else {
					assert.Contains(t, res.Request.Body, `"owner_id":12`)
					assert.Contains(t, res.ControlRequest.Body, `"owner_id":12`)
				}
				res, err = fixed.Replay(ctx, f, rep.BaseURL)
				require.NoError(t, err)
				assert.Equal(t, oracle.Safe, res.Verdict.Outcome, "fixed: %+v", res.Verdict)
			})
		}
	}
}

// TestRecordedRequestsHoldNoToken: a token never reaches a recorded
// request, whether the request carried it in a header, the URL or the body,
// and replay drops credential headers a hand-edited report adds.
func TestRecordedRequestsHoldNoToken(t *testing.T) {
	s := replayPlacesScan(t, false)
	secrets := s.Cfg.Secrets()
	req := client.Request{Method: "POST", URL: "http://docs.test/search?t=tok-alice",
		Header: http.Header{"Authorization": {"Bearer tok-alice"}, "Cookie": {"s=tok-bob"}, "X-Account-Id": {"12"}, "X-Note": {"tok-bob"}},
		Body:   []byte(`{"owner_id":12,"token":"tok-bob"}`)}
	rec := SentRequest(req, secrets)
	data, err := json.Marshal(rec)
	require.NoError(t, err)
	for _, tok := range []string{"tok-alice", "tok-bob"} {
		assert.NotContains(t, string(data), tok)
	}
	assert.NotContains(t, rec.Headers, "Authorization")
	assert.NotContains(t, rec.Headers, "Cookie")
	assert.Equal(t, "12", rec.Headers["X-Account-Id"], "the id-carrying header is kept")
	assert.Contains(t, rec.Body, `"owner_id":12`)

	hand := &report.SentRequest{Method: "get", URL: "http://docs.test/account", Headers: map[string]string{"authorization": "Bearer tok-bob", "X-Account-Id": "12"}}
	back := SentToRequest(RedactedSent(hand, secrets), "http://docs.test", s.BaseURL())
	assert.Empty(t, back.Header.Get("Authorization"), "replay takes the token from the config, never from the report")
	assert.Equal(t, "12", back.Header.Get("X-Account-Id"))
	assert.Equal(t, "GET", back.Method)
	assert.True(t, strings.HasPrefix(back.URL, s.BaseURL()))
}

// TestReplayRefusesWrites: a write finding is not sent again, and the
// message points at its curl line.
func TestReplayRefusesWrites(t *testing.T) {
	s := replayPlacesScan(t, false)
	f := report.Finding{Operation: "PUT /docs/{docId}", Parameter: "docId", In: "path", Attacker: "alice", Victim: "bob", Kind: "write",
		Curl: "curl -X PUT -H 'Authorization: Bearer $ALICE_TOKEN' 'http://docs.test/docs/d2'"}
	_, err := s.Replay(context.Background(), f, "http://docs.test")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "a write finding is not replayed")
	assert.Contains(t, err.Error(), f.Curl)

	list := report.Finding{Operation: "POST /search", Parameter: "/owner_id", In: spec.InBody, Attacker: "alice", Victim: "bob", Kind: "list-confusion", Value: "12"}
	_, err = s.Replay(context.Background(), list, "http://docs.test")
	assert.ErrorContains(t, err, "reported without its request")
}
