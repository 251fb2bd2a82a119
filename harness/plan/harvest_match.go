package plan

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/bolaharness/bolaharness/harness/internal/sortedkeys"

	"github.com/bolaharness/bolaharness/harness/spec"
	"github.com/bolaharness/bolaharness/harness/words"

	"github.com/getkin/kin-openapi/openapi3"
)

// How a listing's response feeds an id parameter.
//
// A response field feeds parameter P (of the attacked operations) when the
// item that holds it is an object of P's kind, told by:
//
//   - schema: the item's schema is the response schema of the GET that
//     addresses one object by P (`Card` in `/cards` and in `/cards/{cardId}`);
//   - path: the listing's path is the collection segment before P
//     (`/invoices` → `/invoices/{invoice_id}`, also under parents);
//   - resource: the item's schema name, or the listing's last segment,
//     names P's resource (`Card`, `/me/cards` → `{cardId}`, `{card_id}`);
//   - link: an OpenAPI link of the listing's response names P;
//
// and then the item's id field (a field named like P, `<resource>_id`, P's
// last word such as `gid` or `ref`, else `id`) holds P's value. A field that
// merely has P's name (`account_id` in a statement) feeds P too, more weakly.

// harvestTarget is one id parameter that harvesting looks ids up for.
type harvestTarget struct {
	name        string
	ops         []string                  // attacked operations that take it
	collections map[string]bool           // normalised collection paths before {name}
	resources   map[string]bool           // singular resource words
	schemas     map[*openapi3.Schema]bool // by-id response schemas
	refNames    map[string]bool           // their component names, folded
}

// itemShape is one place in a response schema that holds an object.
type itemShape struct {
	steps []string         // from the body to the object: "*" for array items
	self  *openapi3.Schema // the object's schema
	name  string           // its component name, folded ("" when inline)
	names []string         // component names of it and its allOf parts, folded
	props map[string]*openapi3.SchemaRef
	list  bool // an element of an array
	main  bool // the listing's principal list (mainList)
	// scalars maps folded names of the fields that can hold an id to the
	// names as written.
	scalars map[string]string
	// meta is the object's metadata object (Kubernetes' `metadata`), whose
	// name or uid is the object's id, and its scalars.
	meta        string
	metaScalars map[string]string
}

// feedMatch is one way a listing feeds a parameter.
type feedMatch struct {
	Param string
	Steps []string // from the body to the value
	kind  string   // schema, path, link, resource, name
	why   string
}

// matchRank orders kinds of matches: lower is more trustworthy.
var matchRank = map[string]int{"link": 0, "schema": 1, "path": 2, "resource": 3, "name": 4}

func (m feedMatch) strong() bool { return m.kind != "name" }

// wrapperNames are properties that wrap a listing's items.
var WrapperNames = []string{"data", "items", "results", "entries", "records", "value", "values",
	"objects", "resources", "elements", "content", "list", "rows", "nodes", "hits"}

// nameSuffixes are endings of schema names that describe a view of the same
// resource: TaskCompact, InvoiceSummary, CardResponse.
var nameSuffixes = []string{"compact", "summary", "response", "item", "short", "basic", "mini", "lite",
	"brief", "full", "details", "detail", "info", "data", "object", "model", "dto", "view",
	"record", "entry", "resource", "schema", "listitem", "base"}

// responseSchema is the JSON schema of the operation's first documented 2xx
// response, or nil.
func responseSchema(op spec.Operation) (*openapi3.SchemaRef, *openapi3.Response) {
	if op.Raw == nil || op.Raw.Responses == nil {
		return nil, nil
	}
	m := op.Raw.Responses.Map()
	codes := sortedkeys.Of(m)
	for _, code := range codes {
		if !strings.HasPrefix(code, "2") {
			continue
		}
		r := m[code]
		if r == nil || r.Value == nil {
			continue
		}
		if s := jsonSchema(r.Value.Content); s != nil {
			return s, r.Value
		}
	}
	return nil, nil
}

// jsonSchema picks the schema of a JSON media type.
func jsonSchema(c openapi3.Content) *openapi3.SchemaRef {
	for _, mt := range sortedkeys.Of(c) {
		l := strings.ToLower(mt)
		if (l == "application/json" || strings.HasSuffix(l, "+json") || l == "*/*" || strings.HasPrefix(l, "application/json;")) &&
			c[mt] != nil && c[mt].Schema != nil && c[mt].Schema.Value != nil {
			return c[mt].Schema
		}
	}
	return nil
}

