package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/oracle"
	"github.com/bolaharness/bolaharness/harness/spec"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recTB records what the engine reports, by case name.
type recTB struct {
	mu     *sync.Mutex
	name   string
	errors map[string]string
	skips  map[string]string
	logs   *strings.Builder
}

func newRecTB() *recTB {
	return &recTB{mu: &sync.Mutex{}, errors: map[string]string{}, skips: map[string]string{}, logs: &strings.Builder{}}
}

func (r *recTB) Helper()      {}
func (r *recTB) Name() string { return r.name }
func (r *recTB) Logf(f string, a ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Fprintf(r.logs, f+"\n", a...)
}
func (r *recTB) Errorf(f string, a ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors[r.name] += fmt.Sprintf(f, a...)
}

// Skip records the reason and ends the goroutine, as testing's Skip does:
// an engine that reads a result after Skip fails these tests as it would
// fail under go test.
func (r *recTB) Skip(a ...any) {
	r.mu.Lock()
	r.skips[r.name] = fmt.Sprint(a...)
	r.mu.Unlock()
	runtime.Goexit()
}

// Run runs f in a goroutine of its own and waits, as testing's Run does.
func (r *recTB) Run(name string, f func(TB)) bool {
	child := *r
	child.name = strings.TrimPrefix(r.name+"/"+name, "/")
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(&child)
	}()
	<-done
	return true
}

// thingsAPI serves /things/{id}: ids 1-2 are alice's, 3-4 bob's; with
// checked, another user's thing is a 404.
func thingsAPI(checked bool) http.Handler {
	owner := map[string]string{"1": "alice", "2": "alice", "3": "bob", "4": "bob"}
	tokens := map[string]string{"Bearer tok-alice": "alice", "Bearer tok-bob": "bob"}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		caller := tokens[r.Header.Get("Authorization")]
		if caller == "" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		id := strings.TrimPrefix(r.URL.Path, "/things/")
		o, ok := owner[id]
		if !ok || (checked && o != caller) {
			http.Error(w, `{"error":"not found"}`, http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if err := json.NewEncoder(w).Encode(map[string]any{"id": id, "ownerEmail": o + "@things.test", "name": "thing " + id}); err != nil {
			panic(err)
		}
	})
}

func thingsConfig(t *testing.T, base string) *config.Config {
	t.Helper()
	return thingsUsers(t, base, 99, `
  - {name: alice, token: tok-alice, identity: {email: alice@things.test}, owns: {thingId: [1, 2]}}
  - {name: bob, token: tok-bob, identity: {email: bob@things.test}, owns: {thingId: [3, 4]}}`)
}

// thingsUsers is a config of things.yaml at base, unlimited, with the seed
// and the users (YAML list items) given.
func thingsUsers(t *testing.T, base string, seed int, users string) *config.Config {
	t.Helper()
	spec, err := filepath.Abs("../testdata/runner/things.yaml")
	require.NoError(t, err)
	yaml := fmt.Sprintf("spec: %s\nbaseURL: %s\nrate: 0\nseed: %d\nusers:%s\n", spec, base, seed, users)
	cfg, err := config.ParseConfig("things.yaml", []byte(yaml), func(string) (string, bool) { return "", false })
	require.NoError(t, err)
	return cfg
}

func TestScanFindsSwapsAndNamesSubtests(t *testing.T) {
	srv := httptest.NewServer(thingsAPI(false))
	defer srv.Close()
	tb := newRecTB()
	rep, err := RunConfig(context.Background(), thingsConfig(t, srv.URL), Options{}, tb)
	require.NoError(t, err)
	require.Len(t, rep.Findings, 4, "each user reads both of the other's things: %+v", rep.Findings)
	msg, ok := tb.errors["getThing/alice-vs-bob/thingId/swap=3"]
	require.True(t, ok, "subtest names follow <operation>/<attacker>-vs-<victim>/<param>/<case>; got %v", keys(tb.errors))
	assert.Contains(t, msg, `$.ownerEmail = "bob@things.test"`)
	assert.Contains(t, msg, `-H "Authorization: Bearer $ALICE_TOKEN"`)
	assert.Contains(t, msg, "BOLA_SEED=99")
	for _, out := range append(values(tb.errors), tb.logs.String()) {
		assert.NotContains(t, out, "tok-alice")
		assert.NotContains(t, out, "tok-bob")
	}
	js, err := json.Marshal(rep)
	require.NoError(t, err)
	assert.NotContains(t, string(js), "tok-")
	assert.Equal(t, "GET /public/{page}", rep.Skipped[0].Operation)
	assert.Positive(t, rep.Stats.NotSent, "variants of a leaking swap are not sent")
	// 4 plain swaps, each user's 2 own objects asked for once (a user's own
	// object serves both as the attacker's baseline and as the victim's
	// control), one decoy per attacker and one HEAD of the victim's first
	// object, by alice only: bob's plain swap leaked with the status
	// alice's did, so alice's HEAD, answered without a leak, settles bob's
	// (widen.go); the variants of a leaking swap were never sent.
	// The ignored-auth checks add one request: alice's control (already
	// sent) repeated with no credential; the tokens are not JWTs, so the
	// tampered and alg-none checks send nothing, and the 401 sends no decoy.
	assert.Equal(t, int64(4+4+2+1+1), rep.Stats.Requests)
	assert.Equal(t, 1, rep.Stats.Settled, "bob's HEAD is settled by alice's")
	assert.Contains(t, tb.skips, "getThing/ignored-auth/alice/tampered-signature")
}

