package engine

import (
	"context"
	"encoding/json"
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
