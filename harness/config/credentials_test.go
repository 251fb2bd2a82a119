package config

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bolaharness/bolaharness/harness/secret"
	"github.com/bolaharness/bolaharness/harness/spec"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// parseUsers parses a config whose users block is users (indented by two
// spaces), with env as the environment.
func parseUsers(t *testing.T, users string, env map[string]string) (*Config, error) {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "api.yaml"), []byte("openapi: 3.0.3\ninfo: {title: t, version: \"1\"}\npaths: {}\n"), 0o600))
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	return ParseConfig(filepath.Join(dir, "c.yaml"), []byte("spec: api.yaml\nusers:\n"+users), lookup)
}

const bobToken = "  - {name: bob, token: b-token}\n"

func TestParseConfig_Credentials(t *testing.T) {
	users := `  - name: alice
    apiKey: ${ALICE_KEY}
    basic: {username: alice, password: "${ALICE_PASSWORD}"}
    cookies: {sid: "${ALICE_SID}", theme: dark-mode-v2}
    headers: {x-tenant: acme, X-Api-Token: literal-header-token}
    login:
      operation: POST /oauth/token
      form: {grant_type: password, username: alice, password: form-pa55word}
      token: $.access_token
      csrf: {header: x-csrf-token, json: $.csrf}
` + bobToken
	cfg, err := parseUsers(t, users, map[string]string{"ALICE_KEY": "key-alice-123", "ALICE_PASSWORD": "pw:alice-456", "ALICE_SID": "sid-alice-789"})
	require.NoError(t, err)
	a := cfg.Users[0]
	assert.Equal(t, "key-alice-123", a.APIKey.Reveal())
	require.NotNil(t, a.Basic)
	assert.Equal(t, "alice", a.Basic.Username)
	assert.Equal(t, "pw:alice-456", a.Basic.Password.Reveal())
	require.Len(t, a.Cookies, 2)
	assert.Equal(t, "sid", a.Cookies[0].Name)
	assert.True(t, a.Cookies[0].Secret && a.Cookies[1].Secret, "every cookie is a secret")
	require.Len(t, a.Headers, 2)
	assert.Equal(t, "X-Tenant", a.Headers[0].Name, "header names are canonical")
	assert.False(t, a.Headers[0].Secret, "a plain header stays readable")
	assert.True(t, a.Headers[1].Secret, "a header named like a credential is a secret")
	l := a.Login
	require.NotNil(t, l)
	assert.True(t, l.Form)
	assert.Equal(t, "grant_type=password&password=form-pa55word&username=alice", l.Body.Reveal())
	assert.Equal(t, "X-Csrf-Token", l.CSRF.Header)
	assert.Contains(t, l.Where, "c.yaml:9: users[0].login")

	// Curl variables: the ${VAR} the config named, else <USER>_<KIND>.
	assert.Equal(t, "ALICE_KEY", a.Var("apiKey"))
	assert.Equal(t, "ALICE_PASSWORD", a.Var("password"))
	assert.Equal(t, "ALICE_SID", a.Var("cookie:sid"))
	assert.Equal(t, "ALICE_THEME", a.Var("cookie:theme"))
	assert.Equal(t, "ALICE_X_API_TOKEN", a.Var("header:X-Api-Token"))
	assert.Equal(t, "BOB_KEY", cfg.Users[1].Var("apiKey"))

	// Every credential value is a secret, and never prints.
	text := strings.Join([]string{"key-alice-123", "pw:alice-456", "sid-alice-789", "dark-mode-v2", "literal-header-token", "form-pa55word",
		base64.StdEncoding.EncodeToString([]byte("alice:pw:alice-456")), url.QueryEscape("pw:alice-456"), "acme"}, " ")
	assert.Equal(t, strings.Repeat("[redacted] ", 8)+"acme", secret.Redact(text, cfg.Secrets()...))
	for _, verb := range []string{"%v", "%+v", "%#v"} {
		out := fmt.Sprintf(verb, a)
		for _, s := range []string{"key-alice", "pw:alice", "sid-alice", "literal-header", "form-pa55"} {
			assert.NotContains(t, out, s, verb)
		}
	}
}