// alternatives lists the schemas a ref may be: itself, or each anyOf/oneOf
// branch (Stripe's `anyOf: [customer, deleted_customer]`).
func alternatives(ref *openapi3.SchemaRef) []*openapi3.SchemaRef {
	if ref == nil || ref.Value == nil {
		return nil
	}
	v := ref.Value
	if len(v.Properties) == 0 && len(v.AllOf) == 0 && (len(v.AnyOf) > 0 || len(v.OneOf) > 0) {
		var out []*openapi3.SchemaRef
		for _, a := range append(append(openapi3.SchemaRefs{}, v.AnyOf...), v.OneOf...) {
			if a != nil && a.Value != nil {
				out = append(out, a)
			}
		}
		return out
	}
	return []*openapi3.SchemaRef{ref}
}

// refName is the folded component name of a $ref ("#/components/schemas/Card" → card).
func refName(ref string) string {
	if ref == "" {
		return ""
	}
	return words.NormKey(ref[strings.LastIndexByte(ref, '/')+1:])
}

// properties merges a schema's own properties with those of its allOf parts,
// and names it and its parts.
func properties(ref *openapi3.SchemaRef) (map[string]*openapi3.SchemaRef, []string) {
	props := map[string]*openapi3.SchemaRef{}
	var names []string
	var visit func(r *openapi3.SchemaRef, depth int)
	visit = func(r *openapi3.SchemaRef, depth int) {
		if r == nil || r.Value == nil || depth > 3 {
			return
		}
		if n := refName(r.Ref); n != "" {
			names = append(names, n)
		}
		for k, p := range r.Value.Properties {
			if _, seen := props[k]; !seen {
				props[k] = p
			}
		}
		for _, part := range r.Value.AllOf {
			visit(part, depth+1)
		}
	}
	visit(ref, 0)
	return props, names
}

func isArraySchema(s *openapi3.Schema) bool {
	return s != nil && (s.Items != nil || (s.Type != nil && s.Type.Is(openapi3.TypeArray)))
}

// maxShapes bounds the objects one response schema is searched for, since
// real schemas (Stripe's) expand into thousands of nested objects.
const maxShapes = 64

// itemShapes lists the objects a response schema holds: the body itself,
// the items of an array body, the objects and lists of objects among its
// properties, and those inside a wrapper property (`{"data": {"items":
// [...]}}`). Deeper objects are parts of an object, not listings.
func itemShapes(ref *openapi3.SchemaRef) []itemShape {
	var out []itemShape
	var visit func(r *openapi3.SchemaRef, steps []string, list bool, depth int)
	visit = func(r *openapi3.SchemaRef, steps []string, list bool, depth int) {
		for _, alt := range alternatives(r) {
			if len(out) >= maxShapes {
				return
			}
			if isArraySchema(alt.Value) {
				if alt.Value.Items != nil && len(steps) < 4 {
					visit(alt.Value.Items, appendStep(steps, "*"), true, depth)
				}
				continue
			}
			props, names := properties(alt)
			if len(props) == 0 {
				continue
			}
			shape := itemShape{steps: steps, self: alt.Value, name: refName(alt.Ref), names: names,
				props: props, list: list, scalars: scalarFields(props)}
			shape.meta, shape.metaScalars = metaFields(props)
			out = append(out, shape)
			if depth > 1 || (depth == 1 && !slices.Contains(WrapperNames, strings.ToLower(steps[len(steps)-1]))) {
				continue
			}
			for _, k := range sortedkeys.Of(props) {
				visit(props[k], appendStep(steps, k), false, depth+1)
			}
		}
	}
	visit(ref, nil, false, 0)
	if i := mainList(out); i >= 0 {
		out[i].main = true
	}
	return out
}

// scalarFields indexes the fields that can hold an id by folded name.
func scalarFields(props map[string]*openapi3.SchemaRef) map[string]string {
	out := map[string]string{}
	for _, k := range sortedkeys.Of(props) {
		if _, seen := out[words.NormKey(k)]; !seen && scalarSchema(props[k]) {
			out[words.NormKey(k)] = k
		}
	}
	return out
}

