package spec

import (
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Security says how an operation is protected, as far as the spec tells.
type Security int

const (
	// SecurityBearer means the effective security requirement carries a Bearer
	// token (http bearer, oauth2, openIdConnect, or an apiKey in the
	// Authorization header).
	SecurityBearer Security = iota
	// SecurityAssumed means the document declares no security anywhere; the
	// operation is taken as protected by the config's tokens, with a warning.
	SecurityAssumed
	// SecurityPublic means the document declares security elsewhere but not
	// for this operation, or declares an empty list for it.
	SecurityPublic
	// SecurityOther means the operation requires a scheme that is not a Bearer
	// token (basic auth, an API key in a query string or another header).
	SecurityOther
)

// String names the security state for plans and reports.
func (s Security) String() string {
	switch s {
	case SecurityBearer:
		return "bearer"
	case SecurityAssumed:
		return "assumed"
	case SecurityPublic:
		return "public"
	default:
		return "other"
	}
}

// Origin is a place in a spec file, for reports that link back to the spec.
type Origin struct {
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
}

// Param is one parameter of an operation after path-item and operation
// parameters were merged (the operation's own wins on name and location).
type Param struct {
	Name     string
	In       string // path, query, header, cookie
	Required bool
	Schema   *openapi3.Schema // nil when the spec gives none
	Examples []string         // example values from the spec, as text
}

// Operation is one method on one path of the spec.
type Operation struct {
	Method   string // upper case
	Path     string // the path template exactly as the spec writes it
	ID       string // operationId, may be empty
	Params   []Param
	Security Security
	// SecurityWhy explains Security in words, for plans and skips.
	SecurityWhy string
	// Alternatives are the security requirements that admit a caller, in
	// the document's order: any one of them is enough. Nil for a public
	// operation and where the document declares no security.
	Alternatives []Requirement
	Origin       Origin
	// Raw is kin-openapi's operation, for response schemas and links.
	Raw *openapi3.Operation
}

// Key is the operation as reports name it: the upper-case method, one space,
// and the path template as the spec writes it.
func (o Operation) Key() string { return o.Method + " " + o.Path }

// TestName is the operation's subtest name: the operationId, or the method and
// path with slashes turned into underscores.
func (o Operation) TestName() string {
	if o.ID != "" {
		return o.ID
	}
	return o.Method + strings.ReplaceAll(o.Path, "/", "_")
}

// IDParam is a parameter taken for an object id, with the reasons why.
type IDParam struct {
	Param
	Reasons []string
	// Scope is, for a path id, the path template up to and including the
	// parameter ("/orders/{id}" in "/orders/{id}/items/{item}"): an owns key
	// that gives ids to this parameter of this path alone, for APIs that
	// name every id {id}.
	Scope string
}

// ScopeOf is the owns key that scopes ids to parameter name of path: the
// template up to and including {name}, or "" when name is not in the path.
func ScopeOf(path, name string) string {
	i := strings.Index(path, "{"+name+"}")
	if i < 0 {
		return ""
	}
	return path[:i+len(name)+2]
}
