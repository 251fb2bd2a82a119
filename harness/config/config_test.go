package config

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bolaharness/bolaharness/harness/secret"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// cfgFile is where inline test configs claim to live, so `spec: api.yaml`
// resolves to testdata/config/api.yaml.
var cfgFile = filepath.Join("..", "testdata", "config", "x.yaml")

// cfgUsers is a valid users block for configs that test something else.
const cfgUsers = `
users:
  - {name: alice, token: a-token}
  - {name: bob, token: b-token}
`

func TestLoadConfig_EveryKey(t *testing.T) {
	env := MapEnv(map[string]string{"ALICE_TOKEN": "tok-a", "BOB_TOKEN": "tok-b", "BOB_EMAIL": "bob@example.test"})
	c, err := LoadConfig(filepath.Join("..", "testdata", "config", "good.yaml"), env)
	require.NoError(t, err)

	assert.Equal(t, "good", c.Name)
	assert.Equal(t, filepath.Join("..", "testdata", "config", "api.yaml"), c.Spec)
	assert.Equal(t, "https://staging.example.test/api", c.BaseURL, "trailing slash trimmed")
	assert.Equal(t, []string{"GET", "HEAD", "POST"}, c.Methods, "upper-cased, duplicates dropped")
	assert.Equal(t, 2.5, c.Rate)
	assert.Equal(t, int64(42), c.Seed)
	assert.Equal(t, 16, c.Cases)
	assert.Equal(t, 2, c.Concurrency)
	assert.Equal(t, "shop", c.Fixture)
	assert.Equal(t, FixtureVulnerable, c.FixtureMode)
	assert.Equal(t, 3*time.Second, c.Timeout)
	assert.Equal(t, 500, c.MaxRequests)
	assert.Equal(t, []SharedObject{
		{Param: "document_id", ID: "100", Users: []string{"alice", "bob"}},
		{Param: "document_id", ID: "0100"},
	}, c.Shared)

	require.Len(t, c.Users, 3)
	alice, bob, carol := c.Users[0], c.Users[1], c.Users[2]
	assert.Equal(t, "tok-a", alice.Token.Reveal())
	assert.Equal(t, "ALICE_TOKEN", alice.TokenVar)
	assert.Equal(t, map[string]string{"id": "1", "email": "alice@example.test", "ratio": "1.5"}, alice.Identity)
	assert.Equal(t, map[string][]string{"invoice_id": {"7", "31", "007"}, "order_id": {"42"}}, alice.Owns)
	assert.Equal(t, "bob@example.test", bob.Identity["email"])
	assert.Equal(t, "literal-token-carol", carol.Token.Reveal())
	assert.Equal(t, "CAROL_ADMIN_TOKEN", carol.TokenVar, "a literal token is named <NAME>_TOKEN")
	assert.Same(t, &c.Users[1], c.User("bob"))
	assert.Nil(t, c.User("mallory"))
}

func TestParseConfig_Defaults(t *testing.T) {
	c, err := LoadConfig(filepath.Join("..", "testdata", "config", "minimal.yaml"), MapEnv(nil))
	require.NoError(t, err)
	assert.Equal(t, "minimal", c.Name)
	assert.Equal(t, "", c.BaseURL)
	assert.Equal(t, []string{"GET", "HEAD"}, c.Methods)
	assert.Equal(t, float64(DefaultRate), c.Rate)
	assert.Equal(t, int64(0), c.Seed)
	assert.Equal(t, DefaultCases, c.Cases)
	assert.Equal(t, DefaultConcurrency, c.Concurrency)
	assert.Equal(t, DefaultTimeout, c.Timeout)
	assert.Equal(t, DefaultMaxRequests, c.MaxRequests)
	assert.Equal(t, FixtureFixed, c.FixtureMode)

	// rate: 0 means unlimited, not the default; 0 for the others means default.
	c, err = ParseConfig(cfgFile, []byte("spec: api.yaml\nrate: 0\ncases: 0\nconcurrency: 0\nmaxRequests: 0\n"+cfgUsers), MapEnv(nil))
	require.NoError(t, err)
	assert.Equal(t, 0.0, c.Rate)
	assert.Equal(t, DefaultCases, c.Cases)
	assert.Equal(t, DefaultConcurrency, c.Concurrency)
	assert.Equal(t, DefaultMaxRequests, c.MaxRequests)
	secrets := c.Secrets()
	assert.Len(t, secrets, 2)
	assert.Equal(t, "b-token", secrets[1].Reveal())
}

