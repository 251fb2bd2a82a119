package config

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/bolaharness/bolaharness/harness/spec"
)

// Which credential serves which scheme (DESIGN "Credentials beyond
// Bearer"): http bearer, oauth2 and openIdConnect take the Bearer token,
// which is the login's when the user logs in (a user gives the token one
// way only, so the login whose operation is the scheme's token URL and the
// token are never both there); apiKey takes a header or cookie of its name when the
// user gives one, else apiKey; http basic takes basic. The plan (before any
// login) and the client (after) both choose through Holdings.Choose, so
// `plan` shows what `scan` sends.

// Holdings says which credentials a user has, by kind and name, never by
// value.
type Holdings struct {
	// Bearer is true when the user has a Bearer token: token, tokenFile,
	// tokenCommand, or a login that answers one.
	Bearer bool
	// LoginToken is true when the token comes from a login; LoginPath is
	// that login's path, when known, which an oauth2 scheme's tokenUrl may
	// name.
	LoginToken bool
	LoginPath  string
	// APIKey and Basic are true when the user gives apiKey or basic.
	APIKey, Basic bool
	// Cookies are the names of the cookies the user gives (key cookies);
	// LoginCookies those its login set.
	Cookies, LoginCookies map[string]bool
	// AnyCookie is true for a cookie-session login that has not run yet:
	// the plan cannot know its cookies' names, so any is assumed.
	AnyCookie bool
	// Headers are the names (canonical) of the headers the user gives.
	Headers map[string]bool
}

// Holdings is what u holds before logging in.
func (u User) Holdings() Holdings {
	h := Holdings{
		Bearer:  !u.Token.IsZero() || u.TokenFile != "" || len(u.TokenCommand) > 0,
		APIKey:  !u.APIKey.IsZero(),
		Basic:   u.Basic != nil,
		Cookies: map[string]bool{},
		Headers: map[string]bool{},
	}
	if l := u.Login; l != nil {
		if l.TokenPath != "" {
			h.Bearer, h.LoginToken, h.LoginPath = true, true, l.Path
			if m := operationRE.FindStringSubmatch(strings.TrimSpace(l.Operation)); m != nil && h.LoginPath == "" {
				h.LoginPath = m[2]
			}
		} else {
			h.AnyCookie = true
		}
	}
	for _, c := range u.Cookies {
		h.Cookies[c.Name] = true
	}
	for _, hd := range u.Headers {
		h.Headers[hd.Name] = true
	}
	return h
}

// Use.From values: which of the user's credentials serves a scheme.
const (
	FromToken       = "token"
	FromLoginToken  = "login token"
	FromTokenURL    = "login token (the scheme's tokenUrl)"
	FromAPIKey      = "apiKey"
	FromBasic       = "basic"
	FromCookies     = "cookies"
	FromLoginCookie = "login cookie"
	FromHeaders     = "headers"
)

// Use is one scheme served by one of the user's credentials.
type Use struct {
	Scheme spec.Scheme
	// From names the credential: one of the From* constants.
	From string
}

// String says what serves the scheme, for plans.
func (u Use) String() string {
	if u.Scheme.Name == "" {
		return u.From + " (the spec declares no security)"
	}
	return u.From + " as " + u.Scheme.String()
}

// Choose picks the first alternative h can satisfy whole, and how each of
// its schemes is served. With no alternatives (a document that declares no
// security, or a public operation) it takes the token, else basic: what the
// harness always did. ok is false when no alternative can be satisfied.
func (h Holdings) Choose(alts []spec.Requirement) (uses []Use, ok bool) {
	if len(alts) == 0 {
		switch {
		case h.Bearer:
			return []Use{{Scheme: spec.Scheme{Kind: spec.KindBearer}, From: h.tokenName()}}, true
		case h.Basic:
			return []Use{{Scheme: spec.Scheme{Kind: spec.KindBasic}, From: FromBasic}}, true
		}
		return nil, true
	}
	for _, req := range alts {
		if uses, ok := h.satisfy(req); ok {
			return uses, true
		}
	}
	return nil, false
}

// satisfy serves every scheme of one requirement; the apiKey value serves
// one scheme at most (an API that asks for a client id and a secret wants
// two different values).
func (h Holdings) satisfy(req spec.Requirement) ([]Use, bool) {
	apiKeyFree := h.APIKey
	uses := make([]Use, 0, len(req))
	for _, s := range req {
		from := h.serve(s, &apiKeyFree)
		if from == "" {
			return nil, false
		}
		uses = append(uses, Use{Scheme: s, From: from})
	}
	return uses, true
}

