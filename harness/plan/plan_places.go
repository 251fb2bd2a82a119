package plan

import (
	"strings"

	"github.com/bolaharness/bolaharness/harness/spec"

	"github.com/getkin/kin-openapi/openapi3"
)

// addedReason explains an added parameter in plans and reports.
const addedReason = "added by the harness: the spec lists no id here; a handler that scopes the collection by the caller may still honour ?user_id=<the victim's identity id>"

// addedParam is the parameter added to op, when op is a GET without path
// parameters that does not list user_id itself. One name, one value per
// user pair: the probe stays small.
func addedParam(op spec.Operation, actions *actionMemo) (spec.IDParam, bool) {
	if op.Method != "GET" || strings.Contains(op.Path, "{") || actions.reason(op) != "" {
		return spec.IDParam{}, false // never a probe on a GET that acts (/logout)
	}
	for _, p := range op.Params {
		if p.Name == spec.AddedParamName {
			return spec.IDParam{}, false
		}
	}
	p := spec.Param{Name: spec.AddedParamName, In: openapi3.ParameterInQuery}
	return spec.IDParam{Param: p, Reasons: []string{addedReason}}, true
}
