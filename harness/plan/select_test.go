package plan

import (
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"

	"github.com/bolaharness/bolaharness/harness/spec"
)

func TestSelects(t *testing.T) {
	op := spec.Operation{Method: "GET", Path: "/admin/users/{id}", ID: "getAdminUser", Raw: &openapi3.Operation{Tags: []string{"Admin", "users"}}}
	cases := []struct {
		sel  string
		want bool
	}{
		{"GET /admin/users/{id}", true},
		{"get /admin/users/{id}", true},
		{"DELETE /admin/users/{id}", false},
		{"GET /admin/**", true},
		{"POST /admin/**", false},
		{"getAdminUser", true},
		{"getadminuser", false},
		{"tag:admin", true},
		{"tag:users", true},
		{"tag:billing", false},
		{"/admin/**", true},
		{"/**", true},
		{"/admin/*", false},
		{"/admin/*/*", true},
		{"/admin/users/{id}", true},
		{"/admin/users/{other}", false},
		{"/*/users/**", true},
		{"/adm*/**", true},
		{"/[", false},
		{"/users/**", false},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, Selects(c.sel, op), c.sel)
	}
	assert.False(t, Selects("", spec.Operation{Method: "GET", Path: "/x"}), "an empty operationId is never selected by an empty selector")
	assert.False(t, Selects("tag:x", spec.Operation{Method: "GET", Path: "/x"}), "no raw operation, no tags")
}

func TestApplySelection(t *testing.T) {
	mk := func(m, p, id string) PlannedOperation {
		return PlannedOperation{Operation: m + " " + p, Op: spec.Operation{Method: m, Path: p, ID: id}}
	}
	base := Plan{Operations: []PlannedOperation{mk("GET", "/a/{id}", "getA"), mk("GET", "/b/{id}", "getB"), mk("GET", "/b/{id}/c/{cid}", "getC")}}
	cp := func() Plan { p := base; p.Operations = append([]PlannedOperation(nil), base.Operations...); return p }

	got := applySelection(cp(), nil, nil)
	assert.Len(t, got.Operations, 3, "no selectors: every operation")

	got = applySelection(cp(), []string{"/b/**"}, []string{"getC", "nothing"})
	if assert.Len(t, got.Operations, 1) {
		assert.Equal(t, "GET /b/{id}", got.Operations[0].Operation)
	}
	assert.Equal(t, []Skip{
		{Operation: "GET /a/{id}", Why: "not selected: matches none of include (/b/**)"},
		{Operation: "GET /b/{id}/c/{cid}", Why: "excluded by exclude (getC)"},
	}, got.Skipped)
	if assert.Len(t, got.Warnings, 1) {
		assert.Contains(t, got.Warnings[0], `exclude: "nothing" matches no operation`)
	}
}