// serve names the credential that serves s, or "".
func (h Holdings) serve(s spec.Scheme, apiKeyFree *bool) string {
	takeKey := func() string {
		if *apiKeyFree {
			*apiKeyFree = false
			return FromAPIKey
		}
		return ""
	}
	switch s.Kind {
	case spec.KindBearer:
		if h.LoginToken && h.LoginPath != "" && s.ServesTokenURL(h.LoginPath) {
			return FromTokenURL
		}
		if h.Bearer {
			return h.tokenName()
		}
	case spec.KindBasic:
		if h.Basic {
			return FromBasic
		}
	case spec.KindAPIKey:
		switch s.In {
		case "header":
			if h.Headers[http.CanonicalHeaderKey(s.Param)] {
				return FromHeaders
			}
			if strings.EqualFold(s.Param, "Authorization") && h.Bearer && !h.APIKey {
				// Swagger 2.0 has no bearer type; such specs declare an
				// apiKey in the Authorization header for the Bearer token.
				return h.tokenName()
			}
			return takeKey()
		case "cookie":
			switch {
			case h.Cookies[s.Param]:
				return FromCookies
			case h.LoginCookies[s.Param], h.AnyCookie:
				return FromLoginCookie
			}
			return takeKey()
		case "query":
			return takeKey()
		}
	}
	return ""
}

// tokenName says where the Bearer token comes from.
func (h Holdings) tokenName() string {
	if h.LoginToken {
		return FromLoginToken
	}
	return FromToken
}

// Describe lists what h holds, by kind, for reasons such as "alice has
// basic".
func (h Holdings) Describe() string {
	var have []string
	if h.Bearer {
		have = append(have, h.tokenName())
	}
	if h.APIKey {
		have = append(have, "apiKey")
	}
	if h.Basic {
		have = append(have, "basic")
	}
	for _, m := range []struct {
		kind  string
		names map[string]bool
	}{{"cookie", h.Cookies}, {"login cookie", h.LoginCookies}, {"header", h.Headers}} {
		for _, n := range sortedKeys(m.names) {
			have = append(have, fmt.Sprintf("%s %s", m.kind, n))
		}
	}
	if h.AnyCookie {
		have = append(have, "a cookie-session login")
	}
	if len(have) == 0 {
		return "no credential"
	}
	return strings.Join(have, ", ")
}

// CredentialFix says which user key serves s, for skip reasons and errors.
func CredentialFix(s spec.Scheme) string {
	switch s.Kind {
	case spec.KindBearer:
		return "give users token (or a login with token:)"
	case spec.KindBasic:
		return "give users basic: {username, password}"
	case spec.KindAPIKey:
		switch s.In {
		case "cookie":
			return fmt.Sprintf("give users apiKey, cookies: {%s: ...}, or a login that sets %s", s.Param, s.Param)
		case "header":
			return fmt.Sprintf("give users apiKey, or headers: {%s: ...}", s.Param)
		}
		return "give users apiKey"
	}
	return "the harness cannot send this scheme"
}

// sortedKeys lists a set's members in order.
func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// CheckSchemes refuses a user credential that no scheme of sp can take (an
// apiKey where the spec defines only http basic): the user would be sent
// without it and every case would end without a verdict. A spec that
// defines no schemes takes a token or basic (what the harness always sent)
// but has nowhere to put an apiKey.
func (c *Config) CheckSchemes(sp *spec.Spec) error {
	var kinds []string
	has := map[string]bool{}
	for _, s := range sp.Schemes() {
		kinds = append(kinds, s.String())
		has[s.Kind] = true
	}
	defined := "none"
	if len(kinds) > 0 {
		defined = strings.Join(kinds, ", ")
	}
	for i, u := range c.Users {
		key := fmt.Sprintf("users[%d]", i)
		switch {
		case !u.APIKey.IsZero() && !has[spec.KindAPIKey]:
			return c.errf(key+".apiKey", "%s has apiKey but %s defines no apiKey scheme (it defines %s); give the credential those schemes take, or remove apiKey", u.Name, sp.File, defined)
		case u.Basic != nil && len(kinds) > 0 && !has[spec.KindBasic]:
			return c.errf(key+".basic", "%s has basic but %s defines no http basic scheme (it defines %s); give the credential those schemes take, or remove basic", u.Name, sp.File, defined)
		}
	}
	return nil
}
