package spec

import (
	"sort"
	"strings"

	"github.com/bolaharness/bolaharness/harness/internal/sortedkeys"

	"github.com/getkin/kin-openapi/openapi3"
)

// Ids outside the path: query parameters, headers and JSON request-body
// fields. They are scored like path parameters (idparam.go), with one more
// signal that only makes sense outside the path: a name that refers to an
// owner (`user_id`, `owner`, `username`, `X-Account-Id`, `created_by`),
// since there the owner reference is what the handler looks the data up by.
// A body field's parameter name is its JSON pointer (`/owner_id`,
// `/filter/user_id`), so that reports can say exactly where it is.

// InBody is the Param.In of a JSON request-body field.
const InBody = "body"

// DetectPlaceIDs returns every id parameter of op wherever it travels: path
// parameters first in path order, then query parameters and headers in the
// order the spec lists them, then JSON request-body fields by pointer.
func DetectPlaceIDs(op Operation, ownsKeys map[string]bool) []IDParam {
	out := DetectIDParamsIn(op, ownsKeys, openapi3.ParameterInPath, openapi3.ParameterInQuery, openapi3.ParameterInHeader)
	return append(out, DetectBodyIDParams(op, ownsKeys)...)
}

// maxBodyDepth is how deep body detection walks nested objects: the ids a
// handler looks up sit at the top or one level down ({"filter": {"owner_id": 2}}).
const maxBodyDepth = 2

// DetectBodyIDParams returns the fields of op's JSON request body taken for
// object ids, each named by its JSON pointer, in pointer order. ownsKeys
// may name a field by pointer ("/owner_id") or by its key ("owner_id").
// Read-only fields, arrays and objects are never ids.
func DetectBodyIDParams(op Operation, ownsKeys map[string]bool) []IDParam {
	schema := RequestJSONSchema(op)
	if schema == nil {
		return nil
	}
	var out []IDParam
	walkBodyFields(schema, "", 0, func(ptr, key string, prop *openapi3.Schema, required bool) {
		p := Param{Name: key, In: InBody, Required: required, Schema: prop, Examples: schemaExamples(prop)}
		keys := ownsKeys
		if ownsKeys[ptr] {
			keys = map[string]bool{key: true}
		}
		if reasons, ok := ClassifyParam(p, nil, keys); ok {
			p.Name = ptr
			out = append(out, IDParam{Param: p, Reasons: reasons})
		}
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// walkBodyFields calls f for every scalar field of an object schema, down
// to maxBodyDepth levels of nested objects, allOf parts merged.
func walkBodyFields(s *openapi3.Schema, prefix string, depth int, f func(ptr, key string, prop *openapi3.Schema, required bool)) {
	props, required := ObjectProperties(s)
	for _, key := range sortedkeys.Of(props) {
		prop := props[key]
		if prop == nil || prop.ReadOnly {
			continue
		}
		ptr := prefix + "/" + pointerToken(key)
		switch {
		case prop.Type != nil && prop.Type.Is(openapi3.TypeObject), len(prop.Properties) > 0:
			if depth+1 < maxBodyDepth {
				walkBodyFields(prop, ptr, depth+1, f)
			}
		case prop.Type != nil && prop.Type.Is(openapi3.TypeArray):
			// A list of ids is a filter, not the object's key.
		default:
			f(ptr, key, prop, required[key])
		}
	}
}

// objectProperties are an object schema's properties and required names,
// with allOf parts merged (a common way to extend a base schema).
func ObjectProperties(s *openapi3.Schema) (map[string]*openapi3.Schema, map[string]bool) {
	props := map[string]*openapi3.Schema{}
	required := map[string]bool{}
	var add func(s *openapi3.Schema, depth int)
	add = func(s *openapi3.Schema, depth int) {
		if s == nil || depth > 4 {
			return
		}
		for k, ref := range s.Properties {
			if ref != nil && ref.Value != nil {
				props[k] = ref.Value
			}
		}
		for _, r := range s.Required {
			required[r] = true
		}
		for _, part := range s.AllOf {
			if part != nil {
				add(part.Value, depth+1)
			}
		}
	}
	add(s, 0)
	return props, required
}

// requestJSONSchema is the schema of op's JSON request body, or nil.
func RequestJSONSchema(op Operation) *openapi3.Schema {
	mt := RequestJSONMedia(op)
	if mt == nil || mt.Schema == nil {
		return nil
	}
	return mt.Schema.Value
}

// requestJSONMedia is op's JSON request media type (application/json, a
// +json type, or the first type that mentions json), or nil.
func RequestJSONMedia(op Operation) *openapi3.MediaType {
	if op.Raw == nil || op.Raw.RequestBody == nil || op.Raw.RequestBody.Value == nil {
		return nil
	}
	content := op.Raw.RequestBody.Value.Content
	if mt := content.Get(JsonContentType); mt != nil {
		return mt
	}
	for _, name := range sortedkeys.Of(content) {
		if strings.Contains(strings.ToLower(name), "json") {
			return content[name]
		}
	}
	return nil
}

// schemaExamples are a schema's example values as text.
func schemaExamples(s *openapi3.Schema) []string {
	if s == nil {
		return nil
	}
	var out []string
	for _, v := range append([]any{s.Example}, s.Examples...) {
		if t, ok := exampleText(v); ok {
			out = append(out, t)
		}
	}
	return out
}

// pointerToken escapes one key for a JSON pointer (RFC 6901).
func pointerToken(key string) string {
	return strings.ReplaceAll(strings.ReplaceAll(key, "~", "~0"), "/", "~1")
}

// ParamTestName is an id parameter's subtest name: its name, or for a body
// field its JSON pointer with "/" written "~1" (and "~" as "~0", as inside
// a pointer token), since t.Run would split the name at "/".
func ParamTestName(p IDParam) string {
	if p.In == InBody {
		return pointerToken(p.Name)
	}
	return p.Name
}

// AddedParamName is the query parameter the harness adds to a GET
// collection that lists no id of its own: `GET /messages?user_id=2`. A
// handler that scopes the collection by the caller may still honour an
// owner filter that an admin tool or an older client used.
const AddedParamName = "user_id"

// isAdded reports whether p is a parameter the harness added to op, which
// the spec does not list.
func IsAdded(op Operation, p IDParam) bool {
	if p.In != openapi3.ParameterInQuery || p.Name != AddedParamName {
		return false
	}
	for _, q := range op.Params {
		if q.Name == p.Name && q.In == p.In {
			return false
		}
	}
	return true
}

// jsonContentType is the Content-Type of the JSON bodies the harness builds.
const JsonContentType = "application/json"
