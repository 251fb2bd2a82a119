package plan

import (
	"fmt"
	"path"
	"strings"

	"github.com/bolaharness/bolaharness/harness/spec"
)

// Selects reports whether the selector sel names op. A selector is one of:
// "GET /users/{id}" (the method and the path exactly as the spec writes it,
// or a path glob after the method), an operationId ("getUser"), "tag:NAME"
// (an OpenAPI tag of the operation) or a path glob of any method
// ("/admin/**"), where * matches within one path segment and ** any
// number of whole segments. The config's `include` and `exclude` keys and
// the CLI's -include and -exclude flags take selectors.
func Selects(sel string, op spec.Operation) bool {
	sel = strings.TrimSpace(sel)
	if tag, ok := strings.CutPrefix(sel, "tag:"); ok {
		return op.Raw != nil && containsFold(op.Raw.Tags, strings.TrimSpace(tag))
	}
	if m, p, spaced := strings.Cut(sel, " "); spaced && !strings.HasPrefix(sel, "/") {
		return strings.EqualFold(m, op.Method) && globPath(strings.TrimSpace(p), op.Path)
	}
	if strings.HasPrefix(sel, "/") {
		return globPath(sel, op.Path)
	}
	return op.ID != "" && sel == op.ID
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// globPath matches a path template against a glob of segments: a literal
// template ("/users/{id}") matches itself, * one segment's text, ** any
// number of segments.
func globPath(glob, p string) bool {
	return globSegs(strings.Split(strings.Trim(glob, "/"), "/"), strings.Split(strings.Trim(p, "/"), "/"))
}

func globSegs(g, p []string) bool {
	if len(g) == 0 {
		return len(p) == 0
	}
	if g[0] == "**" {
		for i := 0; i <= len(p); i++ {
			if globSegs(g[1:], p[i:]) {
				return true
			}
		}
		return false
	}
	if len(p) == 0 {
		return false
	}
	if g[0] != p[0] {
		// path.Match treats {id} literally; only * and ? are special. A
		// malformed pattern ("[") matches nothing rather than everything.
		if ok, err := path.Match(g[0], p[0]); err != nil || !ok {
			return false
		}
	}
	return globSegs(g[1:], p[1:])
}

// applySelection keeps the operations include selects (all when include is
// empty) minus those exclude selects; each one left out says which
// selector did it, and a selector that matches no operation is a warning
// (a typo would otherwise quietly scan everything, or nothing).
func applySelection(plan Plan, include, exclude []string) Plan {
	if len(include) == 0 && len(exclude) == 0 {
		return plan
	}
	used := map[string]bool{}
	kept := plan.Operations[:0:0]
	for _, op := range plan.Operations {
		in := firstSelector(include, op.Op)
		out := firstSelector(exclude, op.Op)
		used[in], used[out] = true, true
		switch {
		case len(include) > 0 && in == "":
			plan.Skipped = append(plan.Skipped, Skip{Operation: op.Operation,
				Why: fmt.Sprintf("not selected: matches none of include (%s)", strings.Join(include, ", "))})
		case out != "":
			plan.Skipped = append(plan.Skipped, Skip{Operation: op.Operation, Why: fmt.Sprintf("excluded by exclude (%s)", out)})
		default:
			kept = append(kept, op)
		}
	}
	plan.Operations = kept
	for _, keyed := range []struct {
		key  string
		list []string
	}{{"include", include}, {"exclude", exclude}} {
		for _, s := range keyed.list {
			if !used[s] {
				plan.Warnings = append(plan.Warnings, fmt.Sprintf("%s: %q matches no operation that takes an object id; write \"GET /path/{param}\", a path glob (/admin/**), tag:NAME or an operationId", keyed.key, s))
			}
		}
	}
	return plan
}

// firstSelector is the first of sels that selects op, or "".
func firstSelector(sels []string, op spec.Operation) string {
	for _, s := range sels {
		if Selects(s, op) {
			return s
		}
	}
	return ""
}
