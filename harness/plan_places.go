package harness

import (
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// addedReason explains an added parameter in plans and reports.
const addedReason = "added by the harness: the spec lists no id here; a handler that scopes the collection by the caller may still honour ?user_id=<the victim's identity id>"

// addedParam is the parameter added to op, when op is a GET without path
// parameters that does not list user_id itself. One name, one value per
// user pair: the probe stays small.
func addedParam(op Operation) (IDParam, bool) {
	if op.Method != "GET" || strings.Contains(op.Path, "{") || actionReason(op) != "" {
		return IDParam{}, false // never a probe on a GET that acts (/logout)
	}
	for _, p := range op.Params {
		if p.Name == AddedParamName {
			return IDParam{}, false
		}
	}
	p := Param{Name: AddedParamName, In: openapi3.ParameterInQuery}
	return IDParam{Param: p, Reasons: []string{addedReason}}, true
}
