package config

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/bolaharness/bolaharness/harness/secret"
)

// Defaults for the settings a config may leave out.
const (
	// DefaultRate is the request rate (per second) when the config sets none:
	// gentle enough for a shared staging server.
	DefaultRate = 10
	// DefaultCases is how many cases are drawn per id parameter per user
	// pair. Recall on the detection corpus and the demo saturates at 12;
	// 24 holds the whole fixed head of a numeric id's list (swaps, every
	// single transform, nearest neighbours) and twice the saturation point.
	DefaultCases = 24
	// DefaultConcurrency is how many requests may be in flight at once.
	DefaultConcurrency = 4
	// DefaultTimeout bounds one request, body included.
	DefaultTimeout = 15 * time.Second
	// DefaultMaxBody is how many bytes of a response body are kept; the rest
	// is dropped and the exchange marked Truncated.
	DefaultMaxBody = 1 << 20
	// DefaultMaxRequests is the request budget of one scan, so a large spec
	// cannot turn a scan into a load test by accident.
	DefaultMaxRequests = 20000
)

// Fixture modes for the embedded fixture APIs.
const (
	// FixtureVulnerable starts the fixture API with its planted flaws.
	FixtureVulnerable = "vulnerable"
	// FixtureFixed starts the fixture API with every flaw fixed.
	FixtureFixed = "fixed"
)

// Config is one scan's settings, read from a YAML file.
type Config struct {
	File     string // the file it was read from, as given (for messages)
	Name     string // file base name without extension ("demo" for fixtures/demo.yaml): the subtest level
	Spec     string // spec path resolved relative to the config file's directory
	SpecData []byte // when set (embedded demo), the spec is read from here instead of Spec
	BaseURL  string // "" = the spec's first server
	Users    []User
	Methods  []string // upper case; default GET, HEAD
	// Rate is requests per second; a file that omits it gets DefaultRate; 0
	// means unlimited (ClientOptions maps it to RateUnlimited).
	Rate float64
	// RateSet says the config wrote `rate:`; an in-process run (nothing to
	// protect) is unlimited unless it did.
	RateSet     bool
	Seed        int64          // 0 = pick one
	Cases       int            // default DefaultCases
	Concurrency int            // default DefaultConcurrency
	Fixture     string         // key `fixture`: name of an embedded fixture API the drivers start on loopback ("" = none)
	FixtureMode string         // key `fixtureMode`: FixtureVulnerable or FixtureFixed (default)
	Shared      []SharedObject // key `shared`: objects several users legitimately share
	// Preflight names reads ("GET /me" or an operationId) that every user
	// may call: before attacking, each user's credential must get a 2xx on
	// one of them (or on the user's own objects or listings).
	Preflight []string
	// Public lists operations every user may read by design (a public
	// profile card): "GET /users/{id}" or an operationId. Not attacked.
	Public []string
	// Actions lists GET operations that read like actions (/exports/{id}/run)
	// which the scan may still send; the others are left out.
	Actions     []string
	Timeout     time.Duration // key `timeout` (e.g. "10s"): per request, default DefaultTimeout
	MaxRequests int           // key `maxRequests`: total request budget, 0 = DefaultMaxRequests

	// Include and Exclude (keys `include`, `exclude`) select the operations
	// to attack by selector (plan.Selects): "GET /path", a path glob,
	// tag:NAME or an operationId. An empty Include means every operation.
	Include, Exclude []string

	// Staging safety (config_staging.go reads these keys).
	TimeBudget     time.Duration // key `timeBudget` (e.g. "10m"): the whole run; 0 = none
	ConnectTimeout time.Duration // key `connectTimeout`: TCP connect and TLS handshake, default DefaultConnectTimeout
	HeaderTimeout  time.Duration // key `headerTimeout`: waiting for response headers, default: the timeout
	MaxBody        int64         // key `maxBody`: bytes of each (decompressed) body kept, default DefaultMaxBody
	MaxTimeouts    int           // key `maxTimeouts`: timeouts in a row that stop an operation, default DefaultMaxTimeouts; -1 = never
	CAFile         string        // key `caFile`: PEM file of extra trusted CAs, resolved relative to the config file
	// InsecureSkipVerify (key `insecureSkipVerify: true`) turns TLS
	// certificate checks off, with a warning in the log and the report.
	InsecureSkipVerify bool
	// NoHarvest (key `harvest: false`) turns off harvesting, which looks
	// users' object ids up in the API's listings before attacking.
	NoHarvest bool
	// NoCreate (key `create: false`) turns off creating objects as their
	// owners (create.go), which POST in methods otherwise allows.
	NoCreate bool
	// Destroy (key `destroy`) names the objects the harness may DELETE as
	// another user (config_destroy.go); nothing else is ever deleted.
	Destroy []DestroyObject
	// AuthChecks (key `authChecks`) are the ignored-authentication checks
	// run on each attacked read (config_authz.go): nil means all of
	// AuthCheckNames, an empty list none.
	AuthChecks []string
	// NoExistenceLeaks (key `existenceLeaks: false`) turns off the
	// existence-leak judgement (config_authz.go); it sends nothing of its
	// own, so it is on by default.
	NoExistenceLeaks bool
	// Policy (key `policy`) says which roles may call which operations
	// (config_roles.go); nil means no policy, and the plan proposes one
	// from the spec.
	Policy []PolicyRule
	// Ignore (key `ignore`) lists accepted risks by finding fingerprint,
	// with a reason and an optional expiry (config_ignore.go).
	Ignore []Ignore

	// keys holds secrets learnt during the run (login tokens), so that
	// Secrets, and every redaction built on it, covers them.
	keys *secret.Keyring

	// lines maps keys ("rate", "users[1].token") to their line in File, so
	// Validate can point at the line for configs read from a file.
	lines map[string]int
}

