package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// shellAPI serves /things/{id} to their owners inside the app's envelope
// ({"app", "version", "data"}) and answers every request without a
// credential, whatever its path, with the same 200 envelope and no data:
// a single-page app's catch-all. With guest set, a request without a
// credential gets the owner's thing instead (a real ignored-auth flaw).
func shellAPI(guest bool) http.Handler {
	owner := map[string]string{"1": "alice", "2": "alice", "3": "bob", "4": "bob"}
	tokens := map[string]string{"Bearer tok-alice": "alice", "Bearer tok-bob": "bob"}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		id := strings.TrimPrefix(r.URL.Path, "/things/")
		o, found := owner[id]
		caller, authed := tokens[r.Header.Get("Authorization")]
		doc := map[string]any{"app": "things-web", "version": "2025.11.3-build-7741", "data": nil}
		switch {
		case !authed && !(guest && found):
			// the shell: same answer for every path
		case !found || (authed && caller != o):
			w.WriteHeader(http.StatusNotFound)
			doc["error"] = "not found"
		default:
			doc["data"] = map[string]any{"id": id, "ownerEmail": o + "@things.test", "name": "thing " + id + " of " + o}
		}
		if err := json.NewEncoder(w).Encode(doc); err != nil {
			panic(err)
		}
	})
}

// TestIgnoredAuth_CatchAllShellIsNotALeak: the no-credential answer shares
// the envelope's values with the owner's own answer (app, version), which
// used to pass for the owner's content. The same check for an id nobody
// owns gets the same shell, so those values do not distinguish the owner.
func TestIgnoredAuth_CatchAllShellIsNotALeak(t *testing.T) {
	srv := httptest.NewServer(shellAPI(false))
	defer srv.Close()
	tb := newRecTB()
	rep, err := RunConfig(context.Background(), thingsConfig(t, srv.URL), Options{}, tb)
	require.NoError(t, err)
	assert.Empty(t, rep.Findings)
	assert.Empty(t, tb.errors)
	assert.NotContains(t, tb.skips, "getThing/ignored-auth/alice/no-credential", "the check was judged, not skipped")
}

// TestIgnoredAuth_GuestPathBehindShellIsALeak: the same app, but a request
// without a credential gets the owner's object: the decoy (a missing id)
// gets the shell, so the owner's distinguishing content still counts.
func TestIgnoredAuth_GuestPathBehindShellIsALeak(t *testing.T) {
	srv := httptest.NewServer(shellAPI(true))
	defer srv.Close()
	tb := newRecTB()
	rep, err := RunConfig(context.Background(), thingsConfig(t, srv.URL), Options{}, tb)
	require.NoError(t, err)
	require.Len(t, rep.Findings, 1, "%+v", rep.Findings)
	f := rep.Findings[0]
	assert.Equal(t, KindIgnoredAuth, f.Kind)
	assert.Equal(t, "no-credential", f.Attacker)
	assert.Equal(t, "alice", f.Victim)
	assert.Equal(t, "CWE-287", f.CWE)
	assert.NotContains(t, f.Curl, "Authorization", "the curl line sends no credential")
	msg := tb.errors["getThing/ignored-auth/alice/no-credential"]
	assert.Contains(t, msg, "alice@things.test")
}

// tellingAPI is thingsAPI with ownership checked, refusing another user's
// thing with forbidden (403) where a missing one is 404; with forbidden
// 404 the refusal is uniform.
func tellingAPI(forbidden int) http.Handler {
	owner := map[string]string{"1": "alice", "2": "alice", "3": "bob", "4": "bob"}
	tokens := map[string]string{"Bearer tok-alice": "alice", "Bearer tok-bob": "bob"}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		caller := tokens[r.Header.Get("Authorization")]
		if caller == "" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		o, ok := owner[strings.TrimPrefix(r.URL.Path, "/things/")]
		switch {
		case !ok:
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"error":"not found"}`)
		case o != caller:
			w.WriteHeader(forbidden)
			fmt.Fprint(w, `{"error":"not found"}`)
		default:
			fmt.Fprintf(w, `{"id":%q,"ownerEmail":"%s@things.test"}`, strings.TrimPrefix(r.URL.Path, "/things/"), o)
		}
	})
}

// TestExistenceLeak_403Against404: each attacker's refusal of the other's
// thing (403) is told apart from its answer for an id nobody owns (404):
// one low finding per attacker, named <operation>/existence-leak/<pair>/<param>,
// costing no request; a uniform 404 is clean, and existenceLeaks: false
// turns the judgement off.
func TestExistenceLeak_403Against404(t *testing.T) {
	srv := httptest.NewServer(tellingAPI(http.StatusForbidden))
	defer srv.Close()
	tb := newRecTB()
	rep, err := RunConfig(context.Background(), thingsConfig(t, srv.URL), Options{}, tb)
	require.NoError(t, err)
	require.Len(t, rep.Findings, 2, "%+v", rep.Findings)
	for _, f := range rep.Findings {
		assert.Equal(t, KindExistenceLeak, f.Kind)
		assert.Equal(t, "low", f.Severity)
		assert.Equal(t, "CWE-204", f.CWE)
		assert.Equal(t, 403, f.Status)
		assert.NotEmpty(t, f.Decoy)
		assert.NotEmpty(t, f.Control)
		assert.Contains(t, f.Curl, "$"+strings.ToUpper(f.Attacker)+"_TOKEN")
	}
	msg, ok := tb.errors["getThing/existence-leak/alice-vs-bob/thingId"]
	require.True(t, ok, "got %v", keys(tb.errors))
	assert.Contains(t, msg, "403 / 404")

	cfg := thingsConfig(t, srv.URL)
	cfg.NoExistenceLeaks = true
	off, err := RunConfig(context.Background(), cfg, Options{}, newRecTB())
	require.NoError(t, err)
	assert.Empty(t, off.Findings)
	assert.Equal(t, off.Stats.Requests, rep.Stats.Requests, "the judgement sends nothing of its own")

	uniform := httptest.NewServer(tellingAPI(http.StatusNotFound))
	defer uniform.Close()
	tb = newRecTB()
	clean, err := RunConfig(context.Background(), thingsConfig(t, uniform.URL), Options{}, tb)
	require.NoError(t, err)
	assert.Empty(t, clean.Findings)
	assert.Contains(t, tb.logs.String(), "uniform answer: status 404")
}
