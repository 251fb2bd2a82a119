package spec

import (
	"testing"

	"github.com/bolaharness/bolaharness/harness/words"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOwnerLikeName(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"user_id", true}, {"ownerId", true}, {"owner", true}, {"username", true}, {"X-Account-Id", true},
		{"fromAccountId", true}, {"created_by", true}, {"customer_email", true}, {"tenant", true},
		{"threadId", false}, {"title", false}, {"account_type", false}, {"X-Request-Id", false}, {"by", false}, {"", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, words.OwnerLikeName(tt.name), tt.name)
	}
}

// TestDetectIDParams_OwnerSignalOnlyOutsideThePath: an owner reference is
// the key of a query or body lookup; in a path it is scored as before.
func TestDetectIDParams_OwnerSignalOnlyOutsideThePath(t *testing.T) {
	op := pathOp("/teams/{owner}", strParam("owner", "path"), strParam("owner", "query"))
	ids := DetectIDParamsIn(op, nil, "path", "query")
	require.Len(t, ids, 2)
	assert.Equal(t, []string{`follows collection segment "teams"`}, ids[0].Reasons)
	assert.Equal(t, []string{`names an owner ("owner")`}, ids[1].Reasons)
}

func TestDetectBodyIDParams(t *testing.T) {
	s := loadPlaces(t)
	search := findOp(t, s, "POST /search")
	ids := DetectBodyIDParams(search, nil)
	assert.Equal(t, map[string]string{
		"/filter/username": `name "username"; names an owner ("username")`,
		"/owner_id":        `name "owner_id" ends in _id; names an owner ("owner_id"); schema type integer`,
	}, idNames(ids), "read-only fields, arrays, dates and free text are not ids")
	for _, p := range ids {
		assert.Equal(t, InBody, p.In)
	}
	assert.True(t, ids[1].Required, "owner_id is required by the body schema")

	byPointer := idNames(DetectBodyIDParams(search, map[string]bool{"/query": true}))
	assert.Contains(t, byPointer["/query"], "owns key in config", "owns names a field by pointer")
	byKey := idNames(DetectBodyIDParams(search, map[string]bool{"query": true}))
	assert.Contains(t, byKey, "/query", "or by key")

	put := findOp(t, s, "PUT /docs/{docId}")
	assert.Equal(t, []string{"/owner_email"}, names(DetectBodyIDParams(put, nil)), "allOf parts are merged")
	assert.Empty(t, DetectBodyIDParams(findOp(t, s, "GET /messages"), nil), "no body, no body ids")
}

func TestDetectPlaceIDs_Order(t *testing.T) {
	op := pathOp("/a/{a_id}", strParam("X-Tenant-Id", "header"), strParam("a_id", "path"), strParam("b_id", "query"))
	assert.Equal(t, []string{"a_id", "X-Tenant-Id", "b_id"}, names(DetectPlaceIDs(op, nil)), "path first, then the others as listed")
}

func TestParamTestName(t *testing.T) {
	assert.Equal(t, "~1owner_id", ParamTestName(IDParam{Param: Param{Name: "/owner_id", In: InBody}}))
	assert.Equal(t, "~1filter~1a~00b", ParamTestName(IDParam{Param: Param{Name: "/filter/a~0b", In: InBody}}))
	assert.Equal(t, "X-Account-Id", ParamTestName(IDParam{Param: Param{Name: "X-Account-Id", In: "header"}}))
}

func names(ids []IDParam) []string {
	var out []string
	for _, p := range ids {
		out = append(out, p.Name)
	}
	return out
}