// SharedObject says that the listed users may all read this object (a team
// document), so the oracle does not report their access to it as a leak.
type SharedObject struct {
	Param string   `yaml:"param"`
	ID    string   `yaml:"id"`
	Users []string `yaml:"users"` // empty = every user
}

// User is one identity the harness acts as.
type User struct {
	Name  string
	Token secret.Secret // the Bearer token
	// TokenVar is the environment variable a curl line names: the one the
	// config used as ${VAR}, else <NAME>_TOKEN (upper case, non-alphanumerics
	// turned into _), so reproductions never carry a token in clear.
	TokenVar string
	Identity map[string]string   // values that mark this user's own data, as text
	Owns     map[string][]string // object ids this user owns, keyed by parameter name, as text
	// TokenFile (key `tokenFile`) is the file the token was read from,
	// resolved relative to the config file; "" when the token came otherwise.
	TokenFile string
	// TokenCommand (key `tokenCommand`) is the command, run without a shell,
	// whose standard output is the token (a vault CLI); nil when unused.
	TokenCommand []string
	// Login (key `login`) gets the token (or a cookie session) from the API
	// itself; nil when unused.
	Login *Login
	// APIKey (key `apiKey`) is sent where the spec's apiKey scheme puts it.
	APIKey secret.Secret
	// Basic (key `basic`) is the HTTP Basic credential; nil when unused.
	Basic *Basic
	// Cookies (key `cookies`) are sent as Cookie with every request.
	Cookies []Pair
	// Headers (key `headers`) are sent with every request as this user.
	Headers []Pair
	// Vars maps a credential ("apiKey", "password", "cookie:sid",
	// "header:X-Api-Token") to the ${VAR} the config gave it with, so curl
	// lines name that variable (see Var).
	Vars map[string]string
	// Role (key `role`) is the user's role as the policy names it; default
	// DefaultRole.
	Role string
	// ReadOnly (key `readOnly: true`) marks a credential that must only
	// read: a write it gets through is a scope-bypass finding.
	ReadOnly bool
}

