package mutate

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/bolaharness/bolaharness/harness/client"
	"github.com/bolaharness/bolaharness/harness/spec"

	"github.com/getkin/kin-openapi/openapi3"
)

// Where ids travel and how a case's value is written there. Cases are drawn
// as path wire text (mutate.go); for an id in the query, a header or a JSON
// body the same case is rewritten into what that place carries: query text
// ("+" as %2B, so it is not read as a space), the decoded text for a header,
// a JSON number or string for a body field.

// reqParts are the pieces of one request before it is written out.
type ReqParts struct {
	Path   map[string]string // path parameter → wire text (escaped)
	Query  []string          // name=value pairs, as sent, in order
	Header http.Header
	Body   any  // decoded JSON document (json.Number for numbers)
	HasDoc bool // a body is sent (even an empty object)
}

// build writes the request for method on the path template.
func (rp ReqParts) Build(base, method, template string) client.Request {
	u := BuildURL(base, spec.Operation{Path: template}, rp.Path, nil)
	if len(rp.Query) > 0 {
		sep := "?"
		if strings.Contains(u, "?") {
			sep = "&"
		}
		u += sep + strings.Join(rp.Query, "&")
	}
	r := client.Request{Method: method, URL: u}
	if len(rp.Header) > 0 {
		r.Header = rp.Header
	}
	if rp.HasDoc {
		data, err := EncodeJSON(rp.Body)
		if err != nil {
			r.Invalid = "cannot write the JSON body: " + err.Error()
		}
		r.Body = data
	}
	return r
}

// encodeJSON writes doc compactly, without HTML escaping, so the server
// reads exactly the values the case meant.
func EncodeJSON(doc any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// readJSONDoc reads a JSON document keeping numbers as written.
func ReadJSONDoc(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// cloneJSON copies a decoded document, so a case never changes another's.
func CloneJSON(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			out[k] = CloneJSON(x)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = CloneJSON(x)
		}
		return out
	}
	return v
}

// setPointer puts val at the JSON pointer ptr of doc, creating the objects
// on the way, and returns the document (a new object when doc is not one).
func SetPointer(doc any, ptr string, val any) any {
	tokens := spec.PointerTokens(ptr)
	root, ok := doc.(map[string]any)
	if !ok {
		root = map[string]any{}
	}
	cur := root
	for i, tok := range tokens {
		if i == len(tokens)-1 {
			cur[tok] = val
			break
		}
		next, ok := cur[tok].(map[string]any)
		if !ok {
			next = map[string]any{}
			cur[tok] = next
		}
		cur = next
	}
	return root
}

// getPointer reads the value at ptr, or nil.
func GetPointer(doc any, ptr string) any {
	cur := doc
	for _, tok := range spec.PointerTokens(ptr) {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[tok]
	}
	return cur
}

// queryText turns path wire text into query text: the bytes a path keeps
// raw but a query reads otherwise (&, =, +) are escaped.
func queryText(wire string) string {
	return strings.NewReplacer("&", "%26", "=", "%3D", "+", "%2B").Replace(wire)
}

// headerText is the decoded id a header carries; false when it cannot be
// sent in a header (undecodable, empty, or a control character).
func headerText(wire string) (string, bool) {
	dec, err := url.PathUnescape(wire)
	if err != nil || strings.TrimSpace(dec) == "" || strings.IndexFunc(dec, client.BadHeaderRune) >= 0 {
		return "", false
	}
	return dec, true
}

// jsonNumberRe is a JSON number: what a body may carry unquoted.
var jsonNumberRe = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

// bodyText is the JSON a body field carries for the wire text: a number
// where the field is numeric and the text is a JSON number (8, 8.0, 8e0),
// else a string ("008", "+8", "8,9"): a string where a number belongs is a
// variant too. false when the wire does not decode.
func bodyText(wire string, numeric bool) (string, bool) {
	dec, err := url.PathUnescape(wire)
	if err != nil {
		return "", false
	}
	if numeric && jsonNumberRe.MatchString(dec) {
		return dec, true
	}
	if !utf8.ValidString(dec) {
		return "", false // JSON would carry U+FFFD instead: not the variant meant
	}
	data, err := EncodeJSON(dec)
	return string(data), err == nil
}

// numericField says whether a body field holds numbers: its schema says
// integer or number, or, with no schema, its ids are decimal.
func numericField(s *openapi3.Schema, sample string) bool {
	if s != nil && s.Type != nil {
		return s.Type.Includes(openapi3.TypeInteger) || s.Type.Includes(openapi3.TypeNumber)
	}
	return idIsDecimal(sample)
}

// placeText writes a case's wire text for param p's place; false when the
// variant cannot be carried there. Path ids keep their wire text.
func PlaceText(p spec.IDParam, wire, sample string) (string, bool) {
	switch p.In {
	case openapi3.ParameterInQuery:
		return queryText(wire), true
	case openapi3.ParameterInHeader:
		return headerText(wire)
	case spec.InBody:
		return bodyText(wire, numericField(p.Schema, sample))
	}
	return wire, true
}

// plainText is a plain id as p's place carries it.
func PlainText(p spec.IDParam, id string) string {
	if p.In == openapi3.ParameterInPath {
		return url.PathEscape(id)
	}
	text, ok := PlaceText(p, PlainWire(id), id)
	if !ok {
		return id
	}
	return text
}

// rawJSON is a JSON text as a document value; encodeJSON writes it back as is.
func RawJSON(text string) any { return json.RawMessage(text) }

// buildURL fills the path template with wire texts (already escaped) and
// appends the required query parameters that are not ids.
func BuildURL(base string, op spec.Operation, wire map[string]string, fixed map[string]string) string {
	var b strings.Builder
	b.WriteString(strings.TrimRight(base, "/"))
	path := op.Path
	for {
		i := strings.IndexByte(path, '{')
		j := strings.IndexByte(path, '}')
		if i < 0 || j < i {
			b.WriteString(path)
			break
		}
		b.WriteString(path[:i])
		b.WriteString(wire[path[i+1:j]])
		path = path[j+1:]
	}
	q := url.Values{}
	for _, p := range op.Params {
		if p.In == "query" {
			if v, ok := fixed[p.Name]; ok {
				q.Set(p.Name, v)
			}
		}
	}
	if len(q) > 0 {
		b.WriteString("?" + q.Encode())
	}
	return b.String()
}
