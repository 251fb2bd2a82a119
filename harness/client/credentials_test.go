package client

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/spec"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// credSpec puts each scheme kind on its own path; /either takes a query
// key or Basic, /none needs nothing, and /login is the form login.
const credSpec = `openapi: 3.0.3
info: {title: t, version: "1"}
security: [{bearer: []}]
paths:
  /bearer/{id}: {get: {responses: {'200': {description: ok}}}}
  /header/{id}: {get: {security: [{hdr: []}], responses: {'200': {description: ok}}}}
  /query/{id}: {get: {security: [{qry: []}], responses: {'200': {description: ok}}}}
  /cookie/{id}:
    get: {security: [{ck: []}], responses: {'200': {description: ok}}}
    put: {security: [{ck: []}], responses: {'200': {description: ok}}}
  /basic/{id}: {get: {security: [{basic: []}], responses: {'200': {description: ok}}}}
  /either/{id}: {get: {security: [{qry: []}, {basic: []}], responses: {'200': {description: ok}}}}
  /login: {post: {security: [], responses: {'200': {description: ok}}}}
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
    basic: {type: http, scheme: basic}
    hdr: {type: apiKey, in: header, name: X-API-Key}
    qry: {type: apiKey, in: query, name: api_key}
    ck: {type: apiKey, in: cookie, name: sid}
`

// credHit is what the server saw of one request's credentials.
type credHit struct {
	URI, Authorization, APIKey, Cookie, Tenant, CSRF string
}

// credAPI records credentials and serves the form login: it sets sid and
// csrf_token cookies, or (for user "nocookie") answers without any.
type credAPI struct {
	*httptest.Server
	mu     sync.Mutex
	hits   []credHit
	logins int
	status int // the answer to every non-login request; 0 = 200
}

func newCredAPI(t *testing.T) *credAPI {
	t.Helper()
	a := &credAPI{}
	a.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.mu.Lock()
		defer a.mu.Unlock()
		if r.URL.Path == "/login" {
			a.logins++
			if err := r.ParseForm(); err != nil || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
				http.Error(w, "form expected", http.StatusBadRequest)
				return
			}
			user := r.PostForm.Get("username")
			if user != "nocookie" {
				http.SetCookie(w, &http.Cookie{Name: "sid", Value: fmt.Sprintf("sess-%s-%d", user, a.logins)})
				http.SetCookie(w, &http.Cookie{Name: "csrf_token", Value: fmt.Sprintf("csrf-%s-%d", user, a.logins)})
			}
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"ok": true}`)
			return
		}
		a.hits = append(a.hits, credHit{r.RequestURI, r.Header.Get("Authorization"), r.Header.Get("X-API-Key"),
			r.Header.Get("Cookie"), r.Header.Get("X-Tenant"), r.Header.Get("X-CSRF-Token")})
		if a.status != 0 {
			w.WriteHeader(a.status)
		}
		fmt.Fprint(w, "{}")
	}))
	t.Cleanup(a.Close)
	return a
}

func (a *credAPI) last() credHit {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.hits[len(a.hits)-1]
}

// credUsers parses users of every kind against credSpec.
func credUsers(t *testing.T) (*config.Config, *spec.Spec) {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "api.yaml"), []byte(credSpec), 0o600))
	users := `users:
  - {name: tok, token: tok-secret-1}
  - {name: key, apiKey: key-secret-2, headers: {X-Tenant: acme}}
  - {name: bas, basic: {username: bas, password: "bas:secret-3"}}
  - {name: jar, cookies: {sid: jar-secret-4}}
  - name: web
    login: {operation: POST /login, form: {username: web, password: web-secret-5}, csrf: {header: X-CSRF-Token, cookie: csrf_token}}