func TestScanFixedAPIIsClean(t *testing.T) {
	srv := httptest.NewServer(thingsAPI(true))
	defer srv.Close()
	tb := newRecTB()
	rep, err := RunConfig(context.Background(), thingsConfig(t, srv.URL), Options{}, tb)
	require.NoError(t, err)
	assert.Empty(t, rep.Findings)
	assert.Empty(t, tb.errors)
	assert.Positive(t, rep.Stats.Safe)
}

// TestScanTargetDown_FailsFast: nothing listens at the base URL. The run
// stops at the preflight, names the cause, sends nothing more and is never
// clean (it used to send every case and report them all as no-verdicts).
func TestScanTargetDown_FailsFast(t *testing.T) {
	srv := httptest.NewServer(thingsAPI(false))
	base := srv.URL
	srv.Close() // nothing listens there any more
	tb := newRecTB()
	cfg := thingsConfig(t, base)
	rep, err := RunConfig(context.Background(), cfg, Options{}, tb)
	var untested *UntestedError
	require.ErrorAs(t, err, &untested)
	assert.Contains(t, untested.Cause, "cannot be reached")
	assert.Contains(t, untested.Cause, "connection refused")
	require.NotNil(t, rep)
	assert.Empty(t, rep.Findings)
	assert.Equal(t, int64(1), rep.Stats.Requests, "one refused connection is enough to know")
	assert.Zero(t, rep.Coverage.Attacked)
	assert.Equal(t, untested.Cause, rep.Coverage.Untested)
	for _, s := range rep.Skipped {
		if s.Operation == "GET /things/{thingId}" {
			assert.Contains(t, s.Why, "nothing could be tested")
		}
	}
}

