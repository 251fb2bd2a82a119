package config

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/bolaharness/bolaharness/harness/secret"
	"github.com/bolaharness/bolaharness/harness/spec"

	"go.yaml.in/yaml/v3"
)

// Login says how a user's token is obtained from the API itself: one
// request (an operation of the spec, or a path under the base URL) with
// credentials from the environment, and where the token is in the JSON
// answer. The client logs in before the first request and once more when a
// 401 suggests the token expired. The methods allow-list does not apply to
// it (logging in is not an attack), the origin check, rate and budget do.
type Login struct {
	Operation string // key `operation`: an operationId of the spec; or
	Path      string // key `path`: a path under the base URL, such as /auth/login
	Method    string // key `method`: default POST; taken from the spec with `operation`
	// Body is the JSON object sent (key `body`, a mapping whose values may
	// use ${VAR}); it holds credentials, so it never prints.
	Body secret.Secret
	// TokenPath (key `token`) is where the token is in the JSON answer:
	// "access_token", "$.data.token", "tokens[0].value". "" means the answer
	// sets cookies and the session is those cookies.
	TokenPath string
	// Form (key `form` instead of `body`) sends the body as
	// application/x-www-form-urlencoded (an OAuth2 password grant, a login
	// form) rather than JSON.
	Form bool
	// CSRF (key `csrf`) is the header sent on unsafe methods with a value
	// the login answered; nil when unused.
	CSRF *CSRF
	// Where is "file:line: users[i].login", for errors found while logging
	// in, which happen long after the config was read.
	Where string

	Credentials []secret.Secret // body values that are secrets, redacted like tokens
	Steps       []pathStep      // TokenPath parsed
}

var loginKeys = []string{"operation", "path", "method", "body", "form", "token", "csrf"}

// CSRF says where a user's CSRF token comes from and where it goes: the
// header (key `header`) sent on POST, PUT, PATCH and DELETE, with the value
// of the cookie the login set (key `cookie`) or at a JSON path of the login
// answer (key `json`).
type CSRF struct {
	Header string
	Cookie string
	JSON   string
	Steps  []pathStep // JSON parsed
}

// operationRE matches a login operation written as "METHOD /path".
var operationRE = regexp.MustCompile(`^([A-Za-z]+)\s+(/\S*)$`)

// credentialKeyRE finds body keys whose values are secrets. Other values
// (a user name, a grant type) stay readable: redacting "alice" everywhere
// would garble every subtest name.
var credentialKeyRE = regexp.MustCompile(`(?i)pass|pw|secret|token|key|cred|pin|otp|code|assertion`)

// readLogin reads a user's login block.
func (p *parser) readLogin(prefix string, n *yaml.Node, who string) (*Login, error) {
	fields, err := p.fields(prefix, n, loginKeys)
	if err != nil {
		return nil, err
	}
	l := &Login{Where: fmt.Sprintf("%s:%d: %s", p.file, deref(n).Line, prefix)}
	for _, f := range fields {
		key := prefix + "." + f.key
		switch f.key {
		case "operation":
			err = p.readString(key, f.value, who, func(s string) { l.Operation = s })
		case "path":
			err = p.readString(key, f.value, who, func(s string) { l.Path = s })
		case "method":
			err = p.readString(key, f.value, who, func(s string) { l.Method = strings.ToUpper(strings.TrimSpace(s)) })
		case "token":
			err = p.readString(key, f.value, who, func(s string) { l.TokenPath = s })
		case "body", "form":
			if l.Body.IsZero() && len(l.Credentials) == 0 && !l.Form {
				l.Form = f.key == "form"
				err = p.readLoginBody(key, f.value, who, l)
			} else {
				err = p.errAt(key, deref(f.value), "give either body (sent as JSON) or form (sent as a form), not both")
			}
		case "csrf":
			l.CSRF, err = p.readCSRF(key, f.value, who)
		}
		if err != nil {
			return nil, err
		}
	}
	return l, nil
}

