package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/secret"
	"github.com/bolaharness/bolaharness/harness/spec"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// helperEnv makes the test binary act as a token command (see
// TestTokenCommandHelper) instead of running tests.
const helperEnv = "BOLA_TEST_TOKEN_HELPER"

// TestTokenCommandHelper is not a test: run as a child process with
// helperEnv set, it behaves like a vault CLI would.
func TestTokenCommandHelper(t *testing.T) {
	mode, ok := os.LookupEnv(helperEnv)
	if !ok {
		t.Skip("helper process for the tokenCommand tests")
	}
	switch mode {
	case "ok":
		fmt.Print("  cmd-token-123\n")
	case "args":
		fmt.Print(strings.Join(os.Args[len(os.Args)-2:], "|"))
	case "fail":
		fmt.Print("cmd-token-partial")
		fmt.Fprint(os.Stderr, "error: permission denied for cmd-token-partial\nmore\n")
		os.Exit(3)
	case "silent":
		fmt.Fprint(os.Stderr, "nothing for you\n")
	case "hang":
		time.Sleep(time.Minute)
	case "flood":
		fmt.Print(strings.Repeat("x", config.MaxTokenBytes+10))
	case "pwd":
		wd, err := os.Getwd()
		if err != nil {
			os.Exit(1)
		}
		fmt.Print(filepath.Base(wd))
	}
	os.Exit(0)
}

func helperArgv(extra ...string) []string {
	return append([]string{os.Args[0], "-test.run=^TestTokenCommandHelper$"}, extra...)
}

func TestRunTokenCommand(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		mode    string
		argv    []string
		want    string
		wantErr string
	}{
		{"ok", helperArgv(), "cmd-token-123", ""},
		{"args", helperArgv("--", "$HOME", "a b"), "$HOME|a b", ""},
		{"pwd", helperArgv(), filepath.Base(dir), ""},
		{"fail", helperArgv(), "", `failed (exit status 3): error: permission denied for [redacted]; run the command by hand`},
		{"silent", helperArgv(), "", "printed nothing on standard output: nothing for you; the token must be its output"},
		{"flood", helperArgv(), "", "printed more than 65536 bytes"},
		{"ok", []string{"no-such-command-bola"}, "", `"no-such-command-bola" was not found; give its full path or add it to PATH`},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			t.Setenv(helperEnv, tt.mode)
			got, err := config.RunTokenCommand(context.Background(), tt.argv, dir)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				assert.NotContains(t, err.Error(), "cmd-token", "stderr is quoted with the token redacted")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got.Reveal(), "stdout trimmed, arguments passed without a shell")
		})
	}
}

func TestRunTokenCommand_Timeout(t *testing.T) {
	old := config.TokenCommandTimeout
	config.TokenCommandTimeout = 200 * time.Millisecond
	t.Cleanup(func() { config.TokenCommandTimeout = old })
	t.Setenv(helperEnv, "hang")
	start := time.Now()
	_, err := config.RunTokenCommand(context.Background(), helperArgv(), t.TempDir())
	assert.ErrorContains(t, err, "did not finish within 200ms; check that it does not wait for input")
	assert.Less(t, time.Since(start), 5*time.Second)
}

// writeConfig writes a config beside a minimal spec and parses it.
func writeConfig(t *testing.T, users string) (*config.Config, error) {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "api.yaml"), []byte("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n"), 0o600))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "secrets"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "secrets", "alice.token"), []byte("file-token-alice\n\n"), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "secrets", "empty.token"), []byte(" \n"), 0o600))
	path := filepath.Join(dir, "cfg.yaml")
	require.NoError(t, os.WriteFile(path, []byte("spec: api.yaml\nusers:\n"+users), 0o600))
	return config.LoadConfig(path, config.MapEnv(map[string]string{"BOB_TOKEN": "env-token-bob", "ALICE_PASSWORD": "pa55-word-alice", "MODE": "ok"}))
}

const bobUser = "  - {name: bob, token: '${BOB_TOKEN}'}\n"

