package engine

import (
	"github.com/bolaharness/bolaharness/harness/mutate"
	"github.com/bolaharness/bolaharness/harness/spec"
	"github.com/getkin/kin-openapi/openapi3"
)

// cases draws the group's cases. Path ids use the drawn list as it is.
// Elsewhere each case is rewritten for its place (variants a place cannot
// carry, or carries alike, are dropped), and the placements follow. An
// added parameter is probed with the victim's identity value alone.
func (g *group) cases() []mutate.Case {
	in := mutate.CaseInput{Param: g.p.Name, Schema: g.p.Schema, VictimIDs: g.victimIDs(),
		AttackerIDs: idsOf(g.a, g.p), Victim: g.v.Name}
	if spec.IsAdded(g.op.Op, g.p) {
		return g.addedCases(in)
	}
	cs := mutate.GenerateCases(in, g.s.Cfg.Cases, g.seed())
	if g.p.In == openapi3.ParameterInPath {
		return cs
	}
	return g.placeCases(cs, in)
}

// placeCases rewrites drawn cases for the parameter's place and adds the
// placements.
func (g *group) placeCases(cs []mutate.Case, in mutate.CaseInput) []mutate.Case {
	var out []mutate.Case
	seen := map[string]bool{}
	for _, c := range cs {
		pc, ok := g.placed(c)
		if !ok || seen[pc.Placed] {
			continue
		}
		seen[pc.Placed] = true
		out = append(out, pc)
	}
	out = append(out, g.placements(in)...)
	mutate.NumberNames(out)
	return out
}

// placed is c with its value written for the parameter's place.
func (g *group) placed(c mutate.Case) (mutate.Case, bool) {
	if g.p.In == openapi3.ParameterInPath {
		return c, true
	}
	text, ok := mutate.PlaceText(g.p, c.Wire, c.Base)
	if !ok {
		return c, false
	}
	c.Placed = text
	return c, true
}

// placements are the arrangement cases for the victim's first id: the
// duplicated and array forms of a query parameter, the list form of a body
// field. Each needs the attacker's own id, which a handler checks.
func (g *group) placements(in mutate.CaseInput) []mutate.Case {
	if len(in.VictimIDs) == 0 {
		return nil
	}
	theirs := in.VictimIDs[0]
	mine := ""
	for _, id := range in.AttackerIDs {
		if id != theirs {
			mine = id
			break
		}
	}
	var kinds []string
	switch g.p.In {
	case openapi3.ParameterInQuery:
		kinds = []string{mutate.PlaceArrayParam}
		if mine != "" {
			kinds = append([]string{mutate.PlaceDuplicateMineFirst, mutate.PlaceDuplicateTheirsFirst}, kinds...)
		}
	case spec.InBody:
		if mine != "" {
			kinds = []string{mutate.PlaceJSONList, mutate.PlaceJSONListTheirsFirst}
		}
	}
	var out []mutate.Case
	for _, k := range kinds {
		c := g.PlainCase(theirs)
		c.Owner, c.Placement, c.Mine = g.v.Name, k, mine
		out = append(out, c)
	}
	return out
}

// addedCases probe an added parameter: the victim's identity value, plain.
func (g *group) addedCases(in mutate.CaseInput) []mutate.Case {
	if len(in.VictimIDs) == 0 {
		return nil
	}
	c := g.PlainCase(in.VictimIDs[0])
	c.Owner, c.Placement = g.v.Name, mutate.PlaceAddedParam
	return []mutate.Case{c}
}
