package engine

import (
	"strings"
	"testing"

	"github.com/bolaharness/bolaharness/harness/mutate"
	"github.com/bolaharness/bolaharness/harness/report"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// caseNames is each case's "<mutation>=<value as placed>".
func caseNames(cs []mutate.Case) map[string]bool {
	out := map[string]bool{}
	for _, c := range cs {
		out[c.Name()] = true
	}
	return out
}

func TestGroupCases_Places(t *testing.T) {
	s, plan := placesScan(t, "GET", "POST")
	tests := []struct {
		op, param string
		want      []string // names that must be drawn
		none      string   // a substring no case name may hold
	}{
		{"GET /messages", "threadId", []string{"swap=901", "duplicate-param-mine-first=901", "duplicate-param-theirs-first=901",
			"array-param=901", "plus-sign=%2B901", "leading-zeros=0901"}, "json-list"},
		{"GET /account", "X-Account-Id", []string{"swap=20", "plus-sign=+20", "leading-zeros=020"}, "pct-encode"},
		{"POST /search", "/owner_id", []string{"swap=12", `json-list=12`, `json-list-theirs-first=12`, `leading-zeros="012"`, "float=12.0"}, "duplicate"},
		{"GET /notifications", "user_id", []string{"added-param=12"}, "swap"},
	}
	for _, tt := range tests {
		g := placesGroup(t, s, plan, tt.op, tt.param)
		cs := g.cases()
		got := caseNames(cs)
		for _, w := range tt.want {
			assert.True(t, got[w], "%s %s: no case %s in %v", tt.op, tt.param, w, got)
		}
		placed := map[string]bool{}
		for _, c := range cs {
			assert.NotContains(t, c.Name(), tt.none, tt.op)
			key := c.Placement + "\x00" + c.Placed
			assert.False(t, placed[key], "%s: %s sent twice", tt.op, c.Name())
			placed[key] = true
		}
		assert.Len(t, got, len(cs), "%s: names are unique", tt.op)
	}
	added := placesGroup(t, s, plan, "GET /notifications", "user_id").cases()
	require.Len(t, added, 1, "an added parameter is probed once per pair")
	assert.Equal(t, "bob", added[0].Owner)
}

func TestCaseMutation_Placement(t *testing.T) {
	c := mutate.Case{Source: mutate.SourceVictim, Placement: mutate.PlaceJSONList, Placed: "12"}
	assert.Equal(t, "json-list", c.Mutation())
	assert.Equal(t, "json-list=12", c.Name())
	c.Transforms = []mutate.Transform{{Kind: mutate.KindLeadingZeros, N: 1}}
	assert.Equal(t, "json-list:leading-zeros", c.Mutation())
	assert.False(t, mutate.IsPlainSwap(mutate.Case{Source: mutate.SourceVictim, Placement: mutate.PlaceArrayParam}), "a placement is no plain swap")
	assert.True(t, mutate.IsPlainSwap(mutate.Case{Source: mutate.SourceVictim}))
}

func TestPlacedTexts(t *testing.T) {
	assert.Equal(t, []string{`"bob"`, "bob"}, mutate.PlacedTexts(`"bob"`))
	assert.Equal(t, []string{"%2B20", "+20"}, mutate.PlacedTexts("%2B20"))
	assert.Nil(t, mutate.PlacedTexts(""))
}

// TestPlacementKinds: each placement is reported under its own kind.
func TestPlacementKinds(t *testing.T) {
	for placement, kind := range map[string]string{
		mutate.PlaceDuplicateMineFirst: "parameter-pollution", mutate.PlaceDuplicateTheirsFirst: "parameter-pollution",
		mutate.PlaceArrayParam: "list-confusion", mutate.PlaceJSONList: "list-confusion", mutate.PlaceAddedParam: "added-parameter", "": "",
	} {
		assert.Equal(t, kind, placementKind(mutate.Case{Placement: placement}), placement)
		if kind != "" {
			assert.True(t, strings.HasPrefix(report.KindOf(kind).RuleID, "bola/"), kind)
			assert.NotEqual(t, report.FlawKinds()[0].Remediation, report.Remediation(kind), "%s has its own remediation", kind)
		}
	}
	assert.NotEqual(t, report.FlawKinds()[0].Remediation, report.Remediation("write"))
}
