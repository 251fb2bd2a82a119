package plan

import (
	"encoding/json"
	"testing"

	"github.com/bolaharness/bolaharness/harness/spec"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func loadPlaces(t *testing.T) *spec.Spec {
	t.Helper()
	s, err := spec.LoadSpec("../testdata/places/api.yaml")
	require.NoError(t, err)
	return s
}

// plannedParams is "<in> <name>" of each id parameter, per operation.
func plannedParams(p Plan) map[string][]string {
	out := map[string][]string{}
	for _, op := range p.Operations {
		for _, ip := range op.IDParameters {
			out[op.Operation] = append(out[op.Operation], ip.In+" "+ip.Name)
		}
	}
	return out
}

func TestBuildPlan_IDsOutsideThePath(t *testing.T) {
	p := BuildPlan(loadPlaces(t), PlanOptions{Methods: []string{"GET", "POST"}})
	assert.Equal(t, map[string][]string{
		"GET /messages":      {"query threadId"},
		"GET /account":       {"header X-Account-Id"},
		"POST /search":       {"body /filter/username", "body /owner_id"},
		"GET /notifications": {"query user_id"},
		"GET /docs/{docId}":  {"path docId"},
		// POST /docs/{docId}/archive writes: judged by reading the doc back.
		"POST /docs/{docId}/archive": {"path docId"},
	}, plannedParams(p))
	assert.Equal(t, "no GET reads its object back (GET /imports/{importId}, or the path without a trailing action); a write is judged only by reading the object back as its owner",
		planOutcome(p)["POST /imports/{importId}"])
	for _, op := range p.Operations {
		switch op.Operation {
		case "POST /search":
			assert.Nil(t, op.Write, "a POST search reads: judged by the read oracle")
			assert.Contains(t, op.IDParameters[1].Reasons, `names an owner ("owner_id")`)
		case "GET /notifications":
			assert.True(t, op.IDParameters[0].Added)
			assert.Equal(t, []string{addedReason}, op.IDParameters[0].Reasons)
		case "POST /docs/{docId}/archive":
			require.NotNil(t, op.Write)
			assert.Equal(t, "GET /docs/{docId}", op.Write.Readback, "the path without its trailing action")
			assert.Empty(t, op.Write.Restore, "PUT would restore it, but PUT is not allowed")
			assert.Contains(t, op.Write.Note, "PUT /docs/{docId} would write the old value back, but the config's methods do not allow PUT")
		}
	}
}

func TestBuildPlan_Writes(t *testing.T) {
	p := BuildPlan(loadPlaces(t), PlanOptions{Methods: []string{"GET", "PUT", "POST", "DELETE"}})
	writes := map[string]*PlannedWrite{}
	for _, op := range p.Operations {
		writes[op.Operation] = op.Write
	}
	require.NotNil(t, writes["PUT /docs/{docId}"])
	assert.Equal(t, PlannedWrite{Readback: "GET /docs/{docId}", Restore: "PUT /docs/{docId}"},
		PlannedWrite{Readback: writes["PUT /docs/{docId}"].Readback, Restore: writes["PUT /docs/{docId}"].Restore})
	assert.Equal(t, "PUT /docs/{docId}", writes["POST /docs/{docId}/archive"].Restore, "an action is undone by the object's PUT")
	assert.Contains(t, writes["DELETE /docs/{docId}"].Note, "destroy")
	assert.Empty(t, writes["DELETE /docs/{docId}"].Restore)
	assert.Nil(t, writes["GET /docs/{docId}"])

	data, err := json.Marshal(p)
	require.NoError(t, err)
	assert.Contains(t, string(data), `"write":{"readback":"GET /docs/{docId}","restore":"PUT /docs/{docId}"}`)

	def := BuildPlan(loadPlaces(t), PlanOptions{})
	for _, op := range def.Operations {
		assert.Nil(t, op.Write, "by default (GET, HEAD) nothing writes: %s", op.Operation)
	}
	assert.Contains(t, planOutcome(def)["PUT /docs/{docId}"], "method PUT not allowed")

	noGet := BuildPlan(loadPlaces(t), PlanOptions{Methods: []string{"PUT"}})
	assert.Equal(t, "a write is judged by reading its object back with GET /docs/{docId}, which the config's methods do not allow; add GET to methods",
		planOutcome(noGet)["PUT /docs/{docId}"])
}

func TestStripActionAndReadLikePost(t *testing.T) {
	tests := []struct {
		path, want string
		ok         bool
	}{
		{"/docs/{id}/archive", "/docs/{id}", true},
		{"/a/{a}/b/{b}/approve", "/a/{a}/b/{b}", true},
		{"/docs/{id}", "", false},
		{"/profile", "", false},
		{"/search/run", "", false},
	}
	for _, tt := range tests {
		got, ok := stripAction(tt.path)
		assert.Equal(t, tt.ok, ok, tt.path)
		assert.Equal(t, tt.want, got, tt.path)
	}
	assert.True(t, readLikePost(spec.Operation{Method: "POST", Path: "/v1/search"}))
	assert.True(t, readLikePost(spec.Operation{Method: "POST", Path: "/things", ID: "listThingsByFilter"}))
	assert.False(t, readLikePost(spec.Operation{Method: "POST", Path: "/imports/{id}", ID: "startImport"}))
}

func TestAddedParam_Bounded(t *testing.T) {
	tests := []struct {
		name string
		op   spec.Operation
		want bool
	}{
		{"a GET collection", spec.Operation{Method: "GET", Path: "/notifications"}, true},
		{"a path id: no", spec.Operation{Method: "GET", Path: "/a/{id}", Params: []spec.Param{{Name: "id", In: "path"}}}, false},
		{"a write: no", spec.Operation{Method: "POST", Path: "/notifications"}, false},
		{"the spec lists user_id itself", spec.Operation{Method: "GET", Path: "/n", Params: []spec.Param{{Name: "user_id", In: "query"}}}, false},
	}
	for _, tt := range tests {
		p, ok := addedParam(tt.op, nil)
		assert.Equal(t, tt.want, ok, tt.name)
		if ok {
			assert.True(t, spec.IsAdded(tt.op, p))
			assert.Equal(t, "query", p.In)
		}
	}
}
