package config

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/bolaharness/bolaharness/harness/secret"

	"go.yaml.in/yaml/v3"
)

// Credentials beyond Bearer (DESIGN "Credentials beyond Bearer"): the user
// keys apiKey, basic, cookies and headers. Which of them an operation takes
// is the spec's business (credentials_choose.go); here they are read,
// checked and registered as secrets.

// Basic is a user's HTTP Basic credential (key `basic`).
type Basic struct {
	Username string
	Password secret.Secret
}

// Pair is one named value: a cookie (key `cookies`) or a header (key
// `headers`). Value only goes on the wire; Secret says whether it is
// redacted from output too.
type Pair struct {
	Name  string
	Value secret.Secret
	// Secret is true for every cookie, and for a header whose value came
	// from ${VAR} or whose name reads like a credential (X-Api-Token); a
	// plain header such as X-Tenant: acme stays readable, since redacting
	// "acme" everywhere would garble reports.
	Secret bool
}

// forbiddenHeaders are headers a user may not set with `headers`: the
// harness sets them itself from the other keys (token, basic, cookies).
var forbiddenHeaders = map[string]string{
	"Authorization": "give token (Bearer), basic or apiKey instead",
	"Cookie":        "give cookies: {name: value} instead",
	"Host":          "set baseURL instead",
}

// credentialHeaderRE finds header names whose values are credentials.
var credentialHeaderRE = regexp.MustCompile(`(?i)key|token|secret|auth|session|sig|pass|cred`)

// cookieNameRE is a cookie name as RFC 6265 allows it (a token).
var cookieNameRE = regexp.MustCompile("^[!#$%&'*+\\-.^_`|~0-9A-Za-z]+$")

// Var kinds: the suffix of the environment variable a curl line names for
// a credential the config gave literally (<USER>_<KIND>).
const (
	varAPIKey   = "KEY"
	varPassword = "PASSWORD"
)