// ConfigError is a problem with a config: where it is and how to fix it.
type ConfigError struct {
	File string
	Line int    // 0 when unknown
	Key  string // "users[1].token"; "" for the file as a whole
	Msg  string // what is wrong and the fix
}

// Error formats the error as `file:line: key: msg`, leaving out what is unknown.
func (e *ConfigError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Key != "" {
		b.WriteString(": " + e.Key)
	}
	b.WriteString(": " + e.Msg)
	return b.String()
}

// UnsetVarError is returned (wrapped) when a ${VAR} the config needs is not
// set, so drivers can skip such configs instead of failing a fresh clone.
type UnsetVarError struct {
	File, Key, Var string
	Line           int    // 0 when unknown
	User           string // the user whose value needs it, "" for top-level keys
}

// Error says which variable to export, e.g.
// `fixtures/shop.yaml:9: users[1].token: ${BOB_TOKEN} is not set; export it or remove bob`.
func (e *UnsetVarError) Error() string {
	fix := "export it or remove the key"
	if e.User != "" {
		fix = "export it or remove " + e.User
	}
	ce := ConfigError{File: e.File, Line: e.Line, Key: e.Key,
		Msg: fmt.Sprintf("${%s} is not set; %s", e.Var, fix)}
	return ce.Error()
}

// LoadConfig reads and checks the config at path. env looks up environment
// variables for ${VAR}, BOLA_BASE_URL and BOLA_SEED; nil means os.LookupEnv.
func LoadConfig(path string, env func(string) (string, bool)) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &ConfigError{File: path, Msg: fmt.Sprintf("cannot read config: %v; check the path (BOLA_CONFIG or -config)", err)}
	}
	return ParseConfig(path, data, env)
}

// ParseConfig reads a config from data. file names it in messages, and the
// spec path is taken relative to filepath.Dir(file).
func ParseConfig(file string, data []byte, env func(string) (string, bool)) (*Config, error) {
	return parseConfig(file, data, nil, env)
}

// ParseConfigEmbedded is ParseConfig for a config shipped inside the binary
// (the demo): the spec comes from spec instead of the file system.
func ParseConfigEmbedded(file string, data, spec []byte, env func(string) (string, bool)) (*Config, error) {
	if len(spec) == 0 {
		return nil, &ConfigError{File: file, Key: "spec", Msg: "embedded spec is empty; pass the spec's bytes"}
	}
	return parseConfig(file, data, spec, env)
}

// parseConfig runs the steps in the order that gives the most useful error:
// structure first, then values, then the spec file, and unset variables last,
// so a broken config fails even where its tokens are not exported.
func parseConfig(file string, data, spec []byte, env func(string) (string, bool)) (*Config, error) {
	if env == nil {
		env = os.LookupEnv
	}
	p := &parser{file: file, env: env, lines: map[string]int{}}
	c, err := p.Parse(data)
	if err != nil {
		return nil, err
	}
	c.SpecData = spec
	if err := c.ApplyEnv(env); err != nil {
		return nil, err
	}
	if err := c.validate(p.unsetKeys()); err != nil {
		return nil, err
	}
	if err := c.checkSpecFile(); err != nil {
		return nil, err
	}
	// Trimmed only now, so that messages quote baseURL as written.
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if len(p.unset) > 0 {
		return nil, errors.Join(p.unset...)
	}
	// Token files and commands are read last: a command (a vault CLI) runs
	// only for a config that is otherwise sound and complete.
	if err := c.LoadTokens(context.Background()); err != nil {
		return nil, err
	}
	return c, nil
}

// configName is the file's base name without its extension.
func configName(file string) string {
	base := filepath.Base(file)
	return strings.TrimSuffix(base, filepath.Ext(base))
}

