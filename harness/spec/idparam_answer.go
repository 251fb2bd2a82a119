package spec

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/bolaharness/bolaharness/harness/internal/sortedkeys"
	"github.com/bolaharness/bolaharness/harness/words"

	"github.com/getkin/kin-openapi/openapi3"
)

// The answer signal: a path parameter of an item GET whose answer is an
// object carrying a field of the same name is the object's key. It names
// natural keys that neither a name nor a position gives away — `{name}` in
// `/@{name}` (half a segment), `{title}` after a version segment — when the
// GET returns `{"name": ..., ...}`: the value in the URL is the value in
// the object. It weighs as a position does (primary, 2), and denied names
// (dates, formats, enumeration-like names) stay denied.

// answerWrappers are the envelope properties an item's fields may sit in
// ({"data": {"name": ...}}).
var answerWrappers = []string{"data", "item", "result", "object", "resource"}

// answerField is the field of op's answer named like param (its words
// equal: `user_name` ↔ `userName`), or "" when op is not a GET of one object
// or its answer carries no such field.
func answerField(op Operation, param string) string {
	if op.Method != http.MethodGet {
		return ""
	}
	obj := answerObject(op)
	if obj == nil {
		return ""
	}
	want := strings.Join(words.NameWords(param), "_")
	if want == "" {
		return ""
	}
	props, _ := ObjectProperties(obj)
	if f := fieldNamed(props, want); f != "" {
		return f
	}
	for _, w := range answerWrappers {
		if inner := props[w]; inner != nil && inner.Type != nil && inner.Type.Is(openapi3.TypeObject) {
			innerProps, _ := ObjectProperties(inner)
			if f := fieldNamed(innerProps, want); f != "" {
				return w + "." + f
			}
		}
	}
	return ""
}

// fieldNamed is the scalar property whose name's words join to want.
func fieldNamed(props map[string]*openapi3.Schema, want string) string {
	for _, k := range sortedkeys.Of(props) {
		p := props[k]
		if p == nil || (p.Type != nil && (p.Type.Is(openapi3.TypeObject) || p.Type.Is(openapi3.TypeArray))) {
			continue
		}
		if strings.Join(words.NameWords(k), "_") == want {
			return k
		}
	}
	return ""
}

// answerObject is the object schema of op's first 2xx JSON answer, or nil
// (no answer documented, or a list: a listing names many objects, not one).
func answerObject(op Operation) *openapi3.Schema {
	if op.Raw == nil || op.Raw.Responses == nil {
		return nil
	}
	for code := 200; code < 300; code++ {
		r := op.Raw.Responses.Value(strconv.Itoa(code))
		if r == nil || r.Value == nil {
			continue
		}
		for _, ct := range sortedkeys.Of(r.Value.Content) {
			mt := r.Value.Content[ct]
			if !strings.Contains(strings.ToLower(ct), "json") || mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
				continue
			}
			s := mt.Schema.Value
			if s.Type != nil && s.Type.Is(openapi3.TypeArray) {
				return nil
			}
			if props, _ := ObjectProperties(s); len(props) > 0 {
				return s
			}
		}
		return nil
	}
	return nil
}

// answerReason is the reason the answer signal records.
func answerReason(field string) string {
	return fmt.Sprintf("the item GET's answer carries it as field %q", field)
}