func appendStep(steps []string, s string) []string {
	out := make([]string, len(steps), len(steps)+1)
	copy(out, steps)
	return append(out, s)
}

// mainList is the index of the listing's principal array of objects: the
// shallowest list, a wrapper such as `data` first; -1 when there is none.
func mainList(shapes []itemShape) int {
	best, bestScore := -1, 1<<30
	for i, s := range shapes {
		if !s.list {
			continue
		}
		score := len(s.steps) * 10
		if len(s.steps) == 2 && !slices.Contains(WrapperNames, strings.ToLower(s.steps[0])) {
			score += 5
		}
		if score < bestScore {
			best, bestScore = i, score
		}
	}
	return best
}

// normPath folds a path template for comparison: parameters become {}.
func normPath(p string) string {
	return strings.TrimRight(spec.IdTemplateParam.ReplaceAllString(p, "{}"), "/")
}

// singular is a rough English singular of a folded word.
func singular(w string) string {
	switch {
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		return w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "sses"), strings.HasSuffix(w, "xes"), strings.HasSuffix(w, "ches"),
		strings.HasSuffix(w, "shes"), strings.HasSuffix(w, "uses"):
		return w[:len(w)-2]
	case strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && len(w) > 2:
		return w[:len(w)-1]
	}
	return w
}

// resourceOfName is the part of a schema name that names the resource:
// TaskCompact → task, InvoiceSummary → invoice.
func resourceOfName(n string) string {
	for _, suf := range nameSuffixes {
		if strings.HasSuffix(n, suf) && len(n) > len(suf)+1 {
			return singular(strings.TrimSuffix(n, suf))
		}
	}
	return singular(n)
}

// lastCollection is a path's last literal segment, folded and singular,
// when it is plural (`/me/cards` → card); "" otherwise, since a singular
// last segment (`/metadata_templates/enterprise`) qualifies rather than
// names a collection.
func lastCollection(path string) string {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for i := len(segs) - 1; i >= 0; i-- {
		if spec.IsCollectionSegment(segs[i]) {
			if w := words.NormKey(segs[i]); singular(w) != w {
				return singular(w)
			}
			return ""
		}
	}
	return ""
}

// paramResource is the resource a parameter names without its id word:
// cardId → card, task_gid → task, customer → customer; "" for a bare id.
func paramResource(name string) string {
	words := words.NameWords(name)
	if len(words) == 0 {
		return ""
	}
	last := words[len(words)-1]
	if spec.IdStrongWords[last] || spec.IdKeyWords[last] {
		words = words[:len(words)-1]
	}
	return singular(strings.Join(words, ""))
}

// genericParam is a parameter name that says nothing about its resource.
func genericParam(name string) bool {
	switch words.NormKey(name) {
	case "id", "uuid", "gid", "guid", "key", "slug", "name", "ref", "handle", "number", "no":
		return true
	}
	return false
}

// metaNames are the sub-objects that carry an object's id in some APIs.
var metaNames = []string{"metadata", "meta"}

// metaFields finds an object's metadata object and its id-like scalars.
func metaFields(props map[string]*openapi3.SchemaRef) (string, map[string]string) {
	for _, k := range sortedkeys.Of(props) {
		if !slices.Contains(metaNames, strings.ToLower(k)) || props[k] == nil || props[k].Value == nil {
			continue
		}
		sub, _ := properties(props[k])
		return k, scalarFields(sub)
	}
	return "", nil
}

// idSteps is where an object holds target's value: a field of its own, else
// the name or uid of its metadata (`metadata.name` in Kubernetes).
func idSteps(s itemShape, t *harvestTarget) []string {
	if f := idField(s, t); f != "" {
		return []string{f}
	}
	for _, w := range []string{"name", "uid", "id"} {
		if k, ok := s.metaScalars[w]; ok {
			return []string{s.meta, k}
		}
	}
	return nil
}

// idField picks the field of an object that holds target's value.
func idField(s itemShape, t *harvestTarget) string {
	want := []string{words.NormKey(t.name)}
	for _, r := range sortedkeys.Of(t.resources) {
		want = append(want, r+"id", r+"uuid", r+"gid")
	}
	if words := words.NameWords(t.name); len(words) > 0 {
		want = append(want, words[len(words)-1])
	}
	// Natural keys last: an object with no id field is named by its name,
	// title or slug (a repository's `name` feeds `/repos/{owner}/{repo}`).
	want = append(want, "id", "uuid", "gid", "guid", "name", "title", "slug", "key", "handle", "login", "username")
	for _, w := range want {
		if k, ok := s.scalars[w]; ok {
			return k
		}
	}
	return ""
}

