package engine

import (
	"github.com/bolaharness/bolaharness/harness/mutate"
	"github.com/bolaharness/bolaharness/harness/report"
	"github.com/bolaharness/bolaharness/harness/spec"
	"github.com/getkin/kin-openapi/openapi3"
	"strings"
)

// Findings for ids outside the path and for writes: where the id travels,
// the value as that place carried it, a curl line with the headers and
// body the request had, and for writes the owner's read-back as control.

// placementKind is the flaw kind a placement case names, or "".
func placementKind(c mutate.Case) string {
	switch c.Placement {
	case mutate.PlaceDuplicateMineFirst, mutate.PlaceDuplicateTheirsFirst:
		return "parameter-pollution"
	case mutate.PlaceArrayParam, mutate.PlaceJSONList, mutate.PlaceJSONListTheirsFirst:
		return "list-confusion"
	case mutate.PlaceAddedParam:
		return "added-parameter"
	}
	return ""
}

// pathIDCount is how many path ids the operation has when the attacked
// id is one of them (a child under a parent), else 0.
func pathIDCount(g *group) int {
	if g.p.In != openapi3.ParameterInPath {
		return 0
	}
	n := 0
	for _, p := range g.op.IDs {
		if p.In == openapi3.ParameterInPath {
			n++
		}
	}
	return n
}

// placeFinding completes f for the place of its id and for writes.
func (s *Scan) placeFinding(f *report.Finding, g *group, m *Outcome) {
	f.In = g.p.In
	if g.p.In == spec.InBody {
		f.Pointer = g.p.Name
	}
	if m.C.Placed != "" {
		f.Value = m.C.Placed
	}
	if m.Req.Method != "" {
		f.Curl = s.curl(g, m.Req)
	}
	if m.write == nil {
		return
	}
	f.Kind = "write"
	f.Control = m.write.readback
	f.Reasons = append(append(append([]string{}, f.Reasons...), m.write.restored...), m.write.notes...)
}

// leakVerb is what the attacker did to the victim's object.
func leakVerb(f *report.Finding) string {
	if m, _, _ := strings.Cut(f.Operation, " "); f.Kind == "write" || f.Kind == KindScopeBypass || (m != "GET" && m != "HEAD" && m != "") {
		return "changed"
	}
	return "read"
}
