package plan

import (
	"fmt"
	"strings"

	"github.com/bolaharness/bolaharness/harness/internal/sortedkeys"

	"github.com/bolaharness/bolaharness/harness/spec"

	"github.com/getkin/kin-openapi/openapi3"
)

// linkMatches reads the OpenAPI links of the listing's 2xx responses:
// `parameters: {wid: $response.body#/ref}` feeds {wid}.
func linkMatches(op spec.Operation, spec *spec.Spec, targets map[string]*harvestTarget, own map[string]bool) []feedMatch {
	if op.Raw == nil || op.Raw.Responses == nil {
		return nil
	}
	var out []feedMatch
	responses := op.Raw.Responses.Map()
	for _, code := range sortedkeys.Of(responses) {
		r := responses[code]
		if !strings.HasPrefix(code, "2") || r == nil || r.Value == nil {
			continue
		}
		for _, ln := range sortedkeys.Of(r.Value.Links) {
			l := r.Value.Links[ln]
			if l == nil || l.Value == nil {
				continue
			}
			target := linkTarget(spec, l.Value)
			for _, pn := range sortedkeys.Of(l.Value.Parameters) {
				name := pn[strings.IndexByte(pn, '.')+1:]
				expr, ok := l.Value.Parameters[pn].(string)
				t := targets[name]
				steps := pointerSteps(strings.TrimPrefix(expr, "$response.body#"))
				if !ok || t == nil || own[name] || !strings.HasPrefix(expr, "$response.body#") || len(steps) == 0 {
					continue
				}
				out = append(out, feedMatch{Param: name, Steps: steps,
					kind: "link", why: fmt.Sprintf("the response's link %q passes %s to {%s}%s", ln, expr, name, target)})
			}
		}
	}
	return out
}

// linkTarget names the operation a link leads to, for the reason.
func linkTarget(spec *spec.Spec, l *openapi3.Link) string {
	if l.OperationID != "" {
		for _, op := range spec.Operations {
			if op.ID == l.OperationID {
				return " of " + op.Key()
			}
		}
		return " of operation " + l.OperationID
	}
	if l.OperationRef != "" {
		return " of " + l.OperationRef
	}
	return ""
}

// pointerSteps turns a JSON pointer ("/data/0/id") into steps.
func pointerSteps(ptr string) []string {
	ptr = strings.TrimPrefix(ptr, "/")
	if ptr == "" {
		return nil
	}
	parts := strings.Split(ptr, "/")
	for i, p := range parts {
		parts[i] = strings.NewReplacer("~1", "/", "~0", "~").Replace(p)
	}
	return parts
}
