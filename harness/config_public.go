package harness

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// readPublic reads the `public` list: operations that every user may read
// by design, named as "METHOD /path" or by operationId.
func (p *parser) readPublic(n *yaml.Node) ([]string, error) {
	var out []string
	for i, item := range listItems(n) {
		key := fmt.Sprintf("public[%d]", i)
		s, ok, err := p.text(key, item, "")
		if err != nil {
			return nil, err
		}
		if s = strings.TrimSpace(s); !ok || s == "" {
			return nil, p.errAt(key, deref(item), "empty; name an operation as \"GET /users/{id}\" or by its operationId")
		}
		if m, path, spaced := strings.Cut(s, " "); spaced {
			s = strings.ToUpper(m) + " " + strings.TrimSpace(path)
		}
		out = append(out, s)
	}
	return out, nil
}

// applyPublic moves the operations the config declares public from the
// attack to the skipped list, and warns about names that match nothing.
func applyPublic(plan Plan, public []string) Plan {
	if len(public) == 0 {
		return plan
	}
	used := map[string]bool{}
	kept := plan.Operations[:0:0]
	for _, op := range plan.Operations {
		name := ""
		for _, p := range public {
			if p == op.Operation || (op.Op.ID != "" && p == op.Op.ID) {
				name = p
			}
		}
		if name == "" {
			kept = append(kept, op)
			continue
		}
		used[name] = true
		plan.Skipped = append(plan.Skipped, Skip{Operation: op.Operation, Why: "public by design: listed under public (" + name + ") in the config"})
	}
	plan.Operations = kept
	for _, p := range public {
		if !used[p] {
			plan.Warnings = append(plan.Warnings, fmt.Sprintf("public: %q matches no attacked operation; write it as \"GET /path/{param}\" exactly as the spec does, or as an operationId", p))
		}
	}
	return plan
}