func TestRunPatternSelectsOneCase(t *testing.T) {
	assert.Equal(t, `^TestBOLA$/^demo$/^neighbour\+1=8$`, RunPattern("TestBOLA/demo/neighbour+1=8"))
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func values(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// TestScanCatchAllAnswerIsNotALeak: an API that answers every path with
// the same document is not leaking, even for an attacker who owns nothing
// to compare with.
func TestScanCatchAllAnswerIsNotALeak(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"app": "things", "version": "1.4.2", "status": "ok"}`)
	}))
	defer srv.Close()
	cfg := thingsConfig(t, srv.URL)
	cfg.Users[0].Owns = nil // alice owns nothing: only the decoy tells her answers apart
	rep, err := RunConfig(context.Background(), cfg, Options{}, newRecTB())
	require.NoError(t, err)
	assert.Empty(t, rep.Findings)
}

// TestScanFrontEnd_NothingTested: a base URL that is a web front end (a
// single-page app answering every path with its index.html) is not the
// API. The preflight sees HTML for a user's own object and for a path no
// API serves, and stops the run naming the cause.
func TestScanFrontEnd_NothingTested(t *testing.T) {
	page := "<!doctype html><html><head><title>Things</title></head><body><div id=root></div></body></html>"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, page)
	}))
	defer srv.Close()
	rep, err := RunConfig(context.Background(), thingsConfig(t, srv.URL), Options{}, newRecTB())
	var untested *UntestedError
	require.ErrorAs(t, err, &untested)
	assert.Contains(t, untested.Cause, "answers HTML to every path")
	assert.Contains(t, untested.Cause, "point baseURL at the API")
	assert.Empty(t, rep.Findings)
	assert.Equal(t, int64(2), rep.Stats.Requests, "the user's own object and one probe")
}

func TestScanSkipsOperationsDeclaredPublic(t *testing.T) {
	srv := httptest.NewServer(thingsAPI(false))
	defer srv.Close()
	cfg := thingsConfig(t, srv.URL)
	cfg.Public = []string{"getThing", "GET /nothing/{x}"}
	rep, err := RunConfig(context.Background(), cfg, Options{}, newRecTB())
	var untested *UntestedError
	require.ErrorAs(t, err, &untested, "every operation left out: nothing was tested")
	assert.Contains(t, untested.Cause, "no operation was attacked: 2 left out")
	assert.Empty(t, rep.Findings)
	assert.Zero(t, rep.Stats.Requests)
	var why []string
	for _, s := range rep.Skipped {
		why = append(why, s.Operation+": "+s.Why)
	}
	assert.Contains(t, strings.Join(why, "\n"), "GET /things/{thingId}: public by design")
	assert.Contains(t, strings.Join(rep.Warnings, "\n"), `public: "GET /nothing/{x}" matches no attacked operation`)
}

// TestScanOwnsKeyedByPath: an owns key that is a path template gives ids
// to that path's parameter alone (APIs that name every id {id}).
func TestScanOwnsKeyedByPath(t *testing.T) {
	srv := httptest.NewServer(thingsAPI(false))
	defer srv.Close()
	cfg := thingsConfig(t, srv.URL)
	for i := range cfg.Users {
		u := &cfg.Users[i]
		u.Owns = map[string][]string{"/things/{thingId}": u.Owns["thingId"], "thingId": {"999"}}
	}
	rep, err := RunConfig(context.Background(), cfg, Options{}, newRecTB())
	require.NoError(t, err)
	require.Len(t, rep.Findings, 4, "the scoped ids win over the bare name's: %+v", rep.Findings)
	for _, f := range rep.Findings {
		assert.NotEqual(t, "999", f.Value)
	}
	assert.Equal(t, "/a/{id}", spec.ScopeOf("/a/{id}/b/{bid}", "id"))
	assert.Equal(t, "/a/{id}/b/{bid}", spec.ScopeOf("/a/{id}/b/{bid}", "bid"))
	assert.Equal(t, "", spec.ScopeOf("/a/{id}", "other"))
}

func TestFindingConfidence(t *testing.T) {
	srv := httptest.NewServer(thingsAPI(false))
	defer srv.Close()
	rep, err := RunConfig(context.Background(), thingsConfig(t, srv.URL), Options{}, newRecTB())
	require.NoError(t, err)
	require.NotEmpty(t, rep.Findings)
	assert.Equal(t, ConfidenceCertain, rep.Findings[0].Confidence, "the victim's email came back")
	assert.Equal(t, ConfidenceFirm, Confidence([]oracle.Evidence{{Path: "$.memo", Value: "Consulting March", Why: "content of bob's own response, absent from alice's objects (2 of 2 distinguishing values)"}}))
}

// TestSkipped_ReasonSurvivesSkip pins the reason an operation could not be
// attacked. The test TB ends the goroutine on Skip as testing's does, so an
// engine that decided the reason after calling Skip would record an empty
// one ("no case could be built: ").
func TestSkipped_ReasonSurvivesSkip(t *testing.T) {
	srv := httptest.NewServer(thingsAPI(false))
	defer srv.Close()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "notes.yaml"), []byte(`openapi: 3.0.3
info: {title: notes, version: "1"}
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
security: [{bearer: []}]
paths:
  /notes/{noteId}:
    get:
      operationId: getNote
      parameters:
        - {name: noteId, in: path, required: true, schema: {type: string}}
      responses:
        "200": {description: a note}
`), 0o644))
	cfg, err := config.ParseConfig(filepath.Join(dir, "c.yaml"), []byte("spec: notes.yaml\nbaseURL: "+srv.URL+
		"\nrate: 0\nusers:\n  - {name: alice, token: tok-alice}\n  - {name: bob, token: tok-bob}\n"), config.MapEnv(nil))
	require.NoError(t, err)
	tb := newRecTB()
	rep, err := RunConfig(context.Background(), cfg, Options{}, tb)
	var untested *UntestedError
	require.ErrorAs(t, err, &untested, "the one operation could not be attacked")
	require.Len(t, rep.Skipped, 1)
	assert.Equal(t, "GET /notes/{noteId}", rep.Skipped[0].Operation)
	assert.Contains(t, rep.Skipped[0].Why, "no case could be built: no ids to try: bob owns no \"noteId\"")
	assert.Contains(t, tb.skips["getNote/alice-vs-bob/noteId"], "no ids to try")
}