func TestParseConfig_NumbersAreDecimalText(t *testing.T) {
	tests := []struct {
		yaml, want string
	}{
		{"7", "7"},
		{"-3", "-3"},
		{"+7", "7"},
		{"0", "0"},
		{"0x1F", "31"},
		{"0o17", "15"},
		{"1_000", "1000"},
		{"1.5", "1.5"},
		{"1.50", "1.5"},
		{"0.25", "0.25"},
		{"1e3", "1000"},
		{"123456789012345678901234567890", "123456789012345678901234567890"},
		{`"007"`, "007"},
		{`'1.50'`, "1.50"},
		{"true", "true"},
		{"2024-01-02", "2024-01-02"},
		{"abc-7", "abc-7"},
	}
	for _, tt := range tests {
		t.Run(tt.yaml, func(t *testing.T) {
			data := "spec: api.yaml\nusers:\n  - name: alice\n    token: a\n    identity: {id: " + tt.yaml + "}\n" +
				"    owns: {thing_id: [" + tt.yaml + "]}\n  - {name: bob, token: b}\nshared: [{param: thing_id, id: " + tt.yaml + "}]\n"
			c, err := ParseConfig(cfgFile, []byte(data), MapEnv(nil))
			require.NoError(t, err)
			assert.Equal(t, tt.want, c.Users[0].Identity["id"])
			assert.Equal(t, []string{tt.want}, c.Users[0].Owns["thing_id"])
			assert.Equal(t, tt.want, c.Shared[0].ID)
		})
	}
}

func TestParseConfig_AmbiguousNumbersRefused(t *testing.T) {
	for _, v := range []string{"007", "08", "-012", ".inf", ".nan"} {
		t.Run(v, func(t *testing.T) {
			data := "spec: api.yaml\nusers:\n  - name: alice\n    token: a\n    owns: {thing_id: [" + v + "]}\n  - {name: bob, token: b}\n"
			_, err := ParseConfig(cfgFile, []byte(data), MapEnv(nil))
			var ce *ConfigError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, "users[0].owns.thing_id[0]", ce.Key)
			assert.Equal(t, 5, ce.Line)
			assert.Contains(t, ce.Msg, "quote it")
		})
	}
}

