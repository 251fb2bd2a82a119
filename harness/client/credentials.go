package client

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/spec"
)

// Credentials on the wire: the spec's security alternatives for the
// request's operation, the first one the user can satisfy (config
// Holdings.Choose), and the user's headers, cookies and CSRF token. The
// request the engine built never carries a credential; each attempt gets
// them afresh, so a fresh login's session replaces the old one.

// cred is one credential as it goes on the wire and as a curl line names it.
type cred struct {
	// kind is "header", "cookie", "query" or "basic".
	kind string
	// name is the header, cookie or query parameter name; for basic, the
	// username.
	name string
	// value is what is sent (for basic, the password).
	value string
	// shown is how a curl line writes the value: "$ALICE_KEY", "Bearer
	// $ALICE_TOKEN", or the value itself for a header that is no secret.
	shown string
	// secret is false only for a header that is no credential (X-Tenant).
	secret bool
}

// unsafeMethods are those a CSRF check guards.
var unsafeMethods = map[string]bool{"POST": true, "PUT": true, "PATCH": true, "DELETE": true}

// securityIndex maps "METHOD /path" to the operation's alternatives, for
// requests whose ctx names their operation (WithOperation).
func securityIndex(sp *spec.Spec) map[string][]spec.Requirement {
	if sp == nil {
		return nil
	}
	out := make(map[string][]spec.Requirement, len(sp.Operations))
	for _, op := range sp.Operations {
		out[op.Key()] = op.Alternatives
	}
	return out
}

// alternativesFor is the security of the operation a request serves: the
// one ctx names, else the one whose template fits the path (below the base
// URL's path), else the document's. Without a spec there is none, and the
// user's token (or basic) goes as the harness always sent it.
func (c *Client) alternativesFor(ctx context.Context, method string, u *url.URL) []spec.Requirement {
	if c.spec == nil {
		return nil
	}
	if alts, ok := c.byOp[operationOf(ctx)]; ok {
		return alts
	}
	path := strings.TrimPrefix(u.EscapedPath(), c.basePath)
	return c.spec.AlternativesFor(method, path)
}

// holdingsNow is what u holds with session s: the login's cookies are
// known by name once it ran.
func holdingsNow(u *config.User, s session) config.Holdings {
	h := u.Holdings()
	if u.Login != nil && s.gen > 0 {
		h.AnyCookie = false
		h.LoginCookies = map[string]bool{}
		for _, ck := range s.cookies {
			h.LoginCookies[ck.Name] = true
		}
		h.Bearer = s.token != ""
	}
	return h
}

// credentials lists what u sends for a request with method to target,
// with session s.
func (c *Client) credentials(ctx context.Context, method string, target *url.URL, u *config.User, s session) []cred {
	if u == nil {
		return nil
	}
	uses, _ := holdingsNow(u, s).Choose(c.alternativesFor(ctx, method, target))
	// Sized for the common case, one credential per scheme used and the
	// user's own headers and cookies: growing it cost an allocation per
	// request.
	out := make([]cred, 0, len(uses)+len(u.Headers)+len(u.Cookies)+len(s.cookies))
	for _, h := range u.Headers {
		shown := h.Value.Reveal()
		if h.Secret {
			shown = "$" + u.Var("header:"+h.Name)
		}
		out = append(out, cred{kind: "header", name: h.Name, value: h.Value.Reveal(), shown: shown, secret: h.Secret})
	}
	for _, use := range uses {
		if cr, ok := c.serve(use, u, s); ok {
			out = append(out, cr)
		}
	}
	for _, ck := range u.Cookies {
		out = append(out, cred{kind: "cookie", name: ck.Name, value: ck.Value.Reveal(), shown: "$" + u.Var("cookie:"+ck.Name), secret: true})
	}
	for _, ck := range s.cookies {
		out = append(out, cred{kind: "cookie", name: ck.Name, value: ck.Value, shown: "$" + config.VarFor(u.Name, ck.Name), secret: true})
	}
	if cs := loginCSRF(u); cs != nil && s.csrf != "" && unsafeMethods[method] {
		shown := "$" + config.VarFor(u.Name, "CSRF")
		if cs.Cookie != "" {
			shown = "$" + config.VarFor(u.Name, cs.Cookie)
		}
		out = append(out, cred{kind: "header", name: cs.Header, value: s.csrf, shown: shown, secret: true})
	}
	if check := authCheckOf(ctx); check != "" {
		out, _ = forge(check, out) // Forgeable told the caller whether anything was forged
	}
	return out
}

// loginCSRF is u's login's CSRF setting, or nil.
func loginCSRF(u *config.User) *config.CSRF {
	if u.Login == nil {
		return nil
	}
	return u.Login.CSRF
}

// serve is what one chosen scheme adds, if anything; headers and cookies
// the user gives by name are sent anyway, so they add nothing here.
func (c *Client) serve(use config.Use, u *config.User, s session) (cred, bool) {
	sc := use.Scheme
	switch use.From {
	case config.FromToken, config.FromLoginToken, config.FromTokenURL:
		token := s.token
		if token == "" {
			token = u.Token.Reveal()
		}
		return cred{kind: "header", name: "Authorization", value: "Bearer " + token, shown: "Bearer $" + u.TokenVar, secret: true}, true
	case config.FromBasic:
		return cred{kind: "basic", name: u.Basic.Username, value: u.Basic.Password.Reveal(), shown: "$" + u.Var("password"), secret: true}, true
	case config.FromAPIKey:
		kind := sc.In
		if kind == "" {
			kind = "header"
		}
		return cred{kind: kind, name: sc.Param, value: u.APIKey.Reveal(), shown: "$" + u.Var("apiKey"), secret: true}, true
	}
	return cred{}, false
}

// authorize puts creds on req, which is this attempt's own shallow copy:
// headers are set (or removed) afresh, and a query key goes on a copy of
// the URL, so the request the engine built, and the URL every report
// quotes, never carry it.
func authorize(req *http.Request, creds []cred) {
	req.Header.Del("Authorization")
	req.Header.Del("Cookie")
	var cookies, query []string
	for _, cr := range creds {
		switch cr.kind {
		case "header":
			req.Header.Set(cr.name, cr.value)
		case "basic":
			req.SetBasicAuth(cr.name, cr.value)
		case "cookie":
			cookies = append(cookies, cr.name+"="+cr.value)
		case "query":
			query = append(query, url.QueryEscape(cr.name)+"="+url.QueryEscape(cr.value))
		}
	}
	if len(cookies) > 0 {
		req.Header.Set("Cookie", strings.Join(cookies, "; "))
	}
	if len(query) > 0 {
		u := *req.URL
		if u.RawQuery != "" {
			query = append([]string{u.RawQuery}, query...)
		}
		u.RawQuery, u.ForceQuery = strings.Join(query, "&"), false
		req.URL = &u
	}
}
