package spec

import (
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Scheme kinds, as Scheme.Kind names them: the ways a credential travels.
const (
	// KindBearer is http bearer, oauth2 and openIdConnect: a token in
	// "Authorization: Bearer".
	KindBearer = "bearer"
	// KindBasic is http basic: a username and password.
	KindBasic = "basic"
	// KindAPIKey is an apiKey in a header, the query string or a cookie.
	KindAPIKey = "apiKey"
	// KindUnknown is a scheme the harness cannot serve (mutualTLS, http
	// digest, an undefined name): an alternative that needs one is never
	// chosen.
	KindUnknown = "unknown"
)

// Scheme is one security scheme of the document, reduced to where its
// credential goes. Swagger 2.0's securityDefinitions arrive here too, since
// openapi2conv turns them into OpenAPI 3 securitySchemes.
type Scheme struct {
	// Name is the scheme's key in components.securitySchemes.
	Name string
	// Kind is KindBearer, KindBasic, KindAPIKey or KindUnknown.
	Kind string
	// In and Param say where an apiKey goes: header, query or cookie, and
	// the header, query parameter or cookie name.
	In, Param string
	// TokenURLs are an oauth2 scheme's flows' tokenUrl values, so a login
	// whose operation is one of them is known to serve the scheme.
	TokenURLs []string
	// Why says, for KindUnknown, what the scheme is ("http digest",
	// "undefined").
	Why string
}

// String describes the scheme for plans and skip reasons.
func (s Scheme) String() string {
	switch s.Kind {
	case KindAPIKey:
		return fmt.Sprintf("apiKey %q in %s %q", s.Name, s.In, s.Param)
	case KindBasic:
		return fmt.Sprintf("http basic %q", s.Name)
	case KindBearer:
		return fmt.Sprintf("bearer %q", s.Name)
	default:
		return fmt.Sprintf("%s scheme %q", s.Why, s.Name)
	}
}

// ServesTokenURL reports whether path (a login's path) is one of the
// scheme's token URLs; a token URL may be absolute or relative to the server.
func (s Scheme) ServesTokenURL(path string) bool {
	for _, t := range s.TokenURLs {
		u, err := url.Parse(t)
		if err != nil {
			continue
		}
		if p := strings.TrimRight(u.Path, "/"); p != "" && (p == strings.TrimRight(path, "/") || strings.HasSuffix(strings.TrimRight(path, "/"), p)) {
			return true
		}
	}
	return false
}

// Requirement is one security alternative: every scheme in it is needed at
// once (the keys of one object in an OpenAPI `security` list), sorted by name.
type Requirement []Scheme

// String joins the schemes with " and ".
func (r Requirement) String() string {
	parts := make([]string, len(r))
	for i, s := range r {
		parts[i] = s.String()
	}
	return strings.Join(parts, " and ")
}

// Servable reports whether the harness knows how to send every scheme of
// the requirement (none is KindUnknown).
func (r Requirement) Servable() bool {
	for _, s := range r {
		if s.Kind == KindUnknown {
			return false
		}
	}
	return true
}

// schemeOf reduces the named scheme of the document.
func schemeOf(doc *openapi3.T, name string) Scheme {
	s := Scheme{Name: name, Kind: KindUnknown, Why: "undefined"}
	var v *openapi3.SecurityScheme
	if doc.Components != nil {
		if ref := doc.Components.SecuritySchemes[name]; ref != nil {
			v = ref.Value
		}
	}
	if v == nil {
		return s
	}
	s.Why = v.Type
	switch strings.ToLower(v.Type) {
	case "http":
		s.Why = "http " + strings.ToLower(v.Scheme)
		switch strings.ToLower(v.Scheme) {
		case "bearer":
			s.Kind = KindBearer
		case "basic":
			s.Kind = KindBasic
		}
	case "oauth2":
		s.Kind = KindBearer
		s.TokenURLs = tokenURLs(v.Flows)
	case "openidconnect":
		s.Kind = KindBearer
	case "apikey":
		in := strings.ToLower(v.In)
		if (in == "header" || in == "query" || in == "cookie") && v.Name != "" {
			s.Kind, s.In, s.Param = KindAPIKey, in, v.Name
		} else {
			s.Why = fmt.Sprintf("apiKey in %q named %q", v.In, v.Name)
		}
	}
	return s
}

// tokenURLs lists the token URLs of an oauth2 scheme's flows.
func tokenURLs(f *openapi3.OAuthFlows) []string {
	if f == nil {
		return nil
	}
	var out []string
	for _, flow := range []*openapi3.OAuthFlow{f.Password, f.ClientCredentials, f.AuthorizationCode, f.Implicit} {
		if flow != nil && flow.TokenURL != "" {
			out = append(out, flow.TokenURL)
		}
	}
	return out
}

// alternatives reduces a security requirement list, in the document's order.
func alternatives(doc *openapi3.T, reqs openapi3.SecurityRequirements) []Requirement {
	var out []Requirement
	for _, r := range reqs {
		if len(r) == 0 {
			continue
		}
		req := make(Requirement, 0, len(r))
		for _, name := range sortedSchemeNames(r) {
			req = append(req, schemeOf(doc, name))
		}
		out = append(out, req)
	}
	return out
}

// AlternativesFor finds the security alternatives of the operation that
// serves method and path (a request path relative to the server, as sent),
// matching path templates segment by segment. A path that matches no
// operation (a mutated or alternate route) gets the document's own
// security, which is what most such routes share.
func (s *Spec) AlternativesFor(method, path string) []Requirement {
	if op, ok := s.Match(method, path); ok {
		return op.Alternatives
	}
	if s.Doc == nil {
		return nil
	}
	return alternatives(s.Doc, s.Doc.Security)
}

// Match finds the operation whose method and path template fit a request
// path; a literal segment beats a {parameter} where both fit.
func (s *Spec) Match(method, path string) (Operation, bool) {
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	segs := strings.Split(strings.Trim(path, "/"), "/")
	best, bestScore := -1, -1
	for i, op := range s.Operations {
		if op.Method != method {
			continue
		}
		if score, ok := matchTemplate(op.Path, segs); ok && score > bestScore {
			best, bestScore = i, score
		}
	}
	if best < 0 {
		return Operation{}, false
	}
	return s.Operations[best], true
}

// matchTemplate reports whether segs fit template, and how many literal
// segments matched (the more, the better the fit).
func matchTemplate(template string, segs []string) (int, bool) {
	tsegs := strings.Split(strings.Trim(template, "/"), "/")
	if len(tsegs) != len(segs) {
		return 0, false
	}
	score := 0
	for i, t := range tsegs {
		switch {
		case strings.HasPrefix(t, "{") && strings.HasSuffix(t, "}"):
			if segs[i] == "" {
				return 0, false
			}
		case t == segs[i]:
			score++
		default:
			return 0, false
		}
	}
	return score, true
}

// Schemes lists every scheme the document defines, sorted by name.
func (s *Spec) Schemes() []Scheme {
	if s.Doc == nil || s.Doc.Components == nil {
		return nil
	}
	names := make([]string, 0, len(s.Doc.Components.SecuritySchemes))
	for n := range s.Doc.Components.SecuritySchemes {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]Scheme, len(names))
	for i, n := range names {
		out[i] = schemeOf(s.Doc, n)
	}
	return out
}

// Servable reports whether the harness can send some alternative of op
// (each of its schemes is one it knows), or op needs none: public, or in a
// document that declares no security.
func (o Operation) Servable() bool {
	if len(o.Alternatives) == 0 {
		return o.Security != SecurityOther
	}
	for _, r := range o.Alternatives {
		if r.Servable() {
			return true
		}
	}
	return false
}