`
	path := filepath.Join(dir, "c.yaml")
	require.NoError(t, os.WriteFile(path, []byte("spec: api.yaml\nmethods: [GET, PUT]\n"+users), 0o600))
	cfg, err := config.LoadConfig(path, config.MapEnv(nil))
	require.NoError(t, err)
	sp, err := spec.LoadSpec(filepath.Join(dir, "api.yaml"))
	require.NoError(t, err)
	require.NoError(t, cfg.ResolveLogins(sp))
	return cfg, sp
}

func TestClient_AppliesTheOperationsCredential(t *testing.T) {
	cfg, sp := credUsers(t)
	api := newCredAPI(t)
	c := newTestClient(t, api.URL, func(o *ClientOptions) {
		o.Spec, o.Methods, o.Secrets, o.Keyring = sp, []string{"GET", "PUT"}, cfg.Secrets(), cfg.Keyring()
	})
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("bas:bas:secret-3"))
	tests := []struct {
		user, method, path string
		want               credHit
	}{
		{"tok", "GET", "/bearer/1", credHit{URI: "/bearer/1", Authorization: "Bearer tok-secret-1"}},
		{"key", "GET", "/header/1", credHit{URI: "/header/1", APIKey: "key-secret-2", Tenant: "acme"}},
		{"key", "GET", "/query/1?x=y", credHit{URI: "/query/1?x=y&api_key=key-secret-2", Tenant: "acme"}},
		{"key", "GET", "/cookie/1", credHit{URI: "/cookie/1", Cookie: "sid=key-secret-2", Tenant: "acme"}},
		{"key", "GET", "/either/1", credHit{URI: "/either/1?api_key=key-secret-2", Tenant: "acme"}},
		{"bas", "GET", "/either/1", credHit{URI: "/either/1", Authorization: basic}},
		{"bas", "GET", "/basic/1", credHit{URI: "/basic/1", Authorization: basic}},
		{"bas", "GET", "/header/1", credHit{URI: "/header/1"}}, // no credential serves it: none is sent
		{"jar", "GET", "/cookie/1", credHit{URI: "/cookie/1", Cookie: "sid=jar-secret-4"}},
		{"web", "GET", "/cookie/1", credHit{URI: "/cookie/1", Cookie: "sid=sess-web-1; csrf_token=csrf-web-1"}},
		{"web", "PUT", "/cookie/1", credHit{URI: "/cookie/1", Cookie: "sid=sess-web-1; csrf_token=csrf-web-1", CSRF: "csrf-web-1"}},
	}
	for _, tt := range tests {
		t.Run(tt.user+" "+tt.method+" "+tt.path, func(t *testing.T) {
			x := c.Do(context.Background(), cfg.User(tt.user), tt.method, api.URL+tt.path)
			require.Empty(t, x.Err)
			assert.Equal(t, tt.want, api.last())
			assert.Equal(t, api.URL+tt.path, x.URL, "the exchange's URL never carries a query key")
		})
	}
	assert.Equal(t, 1, api.logins, "one login serves every request")
	for _, s := range []string{"sess-web-1", "csrf-web-1"} {
		assert.Equal(t, "[redacted]", c.Redact(s), "what the login answered is a secret")
	}
}

func TestClient_CurlNamesEveryCredential(t *testing.T) {
	cfg, sp := credUsers(t)
	api := newCredAPI(t)
	c := newTestClient(t, api.URL, func(o *ClientOptions) { o.Spec, o.Methods = sp, []string{"GET", "PUT"} })
	require.NoError(t, c.Login(context.Background(), cfg.User("web")))
	tests := []struct{ user, method, path, want string }{
		{"tok", "GET", "/bearer/1", `-X GET -H "Authorization: Bearer $TOK_TOKEN" '` + api.URL + `/bearer/1'`},
		{"key", "GET", "/header/1", `-X GET -H 'X-Tenant: acme' -H "X-API-Key: $KEY_KEY" '` + api.URL + `/header/1'`},
		{"key", "GET", "/query/1", `-X GET -H 'X-Tenant: acme' '` + api.URL + `/query/1'"?api_key=$KEY_KEY"`},
		{"key", "GET", "/query/1?x=1", `'` + api.URL + `/query/1?x=1'"&api_key=$KEY_KEY"`},
		{"bas", "GET", "/basic/1", `-X GET -u "bas:$BAS_PASSWORD" '` + api.URL + `/basic/1'`},
		{"jar", "GET", "/cookie/1", `-X GET -b "sid=$JAR_SID" '`},
		{"web", "PUT", "/cookie/1", `-X PUT -H "X-Csrf-Token: $WEB_CSRF_TOKEN" -b "sid=$WEB_SID; csrf_token=$WEB_CSRF_TOKEN" '`},
	}
	secrets := []string{"tok-secret-1", "key-secret-2", "bas:secret-3", "jar-secret-4", "sess-web", "csrf-web", base64.StdEncoding.EncodeToString([]byte("bas:bas:secret-3"))}
	for _, tt := range tests {
		line := c.Curl(context.Background(), Request{Method: tt.method, URL: api.URL + tt.path}, cfg.User(tt.user))
		assert.Contains(t, line, tt.want)
		for _, s := range secrets {
			assert.NotContains(t, line, s)
		}
	}
}