// checkSpecFile makes sure the spec exists, unless its bytes were given.
func (c *Config) checkSpecFile() error {
	if c.SpecData != nil {
		return c.checkSpecSize(int64(len(c.SpecData)))
	}
	info, err := os.Stat(c.Spec)
	if err == nil {
		return c.checkSpecSize(info.Size())
	}
	abs, aerr := filepath.Abs(c.Spec)
	if aerr != nil {
		abs = c.Spec
	}
	msg := fmt.Sprintf("%s not found (looked at %s); check the path, it is relative to the config file", c.lineSpec(), abs)
	if !errors.Is(err, os.ErrNotExist) {
		msg = fmt.Sprintf("%s cannot be read (%v); check the path and its permissions", c.lineSpec(), err)
	}
	return c.errf("spec", "%s", msg)
}

// lineSpec is the spec path as the user wrote it, relative to the config.
func (c *Config) lineSpec() string {
	rel, err := filepath.Rel(filepath.Dir(c.File), c.Spec)
	if err != nil || filepath.IsAbs(c.Spec) {
		return c.Spec
	}
	return filepath.ToSlash(rel)
}

// errf builds a ConfigError for key, with the line of the key or, when the
// key is absent (a missing token), of the nearest enclosing key.
func (c *Config) errf(key, format string, args ...any) *ConfigError {
	return &ConfigError{File: c.File, Line: c.lineOf(key), Key: key, Msg: fmt.Sprintf(format, args...)}
}

func (c *Config) lineOf(key string) int {
	for key != "" {
		if line, ok := c.lines[key]; ok {
			return line
		}
		key = key[:max(strings.LastIndexAny(key, ".["), 0)]
	}
	return 0
}

// Validate checks a config built in code the same way a file is checked
// (except that the spec file's existence is left to the spec loader).
func (c *Config) Validate() error { return c.validate(nil) }

// validate checks every value; skip holds keys whose value is missing only
// because a ${VAR} is unset, which is reported separately.
func (c *Config) validate(skip map[string]bool) error {
	checks := []func() error{
		c.checkSpecKey,
		func() error { return c.checkUsers(skip) },
		c.checkBaseURL,
		c.checkNumbers,
		c.checkMethods,
		c.checkFixture,
		c.checkShared,
		c.checkDestroy,
	}
	for _, check := range checks {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

func (c *Config) checkSpecKey() error {
	if c.Spec == "" && c.SpecData == nil {
		return c.errf("spec", "missing; add `spec: path/to/openapi.yaml` (relative to the config file)")
	}
	return nil
}

// userNameRE keeps names usable in subtest names and environment variables.
var userNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)

func (c *Config) checkUsers(skip map[string]bool) error {
	if len(c.Users) < 2 {
		return c.errf("users", "%d user(s) given; list two or more users (name and token) so one can try the other's objects", len(c.Users))
	}
	seen := map[string]int{}
	for i, u := range c.Users {
		key := fmt.Sprintf("users[%d]", i)
		switch {
		case u.Name == "":
			return c.errf(key+".name", "missing; give every user a name such as alice")
		case !userNameRE.MatchString(u.Name):
			return c.errf(key+".name", "%q is not a usable name; use letters, digits, '_', '.' or '-'", u.Name)
		case !u.hasCredential() && !skip[key+".token"] && !skip[key+".apiKey"]:
			return c.errf(key+".token", "missing for %s; add `token: ${%s}` and export %s (or use tokenFile, tokenCommand, login, apiKey, basic or cookies)", u.Name, tokenVarFor(u.Name), tokenVarFor(u.Name))
		}
		if j, dup := seen[strings.ToLower(u.Name)]; dup {
			return c.errf(key+".name", "%q is also users[%d]; give each user a different name", u.Name, j)
		}
		seen[strings.ToLower(u.Name)] = i
		if err := c.checkToken(key+".token", u); err != nil {
			return err
		}
		if err := c.checkLogin(key+".login", u); err != nil {
			return err
		}
		if err := c.checkCredentials(key, u, skip); err != nil {
			return err
		}
	}
	return nil
}

// checkToken catches token mistakes that would otherwise show up only as a
// scan full of 401s; it never prints the token.
func (c *Config) checkToken(key string, u User) error {
	t := u.Token.Reveal()
	if strings.HasPrefix(strings.ToLower(t), "bearer ") {
		return c.errf(key, "the token of %s starts with \"Bearer \"; give the token alone, the harness adds the scheme", u.Name)
	}
	for _, r := range t {
		if r < 0x21 || r == 0x7f {
			return c.errf(key, "the token of %s contains a space or control character; check the value (a stray newline?)", u.Name)
		}
	}
	return nil
}

func (c *Config) checkBaseURL() error {
	if c.BaseURL == "" {
		return nil
	}
	if msg := BadBaseURL(c.BaseURL); msg != "" {
		return c.errf("baseURL", "%s", msg)
	}
	return nil
}

// badBaseURL says what is wrong with a base URL, or "" when it is usable.
func BadBaseURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Sprintf("%q does not parse (%v); write it like https://api.example.test", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return fmt.Sprintf("%q is not an http or https URL with a host; write it like https://api.example.test", raw)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Sprintf("%q carries user info, a query or a fragment; give only scheme, host, port and path prefix", raw)
	}
	return ""
}