// readLoginBody reads the body mapping and encodes it as JSON.
func (p *parser) readLoginBody(key string, n *yaml.Node, who string, l *Login) error {
	pairs, err := p.pairs(key, n, "body: {username: alice, password: ${ALICE_PASSWORD}}")
	if err != nil {
		return err
	}
	body := map[string]string{}
	for _, f := range pairs {
		if err := p.readString(key+"."+f.key, f.value, who, func(s string) { body[f.key] = s }); err != nil {
			return err
		}
		if v := body[f.key]; credentialKeyRE.MatchString(f.key) && v != "" {
			l.Credentials = append(l.Credentials, secret.NewSecret(v))
		}
	}
	if l.Form {
		form := url.Values{}
		for k, v := range body {
			form.Set(k, v)
		}
		l.Body = secret.NewSecret(form.Encode())
		return nil
	}
	data, err := json.Marshal(body)
	if err != nil {
		return p.errAt(key, deref(n), "cannot encode the body as JSON: %v", err)
	}
	l.Body = secret.NewSecret(string(data))
	return nil
}

// readCSRF reads csrf: {header, cookie} or {header, json}.
func (p *parser) readCSRF(key string, n *yaml.Node, who string) (*CSRF, error) {
	fields, err := p.fields(key, n, []string{"header", "cookie", "json"})
	if err != nil {
		return nil, err
	}
	c := &CSRF{}
	for _, f := range fields {
		k := key + "." + f.key
		switch f.key {
		case "header":
			err = p.readString(k, f.value, who, func(s string) { c.Header = http.CanonicalHeaderKey(strings.TrimSpace(s)) })
		case "cookie":
			err = p.readString(k, f.value, who, func(s string) { c.Cookie = strings.TrimSpace(s) })
		case "json":
			err = p.readString(k, f.value, who, func(s string) { c.JSON = s })
		}
		if err != nil {
			return nil, err
		}
	}
	fix := "write it like `csrf: {header: X-CSRF-Token, cookie: csrf_token}` or `csrf: {header: X-CSRF-Token, json: $.csrf}`"
	switch {
	case c.Header == "":
		return nil, p.errAt(key, deref(n), "%s's csrf has no header; %s", who, fix)
	case (c.Cookie == "") == (c.JSON == ""):
		return nil, p.errAt(key, deref(n), "%s's csrf needs exactly one of cookie (the cookie the login sets) or json (a path in the login answer); %s", who, fix)
	case forbiddenHeaders[c.Header] != "":
		return nil, p.errAt(key+".header", deref(n), "%s cannot carry a CSRF token; name the header the API checks, such as X-CSRF-Token", c.Header)
	}
	if c.JSON != "" {
		steps, err := ParseJSONPath(c.JSON)
		if err != nil {
			return nil, p.errAt(key+".json", deref(n), "%v", err)
		}
		c.Steps = steps
	}
	return c, nil
}

// checkLogin checks a login block's shape; the operation is looked up in
// the spec later (ResolveLogins), when the spec is loaded.
func (c *Config) checkLogin(key string, u User) error {
	l := u.Login
	if l == nil {
		return nil
	}
	switch {
	case (l.Operation == "") == (l.Path == ""):
		return c.errf(key, "give either operation (an operationId of the spec, or \"METHOD /path\" such as \"POST /login\") or path (such as /auth/login), not both or neither")
	case l.Operation != "" && l.Method != "":
		return c.errf(key+".method", "the method comes from the operation %q; remove method", l.Operation)
	case l.Path != "" && (!strings.HasPrefix(l.Path, "/") || strings.HasPrefix(l.Path, "//") || strings.ContainsAny(l.Path, "{}")):
		return c.errf(key+".path", "%q is not a path such as /auth/login (it starts with one /, and has no {parameters})", l.Path)
	case strings.ContainsAny(l.Operation, " \t") && !operationRE.MatchString(l.Operation):
		return c.errf(key+".operation", "%q is neither an operationId nor \"METHOD /path\"; write it like POST /oauth/token", l.Operation)
	}
	if l.Method == "" && l.Path != "" {
		l.Method = "POST"
	}
	if l.Method != "" {
		if err := CheckMethod(l.Method); err != nil {
			return c.errf(key+".method", "%v", err)
		}
	}
	if l.TokenPath == "" {
		// A cookie session: the answer's cookies are the credential. Whether
		// it sets any is checked when logging in (client tokens_refresh.go).
		l.Steps = nil
		return nil
	}
	steps, err := ParseJSONPath(l.TokenPath)
	if err != nil {
		return c.errf(key+".token", "%v", err)
	}
	l.Steps = steps
	return nil
}

