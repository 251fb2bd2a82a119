package jsonbody

import (
	"bytes"
	"encoding/json"
	"sort"
	"strconv"
)

// maxLeaves bounds how many scalar values one body contributes, so that a
// huge response cannot make judging slow; the cut is recorded in the verdict.
const maxLeaves = 20000

// leaf is one scalar of a JSON body with the path that leads to it.
type Leaf struct {
	Path   string // JSONPath-like: $.owner.email, $.items[0].id
	Key    string // the nearest object key ("" for array items at the top)
	Parent string // the object key above Key, for {"owner": {"id": 2}}
	Value  string // the scalar as text; numbers in their JSON text
	Kind   byte   // 's' string, 'n' number, 'b' bool, 'z' null
}

// body is a response body parsed once for every check that reads it.
type Parsed struct {
	Raw    []byte
	JSON   bool
	Leaves []Leaf
	Cut    bool // more than maxLeaves scalars; the rest were not read
	Empty  bool // no content: empty, null, {}, [] or only empty containers
}

// parseBody parses JSON bodies into leaves; anything else stays text. Bodies
// of minCachedBody bytes or more are parsed once (parsedBodies): the oracle
// reads the victim's control and the attacker's own objects for every case
// of a group, and the memo hands it the same bytes each time.
func Parse(raw []byte) Parsed {
	if len(raw) < MinCachedBody {
		return ParseNow(raw)
	}
	return ParsedBodies.Parse(raw)
}

// parseBodyNow parses raw without the cache.
func ParseNow(raw []byte) Parsed {
	b := Parsed{Raw: raw}
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 {
		b.Empty = true
		return b
	}
	if trimmed[0] != '{' && trimmed[0] != '[' && trimmed[0] != '"' {
		return b
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		// Not JSON after all (or truncated): judged as text.
		return b
	}
	b.JSON = true
	w := Walker{}
	w.Walk(v, "$", "", "")
	b.Leaves, b.Cut = w.Leaves, w.cut
	b.Empty = len(b.Leaves) == 0
	return b
}

type Walker struct {
	Leaves []Leaf
	cut    bool
}

func (w *Walker) Walk(v any, path, key, parent string) {
	if len(w.Leaves) >= maxLeaves {
		w.cut = true
		return
	}
	switch t := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys) // stable paths and evidence order
		for _, k := range keys {
			w.Walk(t[k], path+"."+k, k, key)
		}
	case []any:
		for i, item := range t {
			w.Walk(item, path+"["+strconv.Itoa(i)+"]", key, parent)
		}
	case string:
		w.Leaves = append(w.Leaves, Leaf{path, key, parent, t, 's'})
	case json.Number:
		w.Leaves = append(w.Leaves, Leaf{path, key, parent, t.String(), 'n'})
	case bool:
		w.Leaves = append(w.Leaves, Leaf{path, key, parent, strconv.FormatBool(t), 'b'})
	case nil:
		w.Leaves = append(w.Leaves, Leaf{path, key, parent, "", 'z'})
	}
}