func (c *Config) checkNumbers() error {
	switch {
	case c.Rate < 0:
		return c.errf("rate", "%v is negative; give requests per second (0 = unlimited)", c.Rate)
	case c.Cases < 0:
		return c.errf("cases", "%d is negative; give how many cases to draw (0 = default %d)", c.Cases, DefaultCases)
	case c.Concurrency < 0:
		return c.errf("concurrency", "%d is negative; give how many requests may be in flight (0 = default %d)", c.Concurrency, DefaultConcurrency)
	case c.Timeout < 0:
		return c.errf("timeout", "%v is negative; give a duration such as \"10s\"", c.Timeout)
	case c.MaxRequests < 0:
		return c.errf("maxRequests", "%d is negative; give a request budget (0 = default %d)", c.MaxRequests, DefaultMaxRequests)
	}
	return c.checkStaging()
}

// httpMethods are the methods a config may allow.
var httpMethods = []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"}

func (c *Config) checkMethods() error {
	for i, m := range c.Methods {
		if err := CheckMethod(m); err != nil {
			return c.errf(fmt.Sprintf("methods[%d]", i), "%v", err)
		}
	}
	return nil
}

// checkMethod accepts only upper-case HTTP methods.
func CheckMethod(m string) error {
	for _, ok := range httpMethods {
		if m == ok {
			return nil
		}
	}
	return fmt.Errorf("%q is not an HTTP method; use one of %s", m, strings.Join(httpMethods, ", "))
}

func (c *Config) checkFixture() error {
	switch c.FixtureMode {
	case "", FixtureVulnerable, FixtureFixed:
		return nil
	}
	return c.errf("fixtureMode", "%q is not a mode; use %q or %q", c.FixtureMode, FixtureVulnerable, FixtureFixed)
}

func (c *Config) checkShared() error {
	names := make(map[string]bool, len(c.Users))
	for _, u := range c.Users {
		names[u.Name] = true
	}
	for i, s := range c.Shared {
		key := fmt.Sprintf("shared[%d]", i)
		if s.Param == "" {
			return c.errf(key+".param", "missing; name the id parameter, e.g. `param: document_id`")
		}
		if s.ID == "" {
			return c.errf(key+".id", "missing; give the shared object's id")
		}
		for j, n := range s.Users {
			if !names[n] {
				return c.errf(fmt.Sprintf("%s.users[%d]", key, j), "%q is not a user of this config; use one of %s", n, strings.Join(sortedNames(names), ", "))
			}
		}
	}
	return nil
}