// ResolveLogins fills the method and path of every login given as an
// operation of spec. Prepare calls it; it fails when the operation is not
// in the spec or its path has parameters the harness cannot fill.
func (c *Config) ResolveLogins(spec *spec.Spec) error {
	for i := range c.Users {
		l := c.Users[i].Login
		if l == nil || l.Operation == "" {
			continue
		}
		key := fmt.Sprintf("users[%d].login.operation", i)
		op, ok := findOperation(spec, l.Operation)
		if !ok {
			return c.errf(key, "%q is not an operationId nor a \"METHOD /path\" of %s; check the spelling or give login.path instead", l.Operation, spec.File)
		}
		if strings.ContainsAny(op.Path, "{}") {
			return c.errf(key, "%q is %s, whose path has parameters; give login.path with them filled in", l.Operation, op.Key())
		}
		l.Method, l.Path = op.Method, op.Path
	}
	return nil
}

// findOperation finds an operation by operationId or as "METHOD /path".
func findOperation(sp *spec.Spec, id string) (spec.Operation, bool) {
	m := operationRE.FindStringSubmatch(strings.TrimSpace(id))
	for _, op := range sp.Operations {
		if op.ID == id || (m != nil && op.Method == strings.ToUpper(m[1]) && op.Path == m[2]) {
			return op, true
		}
	}
	return spec.Operation{}, false
}

// pathStep is one step of a JSON path: a key, or an index when isIndex.
type pathStep struct {
	key     string
	index   int
	isIndex bool
}

// parseJSONPath reads a simple JSON path: dot-separated keys with [n]
// indexes, optionally starting with "$" or "$.".
func ParseJSONPath(path string) ([]pathStep, error) {
	rest := strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(path), "$"), ".")
	bad := fmt.Errorf("%q is not a JSON path the harness reads; write keys joined by dots with [n] for list items, such as access_token, $.data.token or tokens[0].value", path)
	if rest == "" {
		return nil, bad
	}
	var steps []pathStep
	for _, part := range strings.Split(rest, ".") {
		name, idx, _ := strings.Cut(part, "[")
		if name == "" && idx == "" {
			return nil, bad
		}
		if name != "" {
			steps = append(steps, pathStep{key: name})
		}
		for idx != "" {
			num, after, ok := strings.Cut(idx, "]")
			n, err := strconv.Atoi(num)
			if !ok || err != nil || n < 0 || (after != "" && after[0] != '[') {
				return nil, bad
			}
			steps = append(steps, pathStep{index: n, isIndex: true})
			idx = strings.TrimPrefix(after, "[")
		}
	}
	return steps, nil
}

// tokenAt finds the string at steps in a JSON document. The error names
// the keys that are there, never their values (an answer may hold secrets).
func TokenAt(data []byte, steps []pathStep) (string, error) {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return "", fmt.Errorf("the answer is not JSON (%v)", err)
	}
	for _, s := range steps {
		switch node := v.(type) {
		case map[string]any:
			next, ok := node[s.key]
			if s.isIndex || !ok {
				return "", fmt.Errorf("no %q there; the object has keys %s", stepName(s), keyList(node))
			}
			v = next
		case []any:
			if !s.isIndex || s.index >= len(node) {
				return "", fmt.Errorf("no %q there; it is a list of %d items", stepName(s), len(node))
			}
			v = node[s.index]
		default:
			return "", fmt.Errorf("no %q there; the value before it is not an object or a list", stepName(s))
		}
	}
	tok, ok := v.(string)
	if !ok || tok == "" {
		return "", fmt.Errorf("the value there is not a non-empty string")
	}
	return tok, nil
}

func stepName(s pathStep) string {
	if s.isIndex {
		return "[" + strconv.Itoa(s.index) + "]"
	}
	return s.key
}

func keyList(m map[string]any) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(keys) > 10 {
		keys = append(keys[:10], "...")
	}
	return "(" + strings.Join(keys, ", ") + ")"
}

// Format prints a login without its body or credentials, for every verb,
// so a User printed with %+v shows how it logs in and nothing secret (fmt
// would otherwise print the unexported credentials field by reflection).
func (l Login) Format(f fmt.State, verb rune) {
	target := l.Path
	if l.Operation != "" {
		target = "operation " + l.Operation
	}
	if _, err := fmt.Fprintf(f, "login{%s %s, body %s, token at %s}", l.Method, target, secret.Redacted, l.TokenPath); err != nil {
		return // fmt.State's Write never fails in practice; there is no caller to tell
	}
}

// KeysOf names the top-level keys of a JSON object, as "(a, b, c)", for
// errors that must not quote the values; "" when data is not an object.
func KeysOf(data []byte) string {
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil || m == nil {
		return ""
	}
	return keyList(m)
}