func TestConfig_TokenSources(t *testing.T) {
	t.Setenv(helperEnv, "ok")
	tests := []struct {
		name, alice string
		want        string
		wantErr     string
	}{
		{"token file, relative and trimmed", "  - {name: alice, tokenFile: secrets/alice.token}\n", "file-token-alice", ""},
		{"token command", fmt.Sprintf("  - {name: alice, tokenCommand: [%q, %q]}\n", os.Args[0], "-test.run=^TestTokenCommandHelper$"), "cmd-token-123", ""},
		{"missing token file", "  - {name: alice, tokenFile: secrets/nope.token}\n", "", "users[0].tokenFile: "},
		{"empty token file", "  - {name: alice, tokenFile: secrets/empty.token}\n", "", "empty.token is empty; write the token into it"},
		{"command as one string", "  - {name: alice, tokenCommand: vault read secret}\n", "", "users[0].tokenCommand: expected a list of arguments"},
		{"two sources", "  - {name: alice, token: x, tokenFile: secrets/alice.token}\n", "", "alice has token and tokenFile; give the token one way only"},
		{"unset variable in a command", "  - {name: alice, tokenCommand: [vault, '${NOPE}']}\n", "", "${NOPE} is not set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := writeConfig(t, tt.alice+bobUser)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, cfg.Users[0].Token.Reveal())
			assert.Equal(t, "ALICE_TOKEN", cfg.Users[0].TokenVar, "curl lines name <USER>_TOKEN")
			assert.Equal(t, "env-token-bob", cfg.Users[1].Token.Reveal())
		})
	}
}

func TestConfig_LoginBlock(t *testing.T) {
	good := "  - name: alice\n    login:\n      path: /auth/login\n      body: {username: alice, password: '${ALICE_PASSWORD}'}\n      token: $.data.access_token\n"
	cfg, err := writeConfig(t, good+bobUser)
	require.NoError(t, err)
	l := cfg.Users[0].Login
	require.NotNil(t, l)
	assert.Equal(t, "POST", l.Method, "a login path defaults to POST")
	assert.JSONEq(t, `{"username":"alice","password":"pa55-word-alice"}`, l.Body.Reveal())
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		for _, v := range []any{l, *l, cfg.Users[0], cfg, cfg.Keyring()} {
			assert.NotContains(t, fmt.Sprintf(format, v), "pa55", "the password never prints (%s of %T)", format, v)
		}
	}
	assert.Equal(t, "login{POST /auth/login, body [redacted], token at $.data.access_token}", fmt.Sprint(l))
	secrets := secret.Redact("pa55-word-alice and alice", cfg.Secrets()...)
	assert.Equal(t, "[redacted] and alice", secrets, "the password is redacted, the user name is not")

	tests := []struct{ login, want string }{
		{"      token: t\n", "give either operation (an operationId of the spec, or \"METHOD /path\""},
		{"      path: /a\n      operation: login\n      token: t\n", "give either operation"},
		{"      operation: login\n      method: POST\n      token: t\n", "login.method: the method comes from the operation"},
		{"      path: auth\n      token: t\n", `login.path: "auth" is not a path such as /auth/login`},
		{"      path: /users/{id}/login\n      token: t\n", "has no {parameters}"},
		{"      path: /a\n      body: {a: b}\n      form: {a: b}\n", "give either body (sent as JSON) or form"},
		{"      operation: POST login\n", `"POST login" is neither an operationId nor "METHOD /path"`},
		{"      path: /a\n      csrf: {header: X-CSRF-Token}\n", "needs exactly one of cookie"},
		{"      path: /a\n      csrf: {cookie: c}\n", "csrf has no header"},
		{"      path: /a\n      token: 'a..b'\n", "is not a JSON path the harness reads"},
		{"      path: /a\n      method: FETCH\n      token: t\n", `"FETCH" is not an HTTP method`},
		{"      path: /a\n      token: t\n      user: x\n", `unknown key "user"`},
	}
	for _, tt := range tests {
		_, err := writeConfig(t, "  - name: alice\n    login:\n"+tt.login+bobUser)
		require.Error(t, err, tt.login)
		assert.Contains(t, err.Error(), tt.want, tt.login)
	}
}

