package mutate

import (
	"encoding/json"

	"github.com/bolaharness/bolaharness/harness/internal/sortedkeys"

	"github.com/bolaharness/bolaharness/harness/spec"

	"github.com/getkin/kin-openapi/openapi3"
)

// The JSON body a request starts from, when the operation takes one: the
// spec's example for the media type or its schema, or an object built from
// the properties' examples, defaults and enums, with placeholders for the
// required properties that have none. Id fields are then set per case.

// maxSynthDepth bounds how deep a body is built from nested schemas.
const maxSynthDepth = 3

// bodyPlaceholder is the text a required string field without example
// gets: harmless and easy to find in a server's logs.
const BodyPlaceholder = "bolaharness"

// exampleBody is the body op's requests start from, and whether op takes a
// JSON body at all.
func ExampleBody(op spec.Operation) (any, bool) {
	mt := spec.RequestJSONMedia(op)
	if mt == nil {
		return nil, false
	}
	var raw any
	switch {
	case mt.Example != nil:
		raw = mt.Example
	case firstMediaExample(mt) != nil:
		raw = firstMediaExample(mt)
	case mt.Schema != nil && mt.Schema.Value != nil && mt.Schema.Value.Example != nil:
		raw = mt.Schema.Value.Example
	case mt.Schema != nil && mt.Schema.Value != nil:
		raw = synthValue(mt.Schema.Value, true, 0)
	default:
		return map[string]any{}, true
	}
	return normalizeJSON(raw), true
}

// firstMediaExample is the first named example's value, by name.
func firstMediaExample(mt *openapi3.MediaType) any {
	for _, name := range sortedkeys.Of(mt.Examples) {
		if ex := mt.Examples[name]; ex != nil && ex.Value != nil && ex.Value.Value != nil {
			return ex.Value.Value
		}
	}
	return nil
}

// normalizeJSON turns a value kin-openapi decoded (float64 numbers) into
// the form bodies are built in (json.Number), through a JSON round trip.
func normalizeJSON(v any) any {
	data, err := json.Marshal(v)
	if err != nil {
		return map[string]any{}
	}
	doc, err := ReadJSONDoc(data)
	if err != nil {
		return map[string]any{}
	}
	return doc
}

// synthValue builds a value for schema s: its example, default or first
// enum value, else (when required) a placeholder of its type; nil when an
// optional property has nothing to offer.
func synthValue(s *openapi3.Schema, required bool, depth int) any {
	switch {
	case s.Example != nil:
		return s.Example
	case s.Default != nil:
		return s.Default
	case len(s.Enum) > 0:
		return s.Enum[0]
	}
	props, req := spec.ObjectProperties(s)
	if len(props) > 0 || (s.Type != nil && s.Type.Is(openapi3.TypeObject)) {
		if depth >= maxSynthDepth {
			return map[string]any{}
		}
		out := map[string]any{}
		for _, k := range sortedkeys.Of(props) {
			if props[k].ReadOnly {
				continue
			}
			if v := synthValue(props[k], req[k], depth+1); v != nil {
				out[k] = v
			}
		}
		if len(out) == 0 && !required {
			return nil // an optional object with nothing in it says nothing
		}
		return out
	}
	if !required {
		return nil
	}
	switch {
	case s.Type == nil, s.Type.Is(openapi3.TypeString):
		return BodyPlaceholder
	case s.Type.Is(openapi3.TypeInteger), s.Type.Is(openapi3.TypeNumber):
		return 1
	case s.Type.Is(openapi3.TypeBoolean):
		return false
	case s.Type.Is(openapi3.TypeArray):
		return []any{}
	}
	return BodyPlaceholder
}

// removePointer deletes the value at ptr from doc, if it is there.
func RemovePointer(doc any, ptr string) any {
	tokens := spec.PointerTokens(ptr)
	cur, ok := doc.(map[string]any)
	for i, tok := range tokens {
		if !ok {
			return doc
		}
		if i == len(tokens)-1 {
			delete(cur, tok)
			break
		}
		cur, ok = cur[tok].(map[string]any)
	}
	return doc
}