func TestClient_LoginErrorsNameTheFix(t *testing.T) {
	api := newCredAPI(t)
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "api.yaml"), []byte(credSpec), 0o600))
	tests := []struct{ login, want string }{
		{"{path: /login, form: {username: nocookie, password: p}}",
			`c.yaml:4: users[0].login: login for a: POST /login: the answer set no cookie, so there is no session to use; give login.token the JSON path of the token in the answer (its keys are (ok)), or check that this request logs in`},
		{"{path: /login, form: {username: a, password: p}, csrf: {header: X-CSRF-Token, cookie: xsrf}}",
			`csrf.cookie: the answer set no xsrf cookie (it set csrf_token, sid); name one of those in login.csrf.cookie`},
		{"{path: /login, form: {username: a, password: p}, token: $.access_token}",
			`the token is not at $.access_token: no "access_token" there; the object has keys (ok); fix login.token`},
		{"{path: /login, body: {username: a, password: p}}", "answered status 400; check the credentials in login.body"},
	}
	for _, tt := range tests {
		path := filepath.Join(dir, "c.yaml")
		require.NoError(t, os.WriteFile(path, []byte("spec: api.yaml\nusers:\n  - name: a\n    login: "+tt.login+"\n  - {name: b, token: t}\n"), 0o600))
		cfg, err := config.LoadConfig(path, config.MapEnv(nil))
		require.NoError(t, err)
		c := newTestClient(t, api.URL, nil)
		err = c.Login(context.Background(), &cfg.Users[0])
		require.Error(t, err, tt.login)
		assert.Contains(t, err.Error(), tt.want)
	}
}

func TestClient_CookieSessionRefreshedOnceOn401(t *testing.T) {
	cfg, sp := credUsers(t)
	api := newCredAPI(t)
	c := newTestClient(t, api.URL, func(o *ClientOptions) { o.Spec, o.RefreshCooldown = sp, time.Hour })
	web := cfg.User("web")
	x := c.Do(context.Background(), web, "GET", api.URL+"/cookie/1")
	require.Empty(t, x.Err)
	api.mu.Lock()
	api.status = http.StatusUnauthorized
	api.mu.Unlock()
	x = c.Do(context.Background(), web, "GET", api.URL+"/cookie/1")
	assert.Equal(t, 1, x.Retries, "a 401 logs in again and retries once")
	assert.Equal(t, "sid=sess-web-2; csrf_token=csrf-web-2", api.last().Cookie, "the retry carries the new session")
	x = c.Do(context.Background(), web, "GET", api.URL+"/cookie/1")
	assert.Equal(t, 0, x.Retries, "within the cooldown a 401 is the answer")
	assert.Equal(t, 2, api.logins)
}

func TestClient_CrossOriginRedirectCarriesNoCredential(t *testing.T) {
	cfg, sp := credUsers(t)
	other := newCredAPI(t)
	away := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/query/2", http.StatusFound)
	}))
	t.Cleanup(away.Close)
	// The scan's origin is away's; its spec-matched query route redirects.
	c := newTestClient(t, away.URL, func(o *ClientOptions) { o.Spec, o.Secrets = sp, cfg.Secrets() })
	for _, u := range []string{"key", "jar", "bas", "tok"} {
		x := c.Do(context.Background(), cfg.User(u), "GET", away.URL+"/query/1")
		assert.Contains(t, x.Err, "redirect to another origin refused")
		assert.NotContains(t, x.Err+x.FinalURL, "key-secret-2")
	}
	other.mu.Lock()
	defer other.mu.Unlock()
	assert.Empty(t, other.hits, "another origin never gets a request: no header, cookie or query key")
}

func TestClient_QueryKeyRedactedFromFinalURL(t *testing.T) {
	cfg, sp := credUsers(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/query/1") {
			http.Redirect(w, r, "/query/2?"+r.URL.RawQuery, http.StatusFound)
			return
		}
		if err := json.NewEncoder(w).Encode(map[string]string{"echo": r.URL.RawQuery}); err != nil {
			t.Error(err)
		}
	}))
	t.Cleanup(srv.Close)
	c := newTestClient(t, srv.URL, func(o *ClientOptions) { o.Spec, o.Secrets = sp, cfg.Secrets() })
	x := c.Do(context.Background(), cfg.User("key"), "GET", srv.URL+"/query/1")
	require.Empty(t, x.Err)
	assert.Equal(t, srv.URL+"/query/2?api_key=[redacted]", x.FinalURL)
	assert.Equal(t, srv.URL+"/query/1", x.URL)
}