func TestParseJSONPath(t *testing.T) {
	doc := []byte(`{"access_token":"t1","data":{"token":"t2","list":[{"v":"t3"},{"v":"t4"}]},"n":5,"arr":[["t5"]]}`)
	tests := []struct{ path, want, wantErr string }{
		{"access_token", "t1", ""},
		{"$.access_token", "t1", ""},
		{"$.data.token", "t2", ""},
		{"data.list[1].v", "t4", ""},
		{"arr[0][0]", "t5", ""},
		{"n", "", "not a non-empty string"},
		{"data.missing", "", `no "missing" there; the object has keys (list, token)`},
		{"data.list[5].v", "", `no "[5]" there; it is a list of 2 items`},
		{"access_token.x", "", "not an object or a list"},
	}
	for _, tt := range tests {
		steps, err := config.ParseJSONPath(tt.path)
		require.NoError(t, err, tt.path)
		got, err := config.TokenAt(doc, steps)
		if tt.wantErr != "" {
			assert.ErrorContains(t, err, tt.wantErr, tt.path)
			assert.NotContains(t, fmt.Sprint(err), "t1", "values never quoted")
			continue
		}
		require.NoError(t, err, tt.path)
		assert.Equal(t, tt.want, got, tt.path)
	}
	for _, bad := range []string{"", "$", "a..b", "a[x]", "a[1", "a[-1]", "[0]x"} {
		_, err := config.ParseJSONPath(bad)
		assert.Error(t, err, bad)
	}
}

// loginAPI issues tokens at POST /login and serves GET /me; a token expires
// after expireAfter uses (0 = never).
type loginAPI struct {
	*wireRecorder
	logins   atomic.Int32
	mu       sync.Mutex
	uses     map[string]int
	expire   int
	password string
}

func newLoginAPI(t *testing.T, expireAfter int) *loginAPI {
	api := &loginAPI{uses: map[string]int{}, expire: expireAfter, password: "pa55"}
	api.wireRecorder = newWireRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/login":
			var body map[string]string
			if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body["password"] != api.password || r.Method != "POST" {
				w.WriteHeader(http.StatusUnauthorized)
				fmt.Fprintf(w, `{"error":"bad password %s"}`, body["password"])
				return
			}
			n := api.logins.Add(1)
			fmt.Fprintf(w, `{"data":{"access_token":"issued-%d-%s"}}`, n, body["username"])
		default:
			tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
			api.mu.Lock()
			api.uses[tok]++
			used := api.uses[tok]
			api.mu.Unlock()
			if !strings.HasPrefix(tok, "issued-") || (api.expire > 0 && used > api.expire) {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			fmt.Fprintf(w, `{"me":%q}`, tok)
		}
	})
	return api
}

func loginUser(password string) *config.User {
	body, err := json.Marshal(map[string]string{"username": "alice", "password": password})
	if err != nil {
		panic(err)
	}
	return &config.User{Name: "alice", Login: &config.Login{Path: "/login", Method: "POST", Body: secret.NewSecret(string(body)), TokenPath: "data.access_token",
		Credentials: []secret.Secret{secret.NewSecret(password)}}}
}