// VarFor is the variable a curl line names for user's credential of kind
// when the config gave it literally: <NAME>_<KIND>, upper case, anything but
// letters and digits turned into _ ("alice", "csrf_token" → ALICE_CSRF_TOKEN).
func VarFor(name, kind string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(name + "_" + kind) {
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	v := b.String()
	if v[0] >= '0' && v[0] <= '9' {
		v = "_" + v // a shell variable cannot start with a digit
	}
	return v
}

// Var is the variable a curl line names for the user's credential key
// ("apiKey", "password", "cookie:sid", "header:X-Api-Token", "csrf"): the
// ${VAR} the config wrote, else VarFor.
func (u User) Var(key string) string {
	if v := u.Vars[key]; v != "" {
		return v
	}
	kind := key
	switch {
	case key == "apiKey":
		kind = varAPIKey
	case key == "password":
		kind = varPassword
	case strings.HasPrefix(key, "cookie:"), strings.HasPrefix(key, "header:"):
		_, kind, _ = strings.Cut(key, ":")
	}
	return VarFor(u.Name, kind)
}

// noteVar remembers the variable a whole-${VAR} value names, for curl lines.
func (u *User) noteVar(key string, n *yaml.Node) {
	n = deref(n)
	if m := wholeVarRE.FindStringSubmatch(strings.TrimSpace(n.Value)); m != nil && n.Kind == yaml.ScalarNode {
		if u.Vars == nil {
			u.Vars = map[string]string{}
		}
		u.Vars[key] = m[1]
	}
}

// readAPIKey reads apiKey: one value, sent where the spec's apiKey scheme
// puts it.
func (p *parser) readAPIKey(key string, n *yaml.Node, who string, u *User) error {
	u.noteVar("apiKey", n)
	return p.readString(key, n, who, func(s string) { u.APIKey = secret.NewSecret(strings.TrimSpace(s)) })
}

// readBasic reads basic: {username, password}.
func (p *parser) readBasic(key string, n *yaml.Node, who string, u *User) error {
	fields, err := p.fields(key, n, []string{"username", "password"})
	if err != nil {
		return err
	}
	b := &Basic{}
	for _, f := range fields {
		k := key + "." + f.key
		switch f.key {
		case "username":
			err = p.readString(k, f.value, who, func(s string) { b.Username = s })
		case "password":
			u.noteVar("password", f.value)
			err = p.readString(k, f.value, who, func(s string) { b.Password = secret.NewSecret(s) })
		}
		if err != nil {
			return err
		}
	}
	u.Basic = b
	return nil
}

// readPairs reads cookies or headers: name → value, in the written order.
func (p *parser) readPairs(key string, n *yaml.Node, who, kind string, u *User) ([]Pair, error) {
	example := "cookies: {session: ${ALICE_SESSION}}"
	if kind == "header" {
		example = "headers: {X-Tenant: acme}"
	}
	pairs, err := p.pairs(key, n, example)
	if err != nil {
		return nil, err
	}
	var out []Pair
	for _, f := range pairs {
		k := key + "." + f.key
		v := deref(f.value)
		if v.Kind != yaml.ScalarNode {
			return nil, p.errAt(k, v, "expected one value, got %s; write it like `%s`", kindName(v), example)
		}
		pr := Pair{Name: f.key, Secret: kind == "cookie"}
		if kind == "header" {
			pr.Name = http.CanonicalHeaderKey(f.key)
			pr.Secret = credentialHeaderRE.MatchString(f.key) || wholeVarRE.MatchString(strings.TrimSpace(v.Value)) || strings.Contains(v.Value, "${")
		}
		u.noteVar(kind+":"+pr.Name, v)
		if err := p.readString(k, v, who, func(s string) { pr.Value = secret.NewSecret(s) }); err != nil {
			return nil, err
		}
		out = append(out, pr)
	}
	return out, nil
}

// checkCredentials checks apiKey, basic, cookies and headers of user u.
func (c *Config) checkCredentials(key string, u User, skip map[string]bool) error {
	if b := u.Basic; b != nil {
		switch {
		case b.Username == "":
			return c.errf(key+".basic.username", "missing for %s; give the Basic username", u.Name)
		case strings.Contains(b.Username, ":"):
			return c.errf(key+".basic.username", "%s's Basic username holds a colon, which Basic cannot carry; check the username", u.Name)
		case b.Password.IsZero() && !skip[key+".basic.password"]:
			return c.errf(key+".basic.password", "missing for %s; add `password: ${%s}` and export %s", u.Name, u.Var("password"), u.Var("password"))
		}
	}
	for _, ck := range u.Cookies {
		if !cookieNameRE.MatchString(ck.Name) {
			return c.errf(key+".cookies."+ck.Name, "%q is not a cookie name (letters, digits and !#$%%&'*+-.^_`|~ only); check the spelling", ck.Name)
		}
		if strings.ContainsAny(ck.Value.Reveal(), ";\r\n") {
			return c.errf(key+".cookies."+ck.Name, "%s's cookie %s holds ';' or a line break, which a Cookie header cannot carry; give the cookie's value alone", u.Name, ck.Name)
		}
	}
	for _, h := range u.Headers {
		if fix, bad := forbiddenHeaders[h.Name]; bad {
			return c.errf(key+".headers."+h.Name, "%s is set by the harness itself; %s", h.Name, fix)
		}
		if strings.ContainsAny(h.Value.Reveal(), "\r\n") {
			return c.errf(key+".headers."+h.Name, "%s's header %s holds a line break; give one line", u.Name, h.Name)
		}
	}
	if strings.ContainsAny(u.APIKey.Reveal(), " \t\r\n") {
		return c.errf(key+".apiKey", "%s's API key holds white space; check for a stray space or line break", u.Name)
	}
	return nil
}

// hasCredential reports whether u carries any credential at all.
func (u User) hasCredential() bool {
	return !u.Token.IsZero() || u.hasTokenSource() || !u.APIKey.IsZero() || u.Basic != nil || len(u.Cookies) > 0 || len(u.Headers) > 0
}

// credentialSecrets are u's apiKey, password (and its Basic base64 form),
// cookie values and secret header values.
func (u User) credentialSecrets() []secret.Secret {
	var out []secret.Secret
	if !u.APIKey.IsZero() {
		out = append(out, u.APIKey)
	}
	if b := u.Basic; b != nil && !b.Password.IsZero() {
		out = append(out, b.Password, secret.NewSecret(base64.StdEncoding.EncodeToString([]byte(b.Username+":"+b.Password.Reveal()))))
	}
	for _, list := range [][]Pair{u.Cookies, u.Headers} {
		for _, pr := range list {
			if pr.Secret {
				out = append(out, pr.Value)
			}
		}
	}
	return out
}

// String names the Basic credential without its password.
func (b Basic) String() string { return fmt.Sprintf("basic{%s:%s}", b.Username, secret.Redacted) }
