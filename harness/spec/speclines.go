package spec

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/bolaharness/bolaharness/harness/words"
)

// Operation lines without kin-openapi's IncludeOrigin.
//
// Reports link each operation to its line in the spec. kin-openapi can record
// the position of every node (IncludeOrigin), but that doubled the load of
// Stripe's 4.5 MB spec, for one number per operation. operationLinesText
// reads those numbers from the text instead, in one pass: block-style YAML
// and pretty-printed JSON, the two shapes real specs come in, keep one key per
// line and show nesting by indentation. A document in another layout
// (minified JSON, a flow-style paths map) yields no lines; its operations then
// carry line 0, which reports show as "no line".

// operationKeys are the path-item keys that hold operations.
var operationKeys = words.WordSet("get", "put", "post", "delete", "options", "head", "patch", "trace")

// lineScan follows the paths map while operationLinesText reads lines.
type lineScan struct {
	lines      map[string]int
	topIndent  int // indent of the document's top-level keys; -1 until seen
	pathsAt    int // indent of the `paths` key; -1 outside paths
	pathIndent int // indent of the path keys; -1 until seen
	opIndent   int // indent of the current path item's keys; -1 until seen
	path       string
}

// operationLinesText maps "METHOD path" to the 1-based line of the method key
// in an OpenAPI 3 document's text.
func operationLinesText(data []byte) map[string]int {
	s := &lineScan{lines: map[string]int{}, topIndent: -1, pathsAt: -1, pathIndent: -1, opIndent: -1}
	for n := 1; len(data) > 0; n++ {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		s.line(n, line)
	}
	return s.lines
}

func (s *lineScan) line(n int, raw []byte) {
	text := strings.TrimRight(string(raw), " \t\r")
	body := strings.TrimLeft(text, " \t")
	indent := len(text) - len(body)
	key, ok := mappingKey(body)
	if !ok {
		return
	}
	if s.topIndent < 0 {
		s.topIndent = indent
	}
	switch {
	case indent <= s.topIndent:
		s.pathsAt, s.pathIndent, s.opIndent = -1, -1, -1
		if indent == s.topIndent && key == "paths" {
			s.pathsAt = indent
		}
	case s.pathsAt < 0:
	case s.pathIndent < 0 || indent == s.pathIndent:
		s.pathIndent, s.opIndent, s.path = indent, -1, key
	case indent < s.pathIndent:
		s.pathsAt, s.pathIndent, s.opIndent = -1, -1, -1 // left the paths map
	case s.opIndent < 0 || indent == s.opIndent:
		s.opIndent = indent
		if operationKeys[key] && strings.HasPrefix(s.path, "/") {
			s.lines[strings.ToUpper(key)+" "+s.path] = n
		}
	}
}

// mappingKey reads the key a line opens: `key:`, `'key':`, `"key":` (YAML)
// or `"key": {` (JSON). Sequence items, comments, braces and block-scalar
// text that has no `key:` shape are not keys.
func mappingKey(body string) (string, bool) {
	if body == "" {
		return "", false
	}
	switch body[0] {
	case '"':
		end := closingQuote(body, '"')
		if end < 0 {
			return "", false
		}
		key, err := strconv.Unquote(body[:end+1])
		if err != nil {
			key = body[1:end]
		}
		return key, followedByColon(body[end+1:])
	case '\'':
		end := closingQuote(body, '\'')
		if end < 0 {
			return "", false
		}
		return strings.ReplaceAll(body[1:end], "''", "'"), followedByColon(body[end+1:])
	case '-', '#', '{', '}', '[', ']', '?', '|', '>', '&', '*', '!', '%', '@', '`':
		return "", false
	}
	i := strings.Index(body, ": ")
	if i < 0 {
		if !strings.HasSuffix(body, ":") {
			return "", false
		}
		i = len(body) - 1
	}
	return strings.TrimRight(body[:i], " \t"), true
}

// closingQuote finds the quote that ends a quoted key: a backslash escapes
// in double quotes, a doubled quote in single quotes.
func closingQuote(s string, q byte) int {
	for i := 1; i < len(s); i++ {
		switch {
		case q == '"' && s[i] == '\\':
			i++
		case s[i] == q && q == '\'' && i+1 < len(s) && s[i+1] == '\'':
			i++
		case s[i] == q:
			return i
		}
	}
	return -1
}

func followedByColon(rest string) bool {
	return strings.HasPrefix(strings.TrimLeft(rest, " \t"), ":")
}