func TestClient_LoginAndRefresh(t *testing.T) {
	api := newLoginAPI(t, 2)
	keys := &secret.Keyring{}
	c := newTestClient(t, api.URL, func(o *ClientOptions) { o.Keyring = keys; o.RefreshCooldown = time.Hour })
	u := loginUser("pa55")
	require.NoError(t, c.Login(context.Background(), u))
	assert.Equal(t, int32(1), api.logins.Load())

	for i := 0; i < 2; i++ {
		x := c.Do(context.Background(), u, "GET", api.URL+"/me")
		require.Empty(t, x.Err)
		assert.JSONEq(t, `{"me":"issued-1-alice"}`, string(x.Body))
	}
	// The token expires: one 401, one login, the request sent again.
	x := c.Do(context.Background(), u, "GET", api.URL+"/me")
	require.Empty(t, x.Err)
	assert.Equal(t, 200, x.Status)
	assert.JSONEq(t, `{"me":"issued-2-alice"}`, string(x.Body))
	assert.Equal(t, 1, x.Retries)
	assert.Equal(t, int32(2), api.logins.Load())
	assert.Equal(t, "[redacted] [redacted]", c.Redact("issued-1-alice issued-2-alice"), "issued tokens are redacted")
	assert.Len(t, keys.Secrets(), 2, "the caller's keyring learns them")

	// Within the cooldown a 401 is taken as an answer, not an expiry.
	api.expire = 1
	c.Do(context.Background(), u, "GET", api.URL+"/me")
	x = c.Do(context.Background(), u, "GET", api.URL+"/me")
	assert.Equal(t, 401, x.Status)
	assert.Equal(t, int32(2), api.logins.Load(), "no second refresh within the cooldown")
	assert.Equal(t, int64(2+2+2+2), c.Requests(), "logins and retries are requests")
	for _, h := range api.Hits() {
		if h.RequestURI == "/login" {
			assert.Equal(t, "POST", h.Method, "the methods allow-list does not stop logging in")
		}
	}
}

func TestClient_LoginOnFirstUseOnce(t *testing.T) {
	api := newLoginAPI(t, 0)
	c := newTestClient(t, api.URL, func(o *ClientOptions) { o.Concurrency = 1 })
	u := loginUser("pa55")
	var wg sync.WaitGroup
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			assert.Empty(t, c.Do(context.Background(), u, "GET", api.URL+"/me").Err)
		}()
	}
	wg.Wait()
	assert.Equal(t, int32(1), api.logins.Load(), "concurrent first requests share one login (and concurrency 1 does not deadlock)")
}

func TestClient_LoginFailure(t *testing.T) {
	api := newLoginAPI(t, 0)
	c := newTestClient(t, api.URL, nil)
	u := loginUser("wrong-pw-123")
	err := c.Login(context.Background(), u)
	require.Error(t, err)
	assert.Equal(t, "login for alice: POST /login: answered status 401; check the credentials in login.body and the login path", err.Error())
	for i := 0; i < 3; i++ {
		x := c.Do(context.Background(), u, "GET", api.URL+"/me")
		assert.Contains(t, x.Err, "answered status 401")
		assert.NotContains(t, x.Err, "wrong-pw-123")
	}
	assert.Equal(t, int64(2), c.Requests(), "a failed login is not retried for every request")

	u = loginUser("pa55")
	u.Login.TokenPath = "data.token"
	err = c.Login(context.Background(), u)
	assert.ErrorContains(t, err, `the token is not at data.token: no "token" there; the object has keys (access_token)`)
}

func TestConfig_ResolveLogins(t *testing.T) {
	spec := &spec.Spec{File: "api.yaml", Operations: []spec.Operation{
		{Method: "POST", Path: "/sessions", ID: "createSession"},
		{Method: "POST", Path: "/users/{id}/token", ID: "userToken"},
	}}
	cfg := &config.Config{File: "c.yaml", Users: []config.User{{Name: "alice", Login: &config.Login{Operation: "createSession", TokenPath: "t"}}}}
	require.NoError(t, cfg.ResolveLogins(spec))
	assert.Equal(t, "POST", cfg.Users[0].Login.Method)
	assert.Equal(t, "/sessions", cfg.Users[0].Login.Path)

	cfg.Users[0].Login = &config.Login{Operation: "nope", TokenPath: "t"}
	assert.ErrorContains(t, cfg.ResolveLogins(spec), `users[0].login.operation: "nope" is not an operationId nor a "METHOD /path" of api.yaml`)
	cfg.Users[0].Login = &config.Login{Operation: "userToken", TokenPath: "t"}
	assert.ErrorContains(t, cfg.ResolveLogins(spec), "whose path has parameters; give login.path")
}