func TestParseConfig_Errors(t *testing.T) {
	absNope, err := filepath.Abs(filepath.Join("..", "testdata", "config", "nope.yaml"))
	require.NoError(t, err)
	tests := []struct {
		name string
		yaml string
		env  map[string]string
		line int      // 0 = not checked
		want []string // all must appear in the message
	}{
		{"unknown key suggests", "spec: api.yaml\nrat: 5\n" + cfgUsers, nil, 2,
			[]string{"x.yaml:2: unknown key \"rat\"; did you mean \"rate\"? valid keys: spec, baseURL, users,"}},
		{"unknown key case", "spec: api.yaml\nbaseurl: http://h\n" + cfgUsers, nil, 2,
			[]string{`unknown key "baseurl"; did you mean "baseURL"?`}},
		{"unknown key far off", "spec: api.yaml\nzzzzzzzzzz: 1\n" + cfgUsers, nil, 2,
			[]string{`unknown key "zzzzzzzzzz"; valid keys:`}},
		{"unknown user key", "spec: api.yaml\nusers:\n  - {name: alice, token: a}\n  - {name: bob, tokn: b}\n", nil, 4,
			[]string{`users[1]: unknown key "tokn"; did you mean "token"? valid keys: name, token, tokenFile, tokenCommand, login, apiKey, basic, cookies, headers, identity, owns`}},
		{"repeated key", "spec: api.yaml\nrate: 1\nrate: 2\n" + cfgUsers, nil, 3,
			[]string{`key "rate" appears twice (first on line 2)`}},
		{"missing spec", strings.TrimPrefix(cfgUsers, "\n"), nil, 0,
			[]string{"x.yaml: spec: missing; add `spec: path/to/openapi.yaml`"}},
		{"spec not found", "spec: nope.yaml\n" + cfgUsers, nil, 1,
			[]string{"spec: nope.yaml not found (looked at " + absNope + "); check the path, it is relative to the config file"}},
		{"no users", "spec: api.yaml\n", nil, 0, []string{"users: 0 user(s) given; list two or more users"}},
		{"one user", "spec: api.yaml\nusers:\n  - {name: alice, token: a}\n", nil, 2,
			[]string{"x.yaml:2: users: 1 user(s) given; list two or more users"}},
		{"users not a list", "spec: api.yaml\nusers: {name: alice}\n", nil, 2, []string{"users: expected a list of users"}},
		{"duplicate user", "spec: api.yaml\nusers:\n  - {name: alice, token: a}\n  - {name: alice, token: b}\n", nil, 4,
			[]string{`users[1].name: "alice" is also users[0]; give each user a different name`}},
		{"user without name", "spec: api.yaml\nusers:\n  - {name: alice, token: a}\n  - {token: b}\n", nil, 4,
			[]string{"users[1].name: missing; give every user a name"}},
		{"user without token", "spec: api.yaml\nusers:\n  - {name: alice, token: a}\n  - {name: bob}\n", nil, 4,
			[]string{"users[1].token: missing for bob; add `token: ${BOB_TOKEN}` and export BOB_TOKEN"}},
		{"bad user name", "spec: api.yaml\nusers:\n  - {name: alice, token: a}\n  - {name: bob smith, token: b}\n", nil, 4,
			[]string{`users[1].name: "bob smith" is not a usable name`}},
		{"token with scheme", "spec: api.yaml\nusers:\n  - {name: alice, token: Bearer abc}\n  - {name: bob, token: b}\n", nil, 3,
			[]string{`users[0].token: the token of alice starts with "Bearer "; give the token alone`}},
		{"token with newline inside", "spec: api.yaml\nusers:\n  - {name: alice, token: \"a\\nb\"}\n  - {name: bob, token: b}\n", nil, 3,
			[]string{"users[0].token: the token of alice contains a space or control character"}},
		{"baseURL scheme", "spec: api.yaml\nbaseURL: ftp://files.example\n" + cfgUsers, nil, 2,
			[]string{`baseURL: "ftp://files.example" is not an http or https URL with a host; write it like https://`}},
		{"baseURL no host", "spec: api.yaml\nbaseURL: \"http://\"\n" + cfgUsers, nil, 2,
			[]string{`baseURL: "http://" is not an http or https URL with a host`}},
		{"baseURL unparsable", "spec: api.yaml\nbaseURL: \"http://[::1\"\n" + cfgUsers, nil, 2,
			[]string{`baseURL: "http://[::1" does not parse`}},
		{"negative rate", "spec: api.yaml\nrate: -1\n" + cfgUsers, nil, 2, []string{"rate: -1 is negative; give requests per second (0 = unlimited)"}},
		{"negative cases", "spec: api.yaml\ncases: -2\n" + cfgUsers, nil, 2, []string{"cases: -2 is negative"}},
		{"negative concurrency", "spec: api.yaml\nconcurrency: -1\n" + cfgUsers, nil, 2, []string{"concurrency: -1 is negative"}},
		{"negative maxRequests", "spec: api.yaml\nmaxRequests: -5\n" + cfgUsers, nil, 2, []string{"maxRequests: -5 is negative"}},
		{"rate not a number", "spec: api.yaml\nrate: fast\n" + cfgUsers, nil, 2, []string{`rate: "fast" is not a number; give requests per second`}},
		{"seed not whole", "spec: api.yaml\nseed: 1.5\n" + cfgUsers, nil, 2, []string{`seed: "1.5" is not a whole number`}},
		{"timeout without unit", "spec: api.yaml\ntimeout: 10\n" + cfgUsers, nil, 2, []string{`timeout: "10" is not a duration; write it with a unit, such as "10s"`}},
		{"negative timeout", "spec: api.yaml\ntimeout: -1s\n" + cfgUsers, nil, 2, []string{"timeout: -1s is negative"}},
		{"bad method", "spec: api.yaml\nmethods: [GET, FETCH]\n" + cfgUsers, nil, 2,
			[]string{`methods[1]: "FETCH" is not an HTTP method; use one of GET, HEAD, POST`}},
		{"empty methods", "spec: api.yaml\nmethods: []\n" + cfgUsers, nil, 2, []string{"methods: empty; list the methods"}},
		{"bad fixtureMode", "spec: api.yaml\nfixtureMode: broken\n" + cfgUsers, nil, 2,
			[]string{`fixtureMode: "broken" is not a mode; use "vulnerable" or "fixed"`}},
		{"shared unknown user", "spec: api.yaml\nshared: [{param: doc_id, id: 1, users: [alice, mallory]}]\n" + cfgUsers, nil, 2,
			[]string{`shared[0].users[1]: "mallory" is not a user of this config; use one of alice, bob`}},
		{"shared without id", "spec: api.yaml\nshared: [{param: doc_id}]\n" + cfgUsers, nil, 2, []string{"shared[0].id: missing"}},
		{"identity list value", "spec: api.yaml\nusers:\n  - name: alice\n    token: a\n    identity: {emails: [a@x.test]}\n  - {name: bob, token: b}\n", nil, 5,
			[]string{"users[0].identity.emails: expected one value (text or number), got a list"}},
		{"null value", "spec: api.yaml\nbaseURL:\n" + cfgUsers, nil, 2, []string{"baseURL: empty value; give a value or remove the key"}},
		{"unclosed variable", "spec: api.yaml\nusers:\n  - {name: alice, token: \"${ALICE\"}\n  - {name: bob, token: b}\n", nil, 3,
			[]string{`users[0].token: "${" without a closing "}"; write a variable as ${NAME}`}},
		{"bad variable name", "spec: api.yaml\nusers:\n  - {name: alice, token: \"${1X}\"}\n  - {name: bob, token: b}\n", nil, 3,
			[]string{"users[0].token: ${1X} is not a variable name"}},
		{"syntax error", "spec: api.yaml\nusers: [\n", nil, 0, []string{"x.yaml", "not valid YAML:", "fix the syntax"}},
		{"empty file", "", nil, 0, []string{"x.yaml: the file is empty; it needs at least `spec:` and `users:`"}},
		{"top level list", "- spec: api.yaml\n", nil, 1, []string{"the top level must be a mapping"}},
		{"two documents", "spec: api.yaml\n" + cfgUsers + "---\nrate: 1\n", nil, 0, []string{"a second YAML document (---); keep one config per file"}},
		{"bad BOLA_SEED", "spec: api.yaml\n" + cfgUsers, map[string]string{"BOLA_SEED": "abc"}, 0,
			[]string{`x.yaml: BOLA_SEED: "abc" is not a whole number; set BOLA_SEED to the seed a report printed, or unset it`}},
		{"bad BOLA_BASE_URL", "spec: api.yaml\n" + cfgUsers, map[string]string{"BOLA_BASE_URL": "staging.example"}, 0,
			[]string{`x.yaml: BOLA_BASE_URL: "staging.example" is not an http or https URL`, "fix or unset BOLA_BASE_URL"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseConfig(cfgFile, []byte(tt.yaml), MapEnv(tt.env))
			require.Error(t, err)
			assert.Nil(t, c)
			var ce *ConfigError
			require.ErrorAs(t, err, &ce, "every problem is a *ConfigError")
			assert.Equal(t, cfgFile, ce.File)
			msg := err.Error()
			assert.True(t, strings.HasPrefix(msg, cfgFile), "the message starts with the file: %s", msg)
			for _, w := range tt.want {
				assert.Contains(t, msg, w)
			}
			if tt.line != 0 {
				assert.Equal(t, tt.line, ce.Line, msg)
			}
			var uv *UnsetVarError
			assert.False(t, errors.As(err, &uv), "not an unset variable: drivers must not skip it")
		})
	}
}

