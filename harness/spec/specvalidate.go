package spec

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/bolaharness/bolaharness/harness/internal/sortedkeys"

	"github.com/getkin/kin-openapi/openapi3"
)

// validationWarnings checks, with kin-openapi's own validators, the parts of
// the document the harness reads: servers, security schemes, path templates,
// operationIds (they name subtests) and the operations' parameters. Request
// and response bodies are not validated: no problem there changes what the
// harness sends or how it judges, and kin-openapi's full doc.Validate spent
// three times as long as the whole load of Stripe's spec on those schemas
// (see docs/performance.md). Problems are warnings, never fatal.
func validationWarnings(file string, doc *openapi3.T) []string {
	ctx := context.Background()
	if doc.IsOpenAPI31OrLater() {
		ctx = openapi3.WithValidationOptions(ctx, openapi3.IsOpenAPI31OrLater())
	}
	v := &specValidator{file: file}
	v.Add("servers", doc.Servers.Validate(ctx))
	if c := doc.Components; c != nil {
		for _, name := range sortedkeys.Of(c.SecuritySchemes) {
			if ref := c.SecuritySchemes[name]; ref != nil {
				v.Add("components.securitySchemes."+name, ref.Validate(ctx))
			}
		}
	}
	v.operations(ctx, doc)
	return v.warnings()
}

// specValidator gathers the problems of one document.
type specValidator struct {
	file     string
	problems []string
	seen     map[*openapi3.Parameter]bool // a shared parameter is checked once
}

func (v *specValidator) Add(where string, err error) {
	if err != nil {
		v.problems = append(v.problems, where+": "+err.Error())
	}
}

func (v *specValidator) operations(ctx context.Context, doc *openapi3.T) {
	v.seen = map[*openapi3.Parameter]bool{}
	ids := map[string]string{}
	items := pathItems(doc)
	for _, path := range sortedkeys.Of(items) {
		item := items[path]
		if item == nil {
			continue
		}
		ops := item.Operations()
		methods := make([]string, 0, len(ops))
		for m := range ops {
			methods = append(methods, m)
		}
		sortMethods(methods)
		for _, m := range methods {
			op := ops[m]
			if op == nil {
				continue
			}
			key := strings.ToUpper(m) + " " + path
			v.parameters(ctx, key, item.Parameters, op.Parameters)
			v.pathTemplate(key, path, item.Parameters, op.Parameters)
			if op.OperationID != "" {
				if first, dup := ids[op.OperationID]; dup {
					v.problems = append(v.problems, fmt.Sprintf("%s: operationId %q is also used by %s; subtest names will repeat", key, op.OperationID, first))
				} else {
					ids[op.OperationID] = key
				}
			}
		}
	}
}

func (v *specValidator) parameters(ctx context.Context, key string, lists ...openapi3.Parameters) {
	for _, list := range lists {
		for _, ref := range list {
			if ref == nil || ref.Value == nil || v.seen[ref.Value] {
				continue
			}
			v.seen[ref.Value] = true
			v.Add(fmt.Sprintf("%s: parameter %q", key, ref.Value.Name), ref.Value.Validate(ctx))
		}
	}
}

// pathTemplate reports template variables no parameter declares: the
// harness could not fill them.
func (v *specValidator) pathTemplate(key, path string, lists ...openapi3.Parameters) {
	declared := map[string]bool{}
	for _, list := range lists {
		for _, ref := range list {
			if ref != nil && ref.Value != nil && ref.Value.In == openapi3.ParameterInPath {
				declared[ref.Value.Name] = true
			}
		}
	}
	var missing []string
	for _, m := range IdTemplateParam.FindAllStringSubmatch(path, -1) {
		if !declared[m[1]] {
			missing = append(missing, m[1])
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		v.problems = append(v.problems, fmt.Sprintf("%s: path parameters %s are not declared", key, strings.Join(missing, ", ")))
	}
}

// warnings are the problems as warnings, the first maxValidationWarnings one
// by one: real specs can hold hundreds, and the first ones say enough.
func (v *specValidator) warnings() []string {
	var out []string
	for i, p := range v.problems {
		if i == maxValidationWarnings {
			out = append(out, fmt.Sprintf("%s: validation: %d more problems not listed", v.file, len(v.problems)-i))
			break
		}
		out = append(out, fmt.Sprintf("%s: validation: %s", v.file, FirstLine(p, 240)))
	}
	return out
}
