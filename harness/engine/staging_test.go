package engine

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bolaharness/bolaharness/harness/client"
	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/plan"
	"github.com/bolaharness/bolaharness/harness/report"
	"github.com/bolaharness/bolaharness/harness/secret"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stagingSpec has three item operations; every path ends in {item_id}.
const stagingSpec = `openapi: 3.0.3
info: {title: staging, version: '1'}
security: [{bearer: []}]
paths:
  /login:
    post:
      operationId: login
      responses: {'200': {description: ok}}
  /a/{item_id}:
    get:
      parameters: [{name: item_id, in: path, required: true, schema: {type: integer}}]
      responses: {'200': {description: ok}}
  /b/{item_id}:
    get:
      parameters: [{name: item_id, in: path, required: true, schema: {type: integer}}]
      responses: {'200': {description: ok}}
  /slow/{item_id}:
    get:
      parameters: [{name: item_id, in: path, required: true, schema: {type: integer}}]
      responses: {'200': {description: ok}}
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
`

// stagingAPI serves the spec: items 1 (alice) and 2 (bob) with an owner
// check; /slow stalls for slow; /login issues "login-<user>" for password pw.
func stagingAPI(t *testing.T, slow time.Duration) *httptest.Server {
	owners := map[string]string{"1": "alice", "2": "bob"}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/login" {
			body, err := io.ReadAll(r.Body)
			if err != nil || !strings.Contains(string(body), `"password":"pw"`) {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			fmt.Fprint(w, `{"token":"login-alice-0123456789"}`)
			return
		}
		user := strings.TrimPrefix(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "), "tok-")
		user = strings.TrimSuffix(strings.TrimPrefix(user, "login-"), "-0123456789")
		parts := strings.Split(r.URL.Path, "/")
		if parts[1] == "slow" {
			select {
			case <-r.Context().Done():
			case <-time.After(slow):
			}
		}
		if owners[parts[len(parts)-1]] != user {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":%q,"owner_email":"%s@staging.test"}`, parts[len(parts)-1], user)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// stagingConfig writes the spec and a config with the extra keys, and
// loads it pointed at base.
func stagingConfig(t *testing.T, base, extra, alice string) *config.Config {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "api.yaml"), []byte(stagingSpec), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "alice.token"), []byte("tok-alice\n"), 0o600))
	if alice == "" {
		alice = "  - {name: alice, tokenFile: alice.token, identity: {email: alice@staging.test}, owns: {item_id: [1]}}\n"
	}
	cfg := "spec: api.yaml\nrate: 0\nseed: 1\ncases: 3\n" + extra + "users:\n" + alice +
		"  - {name: bob, token: tok-bob, identity: {email: bob@staging.test}, owns: {item_id: [2]}}\n"
	path := filepath.Join(dir, "staging.yaml")
	require.NoError(t, os.WriteFile(path, []byte(cfg), 0o600))
	c, err := config.LoadConfig(path, config.MapEnv(map[string]string{config.EnvBaseURL: base, "PW": "pw"}))
	require.NoError(t, err)
	return c
}

// logLines collects Options.Log output.
type logLines struct {
	mu    sync.Mutex
	lines []string
}

func (l *logLines) logf(f string, a ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(f, a...))
}

func (l *logLines) text() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

func runStaging(t *testing.T, cfg *config.Config, opts Options) (*report.Report, string) {
	t.Helper()
	logs := &logLines{}
	opts.Log = logs.logf
	s, err := Prepare(cfg, opts)
	require.NoError(t, err)
	defer s.Close()
	rep := s.Run(context.Background(), NewConsole(io.Discard, false))
	return rep, logs.text()
}

func TestScan_TimeBudget(t *testing.T) {
	srv := stagingAPI(t, time.Minute)
	cfg := stagingConfig(t, srv.URL, "timeBudget: 300ms\ntimeout: 10s\nmaxTimeouts: -1\n", "")
	start := time.Now()
	rep, logs := runStaging(t, cfg, Options{})
	took := time.Since(start)
	assert.Less(t, took, 2*time.Second, "the budget stops a run stuck on a stalling operation")
	w := findLine(rep.Warnings, "time budget of 300ms reached (timeBudget) after")
	require.NotEmpty(t, w, "warnings: %q", rep.Warnings)
	assert.Contains(t, logs, "warning: "+w)
	require.NotEmpty(t, rep.NoVerdicts)
	for _, nv := range rep.NoVerdicts {
		assert.Contains(t, nv.Why, "canceled: time budget of 300ms reached", nv.Test)
	}
}