func TestParseConfig_EnvExpansion(t *testing.T) {
	data := `spec: ${SPEC_DIR}/api.yaml
baseURL: http://${HOST}:${PORT}/v1
users:
  - name: alice
    token: ${ALICE_TOKEN}
    identity: {id: "${ALICE_ID}", email: "${ALICE_USER}@example.test"}
    owns: {invoice_id: ["${ALICE_INVOICE}", 9]}
  - name: bob-admin
    token: "  ${BOB_RAW}  "
  - name: carol.ops
    token: tok-${SUFFIX}
methods: ["${METHOD}"]
rate: ${RATE}
`
	env := MapEnv(map[string]string{
		"SPEC_DIR": ".", "HOST": "127.0.0.1", "PORT": "8080", "ALICE_TOKEN": "alice-secret",
		"ALICE_ID": "0042", "ALICE_USER": "alice", "ALICE_INVOICE": "inv-7", "BOB_RAW": "bob-secret\n",
		"METHOD": "head", "RATE": "3", "SUFFIX": "abc",
	})
	c, err := ParseConfig(cfgFile, []byte(data), env)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join("..", "testdata", "config", "api.yaml"), c.Spec)
	assert.Equal(t, "http://127.0.0.1:8080/v1", c.BaseURL)
	assert.Equal(t, "alice-secret", c.Users[0].Token.Reveal())
	assert.Equal(t, "ALICE_TOKEN", c.Users[0].TokenVar, "the variable the config named")
	assert.Equal(t, map[string]string{"id": "0042", "email": "alice@example.test"}, c.Users[0].Identity)
	assert.Equal(t, []string{"inv-7", "9"}, c.Users[0].Owns["invoice_id"])
	assert.Equal(t, "bob-secret", c.Users[1].Token.Reveal(), "surrounding whitespace trimmed from tokens")
	assert.Equal(t, "BOB_RAW", c.Users[1].TokenVar, "spaces around a bare ${VAR} do not hide it")
	assert.Equal(t, "tok-abc", c.Users[2].Token.Reveal())
	assert.Equal(t, "CAROL_OPS_TOKEN", c.Users[2].TokenVar, "not a bare ${VAR}: the curl line names <NAME>_TOKEN")
	assert.Equal(t, []string{"HEAD"}, c.Methods)
	assert.Equal(t, 3.0, c.Rate)
}