// scalarSchema is a schema whose values can be ids: strings, numbers, or
// untyped.
func scalarSchema(r *openapi3.SchemaRef) bool {
	if r == nil || r.Value == nil {
		return true
	}
	s := r.Value
	if isArraySchema(s) || len(s.Properties) > 0 {
		return false
	}
	return s.Type == nil || s.Type.Includes(openapi3.TypeString) || s.Type.Includes(openapi3.TypeInteger) ||
		s.Type.Includes(openapi3.TypeNumber) || len(s.AnyOf) > 0 || len(s.OneOf) > 0
}

// objectMatch says why shape holds objects of target's kind, or "".
func objectMatch(op spec.Operation, s itemShape, t *harvestTarget) (kind, why string) {
	if t.schemas[s.self] || (s.name != "" && t.refNames[s.name]) {
		return "schema", fmt.Sprintf("its objects have the schema %s that the GET of one {%s} returns", orInline(s.name), t.name)
	}
	if s.main && t.collections[normPath(op.Path)] {
		return "path", fmt.Sprintf("%s is the collection whose members {%s} addresses", op.Path, t.name)
	}
	for _, n := range s.names {
		if r := resourceOfName(n); t.resources[r] {
			return "resource", fmt.Sprintf("its item schema %q names the resource of {%s}", n, t.name)
		}
	}
	if c := lastCollection(op.Path); s.main && c != "" && t.resources[c] {
		return "resource", fmt.Sprintf("the collection %q names the resource of {%s}", c, t.name)
	}
	return "", ""
}

func orInline(name string) string {
	if name == "" {
		return "(inline)"
	}
	return fmt.Sprintf("%q", name)
}

// shapeMatches finds how the listing op's response feeds each target; ix
// narrows the targets to those the shapes can feed.
func shapeMatches(op spec.Operation, shapes []itemShape, targets map[string]*harvestTarget, ix *targetIndex, own map[string]bool) []feedMatch {
	var out []feedMatch
	for _, name := range sortedkeys.Of(ix.candidates(op.Path, shapes)) {
		if own[name] {
			continue // the listing needs it already
		}
		t := targets[name]
		var best *feedMatch
		for _, s := range shapes {
			m := shapeMatch(op, s, t)
			if m != nil && (best == nil || betterMatch(*m, *best)) {
				best = m
			}
		}
		if best != nil {
			out = append(out, *best)
		}
	}
	return out
}

func shapeMatch(op spec.Operation, s itemShape, t *harvestTarget) *feedMatch {
	if kind, why := objectMatch(op, s, t); kind != "" {
		if f := idSteps(s, t); f != nil {
			return &feedMatch{Param: t.name, Steps: append(appendStep(s.steps, f[0]), f[1:]...), kind: kind, why: why}
		}
	}
	if genericParam(t.name) {
		return nil
	}
	if k, ok := s.scalars[words.NormKey(t.name)]; ok {
		return &feedMatch{Param: t.name, Steps: appendStep(s.steps, k), kind: "name",
			why: fmt.Sprintf("the field %q has the parameter's name", k)}
	}
	return nil
}

func betterMatch(a, b feedMatch) bool {
	if matchRank[a.kind] != matchRank[b.kind] {
		return matchRank[a.kind] < matchRank[b.kind]
	}
	return len(a.Steps) < len(b.Steps)
}

// stepsPath writes steps as a JSONPath-like text for plans and reports.
func stepsPath(steps []string) string {
	var b strings.Builder
	b.WriteString("$")
	for _, s := range steps {
		if s == "*" {
			b.WriteString("[*]")
			continue
		}
		b.WriteString("." + s)
	}
	return b.String()
}

// sortFeeds puts the strongest match first.
func sortFeeds(f []feedMatch) {
	sort.SliceStable(f, func(i, j int) bool {
		if matchRank[f[i].kind] != matchRank[f[j].kind] {
			return matchRank[f[i].kind] < matchRank[f[j].kind]
		}
		return f[i].Param < f[j].Param
	})
}
