package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bolaharness/bolaharness/harness"
	"github.com/bolaharness/bolaharness/harness/secret"
)

// harFile is the part of a HAR 1.2 file the tests read.
type harFile struct {
	Log struct {
		Version string `json:"version"`
		Creator struct{ Name string }
		Entries []struct {
			StartedDateTime string `json:"startedDateTime"`
			Request         struct {
				Method, URL string
				Headers     []harNV                `json:"headers"`
				PostData    *struct{ Text string } `json:"postData"`
			} `json:"request"`
			Response struct {
				Status  int
				Headers []harNV `json:"headers"`
				Content struct{ Text string }
			} `json:"response"`
			User       string `json:"_user"`
			Credential string `json:"_credential"`
		} `json:"entries"`
	} `json:"log"`
}

// harScan scans a config (the demo when "") with -har and returns the HAR
// file's text, the parsed file and the report.
func harScan(t *testing.T, args ...string) (string, harFile, *harness.Report) {
	t.Helper()
	dir := t.TempDir()
	harPath, repPath := filepath.Join(dir, "out", "run.har"), filepath.Join(dir, "r.json")
	code, _, errOut := cli(t, append([]string{"scan", "-progress", "never", "-har", harPath, "-report", repPath}, args...)...)
	require.Equal(t, exitLeaks, code, errOut)
	assert.Regexp(t, `HAR of \d+ exchanges written to `+regexp.QuoteMeta(harPath), errOut)
	data, err := os.ReadFile(harPath)
	require.NoError(t, err)
	var h harFile
	require.NoError(t, json.Unmarshal(data, &h))
	rep, err := harness.ReadReport(repPath)
	require.NoError(t, err)
	return string(data), h, rep
}

// Every request of the run is in the HAR, with its answer, and no
// credential shows in clear anywhere: not the demo's tokens, not the
// tampered ones the authentication checks send.
func TestHARRecordsEveryExchangeRedacted(t *testing.T) {
	quiet(t)
	text, h, rep := harScan(t, "-seed", "5")
	assert.Equal(t, "1.2", h.Log.Version)
	assert.Equal(t, "bolaharness", h.Log.Creator.Name)
	require.Equal(t, int(rep.Stats.Requests), len(h.Log.Entries), "one entry per request sent")
	for _, tok := range []string{"demo-token-alice", "demo-token-bob", "demo-token-carol", "demo-token"} {
		assert.False(t, strings.Contains(text, tok), "the HAR holds %q in clear", tok)
	}
	auth := 0
	for _, e := range h.Log.Entries {
		assert.NotEmpty(t, e.StartedDateTime)
		for _, hd := range e.Request.Headers {
			if strings.EqualFold(hd.Name, "Authorization") {
				auth++
				assert.Regexp(t, `^(\w+ )?\[redacted\]$`, hd.Value, "the whole credential is hidden, tampered or not")
			}
		}
	}
	assert.Greater(t, auth, len(h.Log.Entries)/2)
	// The finding's request and the victim's data it returned are there,
	// marked with the attacker who sent it.
	f := rep.Findings[0]
	found := false
	users, checks := map[string]int{}, map[string]int{}
	for _, e := range h.Log.Entries {
		users[e.User]++
		checks[e.Credential]++
		if e.Request.URL == f.URL && e.Response.Status == f.Status && strings.Contains(e.Response.Content.Text, f.Evidence[0].Value) {
			found = found || e.User == f.Attacker
		}
	}
	assert.True(t, found, "the HAR holds the leaking exchange of %s, sent as %s", f.URL, f.Attacker)
	for _, u := range []string{"alice", "bob", "carol"} {
		assert.Positive(t, users[u], "requests sent as %s are marked", u)
	}
	assert.Zero(t, users[""], "every request of the demo is sent as a user")
	assert.Positive(t, checks["none"], "the no-credential checks are marked")
}

// Logins: the password in the form, the token in the login's answer, the
// session and CSRF cookies are all redacted.
func TestHARRedactsLogins(t *testing.T) {
	quiet(t)
	for _, c := range []struct{ config, secretRE string }{
		{"oauth2-password", `s3cr3t|"access_token":"[^\[]`},
		{"cookie-csrf", `s3cr3t|sid=[^\[]|csrf_token=[^\[]|"csrf":"[^\[]`},
	} {
		t.Run(c.config, func(t *testing.T) {
			text, h, _ := harScan(t, "-config", filepath.Join("..", "..", "fixtures", "auth", c.config+".config.yaml"), "-fixture-mode", "vulnerable")
			require.NotEmpty(t, h.Log.Entries)
			m := regexp.MustCompile(c.secretRE).FindString(strings.ReplaceAll(text, `\"`, `"`))
			assert.Empty(t, m, "a credential in clear")
			login := h.Log.Entries[0]
			require.Equal(t, "POST", login.Request.Method)
			require.NotNil(t, login.Request.PostData)
			assert.NotContains(t, login.Request.PostData.Text, "s3cr3t")
		})
	}
}

func TestRedactHeader(t *testing.T) {
	s := []secret.Secret{secret.NewSecret("tok-alice-123456")}
	cases := []struct{ name, value, want string }{
		{"Authorization", "Bearer tok-alice-123456", "Bearer [redacted]"},
		{"authorization", "Bearer eyJhbGciOiJub25lIn0.tampered.", "Bearer [redacted]"},
		{"Authorization", "opaque", "[redacted]"},
		{"Cookie", "sid=abc; csrf=def", "sid=[redacted]; csrf=[redacted]"},
		{"Set-Cookie", "sid=abc; Path=/; HttpOnly", "sid=[redacted]; Path=/; HttpOnly"},
		{"X-Api-Key", "tok-alice-123456", "[redacted]"},
		{"X-Echo", "you sent tok-alice-123456", "you sent [redacted]"},
		{"X-Tenant", "acme", "acme"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, redactHeader(c.name, c.value, s), "%s: %s", c.name, c.value)
	}
}