func TestParseConfig_UnsetVariables(t *testing.T) {
	data := "spec: api.yaml\nusers:\n  - {name: alice, token: \"${ALICE_TOKEN}\"}\n  - {name: bob, token: \"${BOB_TOKEN}\"}\n"
	for _, env := range []map[string]string{nil, {"ALICE_TOKEN": "", "BOB_TOKEN": ""}} {
		_, err := ParseConfig(cfgFile, []byte(data), MapEnv(env))
		var uv *UnsetVarError
		require.ErrorAs(t, err, &uv)
		assert.Equal(t, UnsetVarError{File: cfgFile, Key: "users[0].token", Var: "ALICE_TOKEN", Line: 3, User: "alice"}, *uv)
		assert.Contains(t, err.Error(), "x.yaml:3: users[0].token: ${ALICE_TOKEN} is not set; export it or remove alice")
		assert.Contains(t, err.Error(), "x.yaml:4: users[1].token: ${BOB_TOKEN} is not set; export it or remove bob",
			"every missing variable is named at once")
		var ce *ConfigError
		assert.False(t, errors.As(err, &ce), "an unset variable alone is not a config error")
	}

	// A broken config is an error even where its tokens are not exported.
	for _, broken := range []string{data + "rat: 1\n", data + "rate: -1\n", strings.Replace(data, "api.yaml", "nope.yaml", 1)} {
		_, err := ParseConfig(cfgFile, []byte(broken), MapEnv(nil))
		var ce *ConfigError
		require.ErrorAs(t, err, &ce, broken)
		var uv *UnsetVarError
		assert.False(t, errors.As(err, &uv), broken)
	}

	// Outside users the fix names the key.
	_, err := ParseConfig(cfgFile, []byte("spec: api.yaml\nbaseURL: ${STAGING_URL}\n"+cfgUsers), MapEnv(nil))
	var uv *UnsetVarError
	require.ErrorAs(t, err, &uv)
	assert.Equal(t, "../testdata/config/x.yaml:2: baseURL: ${STAGING_URL} is not set; export it or remove the key", filepath.ToSlash(err.Error()))
}

