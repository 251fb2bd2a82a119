package harness

import (
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// AddedParamName is the query parameter the harness adds to a GET
// collection that lists no id of its own: `GET /messages?user_id=2`. A
// handler that scopes the collection by the caller may still honour an
// owner filter that an admin tool or an older client used.
const AddedParamName = "user_id"

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

// isAdded reports whether p is a parameter the harness added to op, which
// the spec does not list.
func isAdded(op Operation, p IDParam) bool {
	if p.In != openapi3.ParameterInQuery || p.Name != AddedParamName {
		return false
	}
	for _, q := range op.Params {
		if q.Name == p.Name && q.In == p.In {
			return false
		}
	}
	return true
}