func TestParseConfig_CredentialErrors(t *testing.T) {
	tests := []struct{ name, alice, want string }{
		{"no credential", "  - {name: alice, identity: {id: 1}}\n",
			"users[0].token: missing for alice; add `token: ${ALICE_TOKEN}` and export ALICE_TOKEN (or use tokenFile, tokenCommand, login, apiKey, basic or cookies)"},
		{"basic without password", "  - {name: alice, basic: {username: alice}}\n", "users[0].basic.password: missing for alice"},
		{"basic without username", "  - {name: alice, basic: {password: p}}\n", "users[0].basic.username: missing for alice"},
		{"basic username with colon", "  - {name: alice, basic: {username: 'a:b', password: p}}\n", "holds a colon"},
		{"basic unknown key", "  - {name: alice, basic: {user: a, password: p}}\n", `unknown key "user"`},
		{"Authorization header", "  - {name: alice, token: t, headers: {authorization: x}}\n",
			"users[0].headers.Authorization: Authorization is set by the harness itself; give token (Bearer), basic or apiKey instead"},
		{"Cookie header", "  - {name: alice, token: t, headers: {Cookie: a=b}}\n", "give cookies: {name: value} instead"},
		{"Host header", "  - {name: alice, token: t, headers: {host: x}}\n", "set baseURL instead"},
		{"cookie name", "  - {name: alice, cookies: {'a b': x}}\n", `"a b" is not a cookie name`},
		{"cookie value", "  - {name: alice, cookies: {sid: 'a;b'}}\n", "holds ';' or a line break"},
		{"cookies not a mapping", "  - {name: alice, cookies: [a]}\n", "expected a mapping"},
		{"apiKey with space", "  - {name: alice, apiKey: 'a b'}\n", "API key holds white space"},
		{"body and form", "  - name: alice\n    login: {path: /l, body: {a: b}, form: {a: b}}\n", "give either body (sent as JSON) or form (sent as a form), not both"},
		{"csrf without header", "  - name: alice\n    login: {path: /l, csrf: {cookie: c}}\n", "alice's csrf has no header"},
		{"csrf with both sources", "  - name: alice\n    login: {path: /l, csrf: {header: X-CSRF-Token, cookie: c, json: $.c}}\n", "needs exactly one of cookie"},
		{"csrf bad json path", "  - name: alice\n    login: {path: /l, csrf: {header: X-CSRF-Token, json: 'a..b'}}\n", "users[0].login.csrf.json"},
		{"operation neither id nor METHOD /path", "  - name: alice\n    login: {operation: 'POST login'}\n", `"POST login" is neither an operationId nor "METHOD /path"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseUsers(t, tt.alice+bobToken, nil)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.Contains(t, err.Error(), "c.yaml:", "the error names the file and line")
		})
	}
	// A credential whose ${VAR} is unset is not an error: the config is
	// skipped with the variable to export, as for tokens.
	_, err := parseUsers(t, "  - {name: alice, apiKey: '${ALICE_KEY}'}\n"+bobToken, nil)
	var unset *UnsetVarError
	require.ErrorAs(t, err, &unset)
	assert.Equal(t, "ALICE_KEY", unset.Var)
}

func TestHoldings_Choose(t *testing.T) {
	bearer := spec.Scheme{Name: "jwt", Kind: spec.KindBearer}
	basic := spec.Scheme{Name: "basicAuth", Kind: spec.KindBasic}
	hdr := spec.Scheme{Name: "key", Kind: spec.KindAPIKey, In: "header", Param: "X-API-Key"}
	qry := spec.Scheme{Name: "q", Kind: spec.KindAPIKey, In: "query", Param: "api_key"}
	sid := spec.Scheme{Name: "session", Kind: spec.KindAPIKey, In: "cookie", Param: "sid"}
	authz := spec.Scheme{Name: "k8s", Kind: spec.KindAPIKey, In: "header", Param: "Authorization"}
	clientID := spec.Scheme{Name: "clientId", Kind: spec.KindAPIKey, In: "header", Param: "PLAID-CLIENT-ID"}
	secretH := spec.Scheme{Name: "secret", Kind: spec.KindAPIKey, In: "header", Param: "PLAID-SECRET"}
	digest := spec.Scheme{Name: "d", Kind: spec.KindUnknown, Why: "http digest"}
	oauth := spec.Scheme{Name: "o", Kind: spec.KindBearer, TokenURLs: []string{"https://auth.example.test/oauth/token"}}
	req := func(s ...spec.Scheme) spec.Requirement { return s }
	tests := []struct {
		name string
		h    Holdings
		alts []spec.Requirement
		want string // the uses, "; " between them; "-" when none can be satisfied
	}{
		{"bearer", Holdings{Bearer: true}, []spec.Requirement{req(bearer)}, `token as bearer "jwt"`},
		{"login token", Holdings{Bearer: true, LoginToken: true}, []spec.Requirement{req(bearer)}, `login token as bearer "jwt"`},
		{"login at the tokenUrl", Holdings{Bearer: true, LoginToken: true, LoginPath: "/oauth/token"}, []spec.Requirement{req(oauth)}, `login token (the scheme's tokenUrl) as bearer "o"`},
		{"login elsewhere", Holdings{Bearer: true, LoginToken: true, LoginPath: "/login"}, []spec.Requirement{req(oauth)}, `login token as bearer "o"`},
		{"apiKey in header", Holdings{APIKey: true}, []spec.Requirement{req(hdr)}, `apiKey as apiKey "key" in header "X-API-Key"`},
		{"header of the scheme's name", Holdings{APIKey: true, Headers: map[string]bool{"X-Api-Key": true}}, []spec.Requirement{req(hdr)}, `headers as apiKey "key" in header "X-API-Key"`},
		{"apiKey in query", Holdings{APIKey: true}, []spec.Requirement{req(qry)}, `apiKey as apiKey "q" in query "api_key"`},
		{"first alternative the user has", Holdings{Basic: true}, []spec.Requirement{req(qry), req(basic)}, `basic as http basic "basicAuth"`},
		{"alternatives in order", Holdings{Basic: true, APIKey: true}, []spec.Requirement{req(qry), req(basic)}, `apiKey as apiKey "q" in query "api_key"`},
		{"configured cookie", Holdings{Cookies: map[string]bool{"sid": true}}, []spec.Requirement{req(sid)}, `cookies as apiKey "session" in cookie "sid"`},
		{"cookie login before it ran", Holdings{AnyCookie: true}, []spec.Requirement{req(sid)}, `login cookie as apiKey "session" in cookie "sid"`},
		{"cookie the login set", Holdings{LoginCookies: map[string]bool{"sid": true}}, []spec.Requirement{req(sid)}, `login cookie as apiKey "session" in cookie "sid"`},
		{"cookie the login did not set", Holdings{LoginCookies: map[string]bool{"session": true}}, []spec.Requirement{req(sid)}, "-"},
		{"apiKey as the cookie", Holdings{APIKey: true}, []spec.Requirement{req(sid)}, `apiKey as apiKey "session" in cookie "sid"`},
		{"token in an Authorization apiKey", Holdings{Bearer: true}, []spec.Requirement{req(authz)}, `token as apiKey "k8s" in header "Authorization"`},
		{"one apiKey serves one scheme", Holdings{APIKey: true}, []spec.Requirement{req(clientID, secretH)}, "-"},
		{"headers serve several", Holdings{Headers: map[string]bool{"Plaid-Client-Id": true, "Plaid-Secret": true}}, []spec.Requirement{req(clientID, secretH)},
			`headers as apiKey "clientId" in header "PLAID-CLIENT-ID"; headers as apiKey "secret" in header "PLAID-SECRET"`},
		{"wrong kind", Holdings{Basic: true}, []spec.Requirement{req(hdr)}, "-"},
		{"unknown scheme", Holdings{Bearer: true, Basic: true, APIKey: true}, []spec.Requirement{req(digest)}, "-"},
		{"no security: token", Holdings{Bearer: true, Basic: true}, nil, "token (the spec declares no security)"},
		{"no security: basic", Holdings{Basic: true}, nil, "basic (the spec declares no security)"},
		{"no security: nothing to send", Holdings{Cookies: map[string]bool{"a": true}}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			uses, ok := tt.h.Choose(tt.alts)
			got := "-"
			if ok {
				var parts []string
				for _, u := range uses {
					parts = append(parts, u.String())
				}
				got = strings.Join(parts, "; ")
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestUser_Holdings(t *testing.T) {
	cfg, err := parseUsers(t, `  - name: alice
    login: {path: /login, form: {username: alice, password: p}}
  - {name: bob, basic: {username: bob, password: p}, apiKey: k, cookies: {sid: s}, headers: {X-Tenant: t}}
  - name: carol
    login: {path: /token, body: {password: p}, token: access_token}
`, nil)
	require.NoError(t, err)
	assert.Equal(t, "a cookie-session login", cfg.Users[0].Holdings().Describe())
	assert.Equal(t, "apiKey, basic, cookie sid, header X-Tenant", cfg.Users[1].Holdings().Describe())
	assert.Equal(t, "login token", cfg.Users[2].Holdings().Describe())
}

func TestConfig_CheckSchemes(t *testing.T) {
	doc := func(schemes string) *spec.Spec {
		s, err := spec.LoadSpecData("api.yaml", []byte("openapi: 3.0.3\ninfo: {title: t, version: \"1\"}\npaths: {}\ncomponents:\n  securitySchemes:\n"+schemes))
		require.NoError(t, err)
		return s
	}
	basicOnly := doc("    b: {type: http, scheme: basic}\n")
	keyOnly := doc("    k: {type: apiKey, in: header, name: X-Key}\n")
	cfg, err := parseUsers(t, "  - {name: alice, apiKey: k1}\n  - {name: bob, apiKey: k2}\n", nil)
	require.NoError(t, err)
	require.NoError(t, cfg.CheckSchemes(keyOnly))
	err = cfg.CheckSchemes(basicOnly)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `users[0].apiKey: alice has apiKey but api.yaml defines no apiKey scheme (it defines http basic "b"); give the credential those schemes take, or remove apiKey`)

	cfg, err = parseUsers(t, "  - {name: alice, basic: {username: a, password: p}}\n"+bobToken, nil)
	require.NoError(t, err)
	assert.ErrorContains(t, cfg.CheckSchemes(keyOnly), "users[0].basic: alice has basic but api.yaml defines no http basic scheme")
	require.NoError(t, cfg.CheckSchemes(doc("")), "a spec without schemes takes basic, as it takes a token")
	cfg, err = parseUsers(t, "  - {name: alice, apiKey: k1}\n"+bobToken, nil)
	require.NoError(t, err)
	assert.ErrorContains(t, cfg.CheckSchemes(doc("")), "defines no apiKey scheme (it defines none)", "but it has nowhere to put an apiKey")
}