func TestConfig_ApplyEnv(t *testing.T) {
	c, err := ParseConfig(cfgFile, []byte("spec: api.yaml\nbaseURL: http://a.example\nseed: 5\n"+cfgUsers),
		MapEnv(map[string]string{EnvBaseURL: "http://127.0.0.1:9999/", EnvSeed: "-77"}))
	require.NoError(t, err)
	assert.Equal(t, "http://127.0.0.1:9999", c.BaseURL)
	assert.Equal(t, int64(-77), c.Seed)

	// Set but empty is ignored, as shells leave them.
	require.NoError(t, c.ApplyEnv(MapEnv(map[string]string{EnvBaseURL: "", EnvSeed: " "})))
	assert.Equal(t, "http://127.0.0.1:9999", c.BaseURL)
	assert.Equal(t, int64(-77), c.Seed)

	err = c.ApplyEnv(MapEnv(map[string]string{EnvSeed: "99999999999999999999"}))
	var ce *ConfigError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, EnvSeed, ce.Key)
	assert.Equal(t, int64(-77), c.Seed, "a bad value changes nothing")
}

func TestConfig_Validate(t *testing.T) {
	good := func() *Config {
		return &Config{File: "code", Spec: "api.yaml", Users: []User{
			{Name: "alice", Token: secret.NewSecret("a")}, {Name: "bob", Token: secret.NewSecret("b")},
		}}
	}
	require.NoError(t, good().Validate())
	embedded := good()
	embedded.Spec, embedded.SpecData = "", []byte("openapi: 3.0.3")
	require.NoError(t, embedded.Validate())

	tests := []struct {
		name   string
		mutate func(*Config)
		want   string
	}{
		{"one user", func(c *Config) { c.Users = c.Users[:1] }, "code: users: 1 user(s) given"},
		{"no spec", func(c *Config) { c.Spec = "" }, "code: spec: missing"},
		{"no token", func(c *Config) { c.Users[1].Token = secret.Secret{} }, "code: users[1].token: missing for bob"},
		{"lower-case method", func(c *Config) { c.Methods = []string{"get"} }, `code: methods[0]: "get" is not an HTTP method`},
		{"shared user", func(c *Config) { c.Shared = []SharedObject{{Param: "p", ID: "1", Users: []string{"eve"}}} }, `"eve" is not a user`},
		{"base URL", func(c *Config) { c.BaseURL = "localhost:8080" }, "code: baseURL:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := good()
			tt.mutate(c)
			err := c.Validate()
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestParseConfigEmbedded(t *testing.T) {
	data := []byte("spec: ../specs/demo.yaml\nfixture: demo\nfixtureMode: vulnerable\n" + cfgUsers)
	c, err := ParseConfigEmbedded("fixtures/demo.yaml", data, []byte("openapi: 3.0.3"), MapEnv(nil))
	require.NoError(t, err, "the spec file need not exist: its bytes were given")
	assert.Equal(t, "demo", c.Name)
	assert.Equal(t, filepath.Join("specs", "demo.yaml"), c.Spec)
	assert.Equal(t, []byte("openapi: 3.0.3"), c.SpecData)

	_, err = ParseConfigEmbedded("fixtures/demo.yaml", data, nil, MapEnv(nil))
	require.ErrorContains(t, err, "embedded spec is empty")
}

func TestLoadConfig_MissingFile(t *testing.T) {
	_, err := LoadConfig(filepath.Join("..", "testdata", "config", "absent.yaml"), MapEnv(nil))
	var ce *ConfigError
	require.ErrorAs(t, err, &ce)
	assert.Contains(t, err.Error(), "absent.yaml: cannot read config")
	assert.Contains(t, err.Error(), "check the path")
}
