package mutate

import (
	"encoding/json"
	"strings"

	"github.com/bolaharness/bolaharness/harness/spec"
	"github.com/bolaharness/bolaharness/harness/words"

	"github.com/getkin/kin-openapi/openapi3"
)

// Write bodies. A PUT or PATCH starts from the owner's current object (its
// read-back, unwrapped from an envelope and cut to the fields the request
// schema lists) with one harmless text field set to a marker, so that the
// write changes as little as possible and its landing is unmistakable. A
// POST starts from the schema's examples. Restores write the owner's old
// values back the same way.

// harmlessFields are text fields a marker may go to, most preferred first:
// free text that no authorization, routing or billing depends on.
var harmlessFields = []string{"title", "name", "description", "note", "notes", "bio", "label", "comment",
	"summary", "subject", "memo", "nickname", "displayname", "headline", "caption", "text", "body", "content", "signature"}

// unsafeMarkerWords are words of field names a marker must never touch.
var unsafeMarkerWords = words.WordSet("password", "token", "secret", "email", "status", "type", "role", "roles",
	"url", "uri", "href", "link", "state", "currency", "locale", "lang", "language", "timezone", "tz", "phone",
	"kind", "scope", "scopes", "permission", "permissions", "key", "hash", "salt", "otp", "code", "iban", "card")

// envelopeKeys hold the object in an answer shaped {"data": {...}}.
var EnvelopeKeys = []string{"data", "result", "item", "object", "resource", "attributes"}

// writeSchema is the request body schema of op, or nil.
func WriteSchema(op spec.Operation) *openapi3.Schema { return spec.RequestJSONSchema(op) }

// unwrapObject finds the object a write takes inside a read-back: the
// answer itself when it shares a key with the request schema (or the
// schema lists none), else the object under an envelope key that does.
func UnwrapObject(doc any, props map[string]*openapi3.Schema) (map[string]any, bool) {
	obj, ok := doc.(map[string]any)
	if !ok {
		return nil, false
	}
	if len(props) == 0 || sharesKey(obj, props) {
		return obj, true
	}
	for _, k := range EnvelopeKeys {
		if inner, ok := obj[k].(map[string]any); ok {
			if found, ok := UnwrapObject(inner, props); ok {
				return found, true
			}
		}
	}
	if len(obj) == 1 {
		for _, v := range obj {
			if inner, ok := v.(map[string]any); ok && sharesKey(inner, props) {
				return inner, true
			}
		}
	}
	return nil, false
}

func sharesKey(obj map[string]any, props map[string]*openapi3.Schema) bool {
	for k := range obj {
		if props[k] != nil {
			return true
		}
	}
	return false
}

// writable keeps the fields of obj a write may send: those the schema lists
// and does not mark read-only (all of them when it lists none).
func Writable(obj map[string]any, props map[string]*openapi3.Schema) map[string]any {
	out := map[string]any{}
	for k, v := range obj {
		if len(props) == 0 || (props[k] != nil && !props[k].ReadOnly) {
			out[k] = CloneJSON(v)
		}
	}
	return out
}

// markerField picks the top-level text field of obj (or of the schema) that
// a marker may overwrite, or "" when there is none.
func MarkerField(obj map[string]any, props map[string]*openapi3.Schema, ids []spec.IDParam) string {
	var cands []string
	for k, v := range obj {
		if _, isText := v.(string); isText && markerSafe(k, props[k], ids) {
			cands = append(cands, k)
		}
	}
	for k, s := range props {
		if _, in := obj[k]; !in && s.Type != nil && s.Type.Is(openapi3.TypeString) && markerSafe(k, s, ids) {
			cands = append(cands, k)
		}
	}
	if len(cands) == 0 {
		return ""
	}
	for _, want := range harmlessFields {
		for _, k := range cands {
			if strings.Join(words.NameWords(k), "") == want {
				return k
			}
		}
	}
	best := cands[0]
	for _, k := range cands[1:] {
		if k < best {
			best = k
		}
	}
	return best
}

// markerSafe is a text field no id, owner, enum, format or sensitive word
// makes risky to overwrite.
func markerSafe(key string, s *openapi3.Schema, ids []spec.IDParam) bool {
	for _, p := range ids {
		if p.In == spec.InBody && spec.LastToken(p) == key {
			return false
		}
	}
	if s != nil && (s.ReadOnly || len(s.Enum) > 0 || s.Format != "" || (s.Type != nil && !s.Type.Is(openapi3.TypeString))) {
		return false
	}
	if words.OwnerLikeName(key) || words.OwnerLikeKey(key) {
		return false
	}
	if _, isID := spec.ClassifyParam(spec.Param{Name: key, In: spec.InBody, Schema: s}, nil, nil); isID {
		return false
	}
	for _, w := range words.NameWords(key) {
		if unsafeMarkerWords[w] {
			return false
		}
	}
	return true
}

// jsonEqual compares two decoded JSON values by their encoding.
func JsonEqual(a, b any) bool {
	x, errA := json.Marshal(a)
	y, errB := json.Marshal(b)
	return errA == nil && errB == nil && string(x) == string(y)
}