func TestScan_RequestBudget(t *testing.T) {
	srv := stagingAPI(t, 0)
	cfg := stagingConfig(t, srv.URL, "maxRequests: 3\n", "")
	rep, logs := runStaging(t, cfg, Options{})
	assert.Equal(t, int64(3), rep.Stats.Requests)
	var stopped int
	for _, sk := range rep.Skipped {
		if sk.Why == "not attacked: request budget of 3 reached (maxRequests)" {
			stopped++
		}
	}
	assert.Positive(t, stopped, "operations after the budget are listed as not attacked: %+v", rep.Skipped)
	w := findLine(rep.Warnings, "request budget of 3 reached:")
	assert.NotEmpty(t, w, "warnings: %q", rep.Warnings)
	assert.Contains(t, logs, w)
}

func TestScan_InsecureWarning(t *testing.T) {
	srv := stagingAPI(t, 0)
	cfg := stagingConfig(t, srv.URL, "insecureSkipVerify: true\n", "")
	rep, logs := runStaging(t, cfg, Options{})
	assert.Contains(t, rep.Warnings, client.InsecureWarning)
	assert.Equal(t, 1, strings.Count(logs, client.InsecureWarning), "logged once, when the scan is prepared")
}

func TestScan_LoginUser(t *testing.T) {
	srv := stagingAPI(t, 0)
	alice := "  - name: alice\n    identity: {email: alice@staging.test}\n    owns: {item_id: [1]}\n    login: {operation: login, body: {user: alice, password: '${PW}'}, token: token}\n"
	cfg := stagingConfig(t, srv.URL, "", alice)
	rep, logs := runStaging(t, cfg, Options{})
	assert.Empty(t, rep.Findings)
	assert.Positive(t, rep.Stats.Safe, "alice's requests carried the token she logged in for")
	for _, out := range []string{logs, fmt.Sprint(rep)} {
		assert.NotContains(t, out, "login-alice-0123456789")
	}
	assert.Equal(t, []string{"[redacted]", "[redacted]"}, strings.Fields(secret.Redact("login-alice-0123456789 pw", cfg.Secrets()...)))

	cfg = stagingConfig(t, srv.URL, "", strings.Replace(alice, "${PW}", "wrong", 1))
	_, err := Prepare(cfg, Options{})
	assert.ErrorContains(t, err, "users[0].login: login for alice: POST /login: answered status 401")
}

func TestRunFile_Shard(t *testing.T) {
	srv := stagingAPI(t, 0)
	cfg := stagingConfig(t, srv.URL, "", "")
	t.Setenv(config.EnvBaseURL, srv.URL)
	total := map[string]bool{}
	for i := 1; i <= 2; i++ {
		t.Setenv(plan.EnvShard, fmt.Sprintf("%d/2", i))
		rep, err := runShardFromEnv(t, cfg.File)
		require.NoError(t, err)
		for _, c := range rep.Matrix {
			assert.False(t, total[c.Operation+c.Attacker], "%s ran in two shards", c.Operation)
			total[c.Operation+c.Attacker] = true
		}
		assert.NotEmpty(t, findLine(rep.Warnings, fmt.Sprintf("shard %d/2 (BOLA_SHARD)", i)))
	}
	assert.Len(t, total, 3*2, "the shards together ran every operation for both attackers")

	t.Setenv(plan.EnvShard, "3/2")
	_, err := plan.ShardFromEnv(nil)
	assert.ErrorContains(t, err, `BOLA_SHARD: shard "3/2": i must be between 1 and 2`)
}

func findLine(lines []string, part string) string {
	for _, l := range lines {
		if strings.Contains(l, part) {
			return l
		}
	}
	return ""
}

// runShardFromEnv runs the config at path with the shard BOLA_SHARD names,
// as the drivers do.
func runShardFromEnv(t *testing.T, path string) (*report.Report, error) {
	t.Helper()
	cfg, err := config.LoadConfig(path, nil)
	require.NoError(t, err)
	sh, err := plan.ShardFromEnv(nil)
	require.NoError(t, err)
	return RunConfig(context.Background(), cfg, Options{Shard: sh}, NewConsole(io.Discard, false))
}
