package client

import (
	"context"
	"encoding/base64"
	"net/http"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/secret"
)

// jwtAlice is an HS256 JWT ({"sub":"1"}) with a made-up signature.
const jwtAlice = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIn0.AbZz09xY-_q"

var jwtUser = &config.User{Name: "alice", Token: secret.NewSecret(jwtAlice)}

func TestRotate_ChangesEveryLetterAndDigitAsTrDoes(t *testing.T) {
	in := "AbZz09xY-_q"
	out := rotate(in)
	assert.Equal(t, "BcAa10yZ-_r", out)
	if tr, err := exec.LookPath("tr"); err == nil {
		cmd := exec.Command(tr, "A-Za-z0-9", "B-ZAb-za1-90")
		cmd.Stdin = strings.NewReader(in)
		got, err := cmd.Output()
		require.NoError(t, err)
		assert.Equal(t, string(got), out, "the curl line's tr rewrites the signature the same way")
	}
}

func TestForge(t *testing.T) {
	creds := []cred{{kind: "header", name: "Authorization", value: "Bearer " + jwtAlice, shown: "Bearer $ALICE_TOKEN", secret: true}}
	parts := strings.Split(jwtAlice, ".")

	got, forged := forge(config.AuthCheckTampered, creds)
	require.True(t, forged)
	sent := strings.Split(strings.TrimPrefix(got[0].value, "Bearer "), ".")
	assert.Equal(t, parts[:2], sent[:2], "header and claims are kept")
	assert.NotEqual(t, parts[2], sent[2])
	assert.NotContains(t, got[0].shown, jwtAlice, "the curl line names the variable, never the token")
	assert.Contains(t, got[0].shown, "$ALICE_TOKEN")

	got, forged = forge(config.AuthCheckAlgNone, creds)
	require.True(t, forged)
	sent = strings.Split(strings.TrimPrefix(got[0].value, "Bearer "), ".")
	require.Len(t, sent, 3)
	head, err := base64.RawURLEncoding.DecodeString(sent[0])
	require.NoError(t, err)
	assert.JSONEq(t, `{"alg":"none","typ":"JWT"}`, string(head))
	assert.Equal(t, parts[1], sent[1], "the claims are kept")
	assert.Empty(t, sent[2], "no signature")
	assert.NotContains(t, got[0].shown, jwtAlice)

	got, forged = forge(config.AuthCheckNone, creds)
	assert.True(t, forged)
	assert.Empty(t, got, "no credential at all")

	opaque := []cred{{kind: "header", name: "Authorization", value: "Bearer opaque-token", shown: "Bearer $BOB_TOKEN", secret: true}}
	_, forged = forge(config.AuthCheckTampered, opaque)
	assert.False(t, forged, "an opaque token is no JWT: nothing to tamper with")
}

// TestForgedTokenStaysOnItsOrigin: a forged token is sent to the base
// origin only; a redirect to another origin is refused before anything
// reaches it, as for the real token.
func TestForgedTokenStaysOnItsOrigin(t *testing.T) {
	other := newWireRecorder(t, nil)
	srv := newWireRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/steal", http.StatusFound)
	})
	c := newTestClient(t, srv.URL, nil)
	for _, check := range []string{config.AuthCheckTampered, config.AuthCheckAlgNone} {
		ctx := WithAuthCheck(context.Background(), check)
		require.True(t, c.Forgeable(ctx, check, "GET", srv.URL+"/notes/1", jwtUser))
		x := c.DoRequest(ctx, jwtUser, Request{Method: "GET", URL: srv.URL + "/notes/1"})
		assert.Contains(t, x.Err, "redirect to another origin refused")
	}
	assert.Empty(t, other.Hits())
	hits := srv.Hits()
	require.Len(t, hits, 2)
	assert.NotEqual(t, "Bearer "+jwtAlice, hits[0].Authorization, "the tampered token, not the real one")
	assert.True(t, strings.HasPrefix(hits[1].Authorization, "Bearer eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0."))
	assert.False(t, c.Forgeable(context.Background(), config.AuthCheckTampered, "GET", srv.URL+"/notes/1", testAlice), "alice-token is no JWT")
}
