package spec

import (
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// opBuilder turns kin-openapi's paths into the harness's Operations.
type opBuilder struct {
	spec *Spec
	// lines overrides kin-openapi's origins (see loadedDoc.lines).
	lines map[string]int
	// location is the loader's name for the root file, so origins in it
	// can carry the spec's name as the user wrote it.
	location string
	warned   map[string]bool
}

func (b *opBuilder) operations() []Operation {
	items := pathItems(b.spec.Doc)
	paths := make([]string, 0, len(items))
	for p := range items {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	var ops []Operation
	for _, path := range paths {
		item := items[path]
		if item == nil {
			continue
		}
		byMethod := item.Operations()
		methods := make([]string, 0, len(byMethod))
		for m := range byMethod {
			methods = append(methods, m)
		}
		sortMethods(methods)
		for _, m := range methods {
			if raw := byMethod[m]; raw != nil {
				ops = append(ops, b.operation(path, strings.ToUpper(m), item, raw))
			}
		}
	}
	return ops
}

func (b *opBuilder) operation(path, method string, item *openapi3.PathItem, raw *openapi3.Operation) Operation {
	op := Operation{Method: method, Path: path, ID: raw.OperationID, Raw: raw}
	op.Params = b.params(op.Key(), item.Parameters, raw.Parameters)
	op.Security, op.SecurityWhy = b.security(raw)
	if op.Security != SecurityPublic {
		reqs := b.spec.Doc.Security
		if raw.Security != nil {
			reqs = *raw.Security
		}
		op.Alternatives = alternatives(b.spec.Doc, reqs)
	}
	op.Origin = b.origin(op.Key(), raw)
	return op
}

func (b *opBuilder) origin(key string, raw *openapi3.Operation) Origin {
	o := Origin{File: b.spec.File}
	if b.lines != nil {
		o.Line = b.lines[key]
		return o
	}
	if raw.Origin == nil || raw.Origin.Key == nil {
		return o
	}
	o.Line = raw.Origin.Key.Line
	if f := raw.Origin.Key.File; f != "" && f != b.location {
		// The operation came from another file through a path-item $ref.
		if unescaped, err := url.PathUnescape(f); err == nil {
			f = unescaped
		}
		o.File = f
	}
	return o
}

// params merges path-item and operation parameters; the operation's own
// parameter wins on name and location, and keeps the path item's place.
func (b *opBuilder) params(key string, itemParams, opParams openapi3.Parameters) []Param {
	var out []Param
	index := map[string]int{}
	add := func(refs openapi3.Parameters) {
		for _, ref := range refs {
			if ref == nil || ref.Value == nil {
				b.warnOnce(fmt.Sprintf("%s: %s: a parameter could not be resolved; it is left out", b.spec.File, key))
				continue
			}
			p := toParam(ref.Value)
			k := p.In + "\x00" + p.Name
			if i, ok := index[k]; ok {
				out[i] = p
				continue
			}
			index[k] = len(out)
			out = append(out, p)
		}
	}
	add(itemParams)
	add(opParams)
	return out
}

func toParam(p *openapi3.Parameter) Param {
	out := Param{Name: p.Name, In: p.In, Required: p.Required}
	if p.Schema != nil {
		out.Schema = p.Schema.Value
	} else if len(p.Content) > 0 {
		// A parameter may describe its value by media type instead.
		types := make([]string, 0, len(p.Content))
		for t := range p.Content {
			types = append(types, t)
		}
		sort.Strings(types)
		if mt := p.Content[types[0]]; mt != nil && mt.Schema != nil {
			out.Schema = mt.Schema.Value
		}
	}
	out.Examples = paramExamples(p, out.Schema)
	return out
}

// paramExamples gathers example values as text, without duplicates: the
// parameter's example and examples, then its schema's example(s). Enum values
// are not examples: they list what is allowed, not what an object id looks like.
func paramExamples(p *openapi3.Parameter, schema *openapi3.Schema) []string {
	var vals []any
	vals = append(vals, p.Example)
	names := make([]string, 0, len(p.Examples))
	for n := range p.Examples {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if ex := p.Examples[n]; ex != nil && ex.Value != nil {
			vals = append(vals, ex.Value.Value)
		}
	}
	if schema != nil {
		vals = append(vals, schema.Example)
		vals = append(vals, schema.Examples...)
	}
	var out []string
	seen := map[string]bool{}
	for _, v := range vals {
		s, ok := exampleText(v)
		if ok && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// exampleText writes a value as the text a URL would carry: numbers in
// plain decimal (never 1e+06), composite values as JSON.
func exampleText(v any) (string, bool) {
	switch x := v.(type) {
	case nil:
		return "", false
	case string:
		return x, true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case float32:
		return strconv.FormatFloat(float64(x), 'f', -1, 32), true
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, bool, json.Number:
		return fmt.Sprint(x), true
	default:
		data, err := json.Marshal(x)
		if err != nil {
			return "", false
		}
		return string(data), true
	}
}

func (b *opBuilder) warnOnce(msg string) {
	if !b.warned[msg] {
		b.warned[msg] = true
		b.spec.Warnings = append(b.spec.Warnings, msg)
	}
}

// security resolves the operation's effective security requirement: the
// operation's own list when it has one, else the document's.
func (b *opBuilder) security(raw *openapi3.Operation) (Security, string) {
	reqs, source := b.spec.Doc.Security, "the document's security"
	if raw.Security != nil {
		reqs, source = *raw.Security, "the operation's security"
		if len(reqs) == 0 {
			return SecurityPublic, "security: [] on the operation"
		}
	}
	for _, r := range reqs {
		if len(r) == 0 {
			return SecurityPublic, source + " lists an empty requirement {} (authentication optional)"
		}
	}
	if len(reqs) == 0 {
		if !b.spec.DeclaresSecurity {
			return SecurityAssumed, "no security declared anywhere in the document; assumed protected by the config's tokens"
		}
		return SecurityPublic, "no security requirement on the operation or the document, though the document declares security elsewhere"
	}
	var others []string
	for _, r := range reqs {
		for _, name := range sortedSchemeNames(r) {
			bearer, desc := b.describeScheme(name)
			if bearer {
				return SecurityBearer, fmt.Sprintf("%s from %s", desc, source)
			}
			others = append(others, desc)
		}
	}
	return SecurityOther, fmt.Sprintf("%s from %s", strings.Join(others, ", "), source)
}

func sortedSchemeNames(r openapi3.SecurityRequirement) []string {
	names := make([]string, 0, len(r))
	for n := range r {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// describeScheme says whether the named scheme carries a Bearer token and
// describes it. Swagger 2.0 has no bearer type, so specs such as Kubernetes
// declare an apiKey in the Authorization header: that is a Bearer token too.
func (b *opBuilder) describeScheme(name string) (bool, string) {
	var scheme *openapi3.SecurityScheme
	if c := b.spec.Doc.Components; c != nil {
		if ref := c.SecuritySchemes[name]; ref != nil {
			scheme = ref.Value
		}
	}
	if scheme == nil {
		b.warnOnce(fmt.Sprintf("%s: security scheme %q is required but not defined in components.securitySchemes; operations requiring only it are skipped", b.spec.File, name))
		return false, fmt.Sprintf("unknown scheme %q", name)
	}
	switch strings.ToLower(scheme.Type) {
	case "http":
		if strings.EqualFold(scheme.Scheme, "bearer") {
			return true, fmt.Sprintf("bearer scheme %q", name)
		}
		return false, fmt.Sprintf("http %s scheme %q", strings.ToLower(scheme.Scheme), name)
	case "oauth2":
		return true, fmt.Sprintf("oauth2 scheme %q", name)
	case "openidconnect":
		return true, fmt.Sprintf("openIdConnect scheme %q", name)
	case "apikey":
		if strings.EqualFold(scheme.In, "header") && strings.EqualFold(scheme.Name, "Authorization") {
			return true, fmt.Sprintf("apiKey scheme %q in the Authorization header", name)
		}
		return false, fmt.Sprintf("apiKey scheme %q in %s %q", name, scheme.In, scheme.Name)
	default:
		return false, fmt.Sprintf("%s scheme %q", scheme.Type, name)
	}
}

func ExampleValue(p Param) (string, bool) {
	if len(p.Examples) > 0 {
		return p.Examples[0], true
	}
	if p.Schema != nil {
		if p.Schema.Default != nil {
			return ScalarText(p.Schema.Default), true
		}
		if len(p.Schema.Enum) > 0 {
			return ScalarText(p.Schema.Enum[0]), true
		}
	}
	return "", false
}

// scalarText writes a spec example, default or enum value as text.
func ScalarText(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case float64:
		if t == float64(int64(t)) {
			return fmt.Sprintf("%d", int64(t))
		}
		return fmt.Sprint(t)
	default:
		return fmt.Sprint(t)
	}
}
