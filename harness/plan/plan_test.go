package plan

import (
	"encoding/json"
	"testing"

	"github.com/bolaharness/bolaharness/harness/spec"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func loadV30(t *testing.T) *spec.Spec {
	t.Helper()
	s, err := spec.LoadSpec("../testdata/specs/v30.yaml")
	require.NoError(t, err)
	return s
}

// planOutcome is "planned" or the skip reason, per operation.
func planOutcome(p Plan) map[string]string {
	out := map[string]string{}
	for _, op := range p.Operations {
		out[op.Operation] = "planned"
	}
	for _, s := range p.Skipped {
		out[s.Operation] = s.Why
	}
	return out
}

func TestBuildPlan_SkipReasons(t *testing.T) {
	s := loadV30(t)
	tests := []struct {
		name    string
		methods []string
		want    map[string]string
	}{
		{"zero options allow GET and HEAD", nil, map[string]string{
			"GET /invoices/{invoice_id}":    "planned",
			"DELETE /invoices/{invoice_id}": "method DELETE not allowed by the config's methods (GET, HEAD); add it to methods to test it",
			"GET /health":                   "public: security: [] on the operation",
			"GET /maybe/{thing_id}":         "public: the operation's security lists an empty requirement {} (authentication optional)",
			"GET /keyed/{doc_id}":           "planned", // any user's apiKey, in the query
			"GET /ghost/{id}":               `needs a scheme the harness cannot send: unknown scheme "Ghost" from the operation's security`,
			"GET /me":                       "planned", // with an added ?user_id (plan_places.go)
		}},
		{"method is checked before security", []string{"delete", "POST"}, map[string]string{
			"GET /invoices/{invoice_id}":    "method GET not allowed by the config's methods (DELETE, POST); add it to methods to test it",
			"DELETE /invoices/{invoice_id}": "a write is judged by reading its object back with GET /invoices/{invoice_id}, which the config's methods do not allow; add GET to methods",
			"GET /health":                   "method GET not allowed by the config's methods (DELETE, POST); add it to methods to test it",
			"GET /maybe/{thing_id}":         "method GET not allowed by the config's methods (DELETE, POST); add it to methods to test it",
			"GET /keyed/{doc_id}":           "method GET not allowed by the config's methods (DELETE, POST); add it to methods to test it",
			"GET /ghost/{id}":               "method GET not allowed by the config's methods (DELETE, POST); add it to methods to test it",
			"GET /me":                       "method GET not allowed by the config's methods (DELETE, POST); add it to methods to test it",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := BuildPlan(s, PlanOptions{Methods: tt.methods})
			assert.Equal(t, tt.want, planOutcome(p))
			assert.Equal(t, s.Warnings, p.Warnings)
		})
	}
}

func TestBuildPlan_PlannedOperation(t *testing.T) {
	p := BuildPlan(loadV30(t), PlanOptions{})
	require.Len(t, p.Operations, 3, "GET /invoices/{invoice_id}, GET /keyed/{doc_id}, and GET /me with an added user_id")
	op := p.Operations[0]
	assert.Equal(t, "GET /invoices/{invoice_id}", op.Operation)
	assert.Equal(t, "getInvoice", op.TestName)
	assert.Equal(t, "bearer", op.Security)
	assert.Equal(t, spec.Origin{File: "../testdata/specs/v30.yaml", Line: 27}, op.Origin)
	require.Len(t, op.IDParameters, 1)
	assert.Equal(t, "invoice_id", op.IDParameters[0].Name)
	assert.Equal(t, "path", op.IDParameters[0].In)
	assert.Equal(t, []string{`name "invoice_id" ends in _id`, `follows collection segment "invoices"`,
		"schema format int64", `example "42"`}, op.IDParameters[0].Reasons)
	// The runner gets the full operation and parameters.
	assert.Equal(t, "GET", op.Op.Method)
	require.Len(t, op.IDs, 1)
	assert.Equal(t, []string{"42", "12345678901", "1000000"}, op.IDs[0].Examples)
}

func TestBuildPlan_AssumedSecurity(t *testing.T) {
	s, err := spec.LoadSpec("../testdata/specs/nosecurity.yaml")
	require.NoError(t, err)
	p := BuildPlan(s, PlanOptions{})
	assert.Equal(t, map[string]string{
		"GET /orders/{order}": "planned",
		"POST /login":         "method POST not allowed by the config's methods (GET, HEAD); add it to methods to test it",
	}, planOutcome(p))
	assert.Equal(t, "assumed", p.Operations[0].Security)
	require.Len(t, p.Warnings, 1)
	assert.Contains(t, p.Warnings[0], "declares no security anywhere")

	p = BuildPlan(s, PlanOptions{Methods: []string{"GET", "POST"}})
	assert.Equal(t, "public: security: [] on the operation", planOutcome(p)["POST /login"])
}

// TestBuildPlan_JSONShape pins the `plan -format json` contract of DESIGN.md.
func TestBuildPlan_JSONShape(t *testing.T) {
	data, err := json.Marshal(BuildPlan(loadV30(t), PlanOptions{}))
	require.NoError(t, err)
	var got struct {
		Operations []map[string]json.RawMessage `json:"operations"`
		Skipped    []map[string]string          `json:"skipped"`
	}
	require.NoError(t, json.Unmarshal(data, &got))
	require.Len(t, got.Operations, 3)
	op := got.Operations[0]
	assert.JSONEq(t, `[{"uses": "bearer \"BearerAuth\""}]`, string(op["credentials"]), "a plan from the spec alone names the scheme")
	assert.JSONEq(t, `"GET /invoices/{invoice_id}"`, string(op["operation"]))
	assert.NotContains(t, op, "Op", "runner-only fields stay out of the JSON")
	assert.NotContains(t, op, "IDs")
	var params []map[string]any
	require.NoError(t, json.Unmarshal(op["idParameters"], &params))
	require.Len(t, params, 1)
	assert.Equal(t, "invoice_id", params[0]["name"])
	assert.Equal(t, "path", params[0]["in"])
	assert.NotEmpty(t, params[0]["reasons"])
	assert.NotContains(t, params[0], "added", "a spec parameter is not marked added")
	require.NoError(t, json.Unmarshal(got.Operations[2]["idParameters"], &params))
	assert.Equal(t, map[string]any{"name": "user_id", "in": "query", "added": true, "reasons": []any{addedReason}}, params[0])
	require.NotEmpty(t, got.Skipped)
	assert.Equal(t, "GET /ghost/{id}", got.Skipped[0]["operation"], "sorted by path")
	assert.NotEmpty(t, got.Skipped[0]["why"])

	empty, err := json.Marshal(BuildPlan(&spec.Spec{}, PlanOptions{}))
	require.NoError(t, err)
	assert.JSONEq(t, `{"operations": [], "skipped": []}`, string(empty), "empty lists, not null")
}

func TestBuildPlan_Stripe(t *testing.T) {
	s := corpusSpec(t, "stripe.yaml")
	p := BuildPlan(s, PlanOptions{})
	// Measured: 134 planned, which is every GET of Stripe with a path
	// parameter; 229 GETs in all, no HEAD.
	assert.GreaterOrEqual(t, len(p.Operations), 130)
	var sawCustomer bool
	for _, op := range p.Operations {
		assert.Contains(t, []string{"GET", "HEAD"}, op.Op.Method)
		assert.Equal(t, "bearer", op.Security)
		assert.NotEmpty(t, op.IDParameters)
		if op.Operation == "GET /v1/customers/{customer}" {
			sawCustomer = true
			assert.Equal(t, "customer", op.IDParameters[0].Name)
		}
	}
	assert.True(t, sawCustomer)
	assert.Equal(t, len(s.Operations), len(p.Operations)+len(p.Skipped), "every operation is planned or skipped")

	all := BuildPlan(s, PlanOptions{Methods: []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"}})
	assert.Greater(t, len(all.Operations), 300, "measured: 326 with every method allowed")
}
