package spec

import (
	"strings"
	"testing"

	"github.com/bolaharness/bolaharness/harness/words"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func strParam(name, in string) Param {
	return Param{Name: name, In: in, Schema: &openapi3.Schema{Type: &openapi3.Types{"string"}}}
}

func typedParam(name, in, typ, format string, examples ...string) Param {
	return Param{Name: name, In: in, Schema: &openapi3.Schema{Type: &openapi3.Types{typ}, Format: format}, Examples: examples}
}

func pathOp(path string, params ...Param) Operation {
	return Operation{Method: "GET", Path: path, Params: params}
}

// idNames is the detected parameters' names with their joined reasons.
func idNames(ids []IDParam) map[string]string {
	out := map[string]string{}
	for _, p := range ids {
		out[p.Name] = strings.Join(p.Reasons, "; ")
	}
	return out
}

func TestDetectIDParams(t *testing.T) {
	enum := Param{Name: "kind", In: "path", Schema: &openapi3.Schema{Type: &openapi3.Types{"string"}, Enum: []any{"a", "b"}}}
	tests := []struct {
		name string
		op   Operation
		owns map[string]bool
		want map[string]string // name -> a reason it must carry
		ins  []string          // nil: DetectIDParams (path only)
	}{
		{"snake _id", pathOp("/v1/{invoice_id}", strParam("invoice_id", "path")),
			nil, map[string]string{"invoice_id": `name "invoice_id" ends in _id`}, nil},
		{"camel Id", pathOp("/v1/{invoiceId}", strParam("invoiceId", "path")),
			nil, map[string]string{"invoiceId": `name "invoiceId" ends in Id`}, nil},
		{"upper ID", pathOp("/v1/{fileID}", strParam("fileID", "path")),
			nil, map[string]string{"fileID": `ends in ID`}, nil},
		{"kebab -id", pathOp("/v1/{file-id}", strParam("file-id", "path")),
			nil, map[string]string{"file-id": `ends in -id`}, nil},
		{"asana _gid", pathOp("/v1/{task_gid}", strParam("task_gid", "path")),
			nil, map[string]string{"task_gid": `ends in _gid`}, nil},
		{"bare id after version", pathOp("/v1/{id}", strParam("id", "path")),
			nil, map[string]string{"id": `name "id"`}, nil},
		{"position after collection", pathOp("/v1/customers/{customer}", strParam("customer", "path")),
			nil, map[string]string{"customer": `follows collection segment "customers"`}, nil},
		{"k8s namespace and name", pathOp("/api/v1/namespaces/{namespace}/pods/{name}", strParam("namespace", "path"), strParam("name", "path")),
			nil, map[string]string{"namespace": `follows collection segment "namespaces"`, "name": `follows collection segment "pods"`}, nil},
		{"uuid format", pathOp("/v1/{x}", typedParam("x", "path", "string", "uuid")),
			nil, map[string]string{"x": "schema format uuid"}, nil}, // a UUID shape alone is primary
		{"integer with position", pathOp("/items/{item}", typedParam("item", "path", "integer", "int64")),
			nil, map[string]string{"item": "schema format int64"}, nil},
		{"prefixed example", pathOp("/v1/{source}", Param{Name: "source", In: "path", Examples: []string{"cus_9s6XKzkNRiz8i3"}}),
			nil, map[string]string{"source": `example "cus_9s6XKzkNRiz8i3"`}, nil},
		{"pattern with name", pathOp("/v1/{inv_id}", Param{Name: "inv_id", In: "path", Schema: &openapi3.Schema{Pattern: "^inv_[0-9A-Z]+$"}}),
			nil, map[string]string{"inv_id": "schema pattern ^inv_[0-9A-Z]+$"}, nil},
		{"orders/{order} is an object", pathOp("/v1/orders/{order}", strParam("order", "path")),
			nil, map[string]string{"order": `follows collection segment "orders"`}, nil},
		{"owns key wins over a deny word", pathOp("/reports/{year}", strParam("year", "path")),
			map[string]bool{"year": true}, map[string]string{"year": "owns key in config"}, nil},
		{"stripe authorization is a path object", pathOp("/v1/issuing/authorizations/{authorization}", strParam("authorization", "path")),
			nil, map[string]string{"authorization": "follows collection segment"}, nil},
		// Negatives.
		{"format after a dot", pathOp("/files/{file_id}/thumbnail.{format}", strParam("file_id", "path"), strParam("format", "path")),
			nil, map[string]string{"file_id": "ends in _id"}, nil},
		{"suffix inside a segment", pathOp("/reports/{report}.{ext}", strParam("report", "path"), strParam("ext", "path")),
			nil, map[string]string{"report": `follows collection segment "reports"`}, nil},
		{"version after versions", pathOp("/skills/{skill_id}/versions/{version}", strParam("skill_id", "path"), strParam("version", "path")),
			nil, map[string]string{"skill_id": "ends in _id"}, nil},
		{"year and date", pathOp("/reports/{year}/days/{date}", typedParam("year", "path", "integer", ""), strParam("date", "path")),
			nil, map[string]string{}, nil},
		{"enum path param", pathOp("/metadata/{kind}", enum), nil, map[string]string{}, nil},
		{"first segment has no collection", pathOp("/{tenant}", strParam("tenant", "path")), nil, map[string]string{}, nil},
		{"api-version", pathOp("/things/{api-version}", strParam("api-version", "path")), nil, map[string]string{}, nil},
		{"proxy path", pathOp("/nodes/{name}/proxy/{path}", strParam("name", "path"), strParam("path", "path")),
			nil, map[string]string{"name": "follows collection segment"}, nil},
		{"composite owner/name path", pathOp("/repos/{owner}/{repo}/issues/{index}", strParam("owner", "path"), strParam("repo", "path"), typedParam("index", "path", "integer", "")),
			nil, map[string]string{"owner": `follows collection segment "repos"`, "repo": "completes the composite key {owner}/{repo}", "index": `follows collection segment "issues"`}, nil},
		{"no composite without a collection before", pathOp("/{tenant}/{project}", strParam("tenant", "path"), strParam("project", "path")),
			nil, map[string]string{}, nil},
		// Enumeration-like names pick one of a fixed set of values.
		{"report types are a catalogue", pathOp("/v1/reporting/report_types/{report_type}", strParam("report_type", "path")),
			nil, map[string]string{}, nil},
		{"logo type and language code", pathOp("/v2.1/accounts/{accountId}/brands/{brandId}/logos/{logoType}/resources/{resourceContentType}",
			strParam("accountId", "path"), strParam("brandId", "path"), strParam("logoType", "path"), strParam("resourceContentType", "path"), strParam("langCode", "query"), strParam("countryCode", "query")),
			nil, map[string]string{"accountId": "ends in Id", "brandId": "ends in Id"}, []string{"path", "query"}},
		{"a type with a UUID example is an id", pathOp("/types/{type}", Param{Name: "type", In: "path", Examples: []string{"0b6a5c1e-3f1d-4c8e-9a7b-2d4e6f8a0c1e"}}),
			nil, map[string]string{"type": "example"}, nil},
		{"a code that names no standard list is an id", pathOp("/invoices/{invoiceCode}", strParam("invoiceCode", "path")),
			nil, map[string]string{"invoiceCode": "follows collection segment"}, nil},
		// Query and header parameters, for the later issue.
		{"query paging and sorting", pathOp("/v1/customers",
			typedParam("limit", "query", "integer", ""), strParam("starting_after", "query"), strParam("order", "query"),
			strParam("q", "query"), strParam("expand", "query"), strParam("customer_id", "query")),
			nil, map[string]string{"customer_id": "ends in _id"}, []string{"query"}},
		{"integer with numeric example is not enough", pathOp("/thumbs", typedParam("max_width", "query", "integer", "", "320")),
			nil, map[string]string{}, []string{"query"}},
		{"headers", pathOp("/things", strParam("Idempotency-Key", "header"), strParam("X-Request-ID", "header"), strParam("X-Account-Id", "header")),
			nil, map[string]string{"X-Account-Id": "ends in -Id"}, []string{"header"}},
		{"path only by default", pathOp("/things", strParam("thing_id", "query")), nil, map[string]string{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []IDParam
			if tt.ins == nil {
				got = DetectIDParams(tt.op, tt.owns)
			} else {
				got = DetectIDParamsIn(tt.op, tt.owns, tt.ins...)
			}
			names := idNames(got)
			require.Len(t, names, len(tt.want), "got %v", names)
			for name, reason := range tt.want {
				require.Contains(t, names, name)
				assert.Contains(t, names[name], reason)
			}
		})
	}
}

func TestDetectIDParams_Order(t *testing.T) {
	// Listed out of order on purpose: results follow the path, then the rest.
	op := pathOp("/accounts/{account_id}/statements/{statement_id}",
		strParam("owner_id", "query"), strParam("statement_id", "path"), strParam("account_id", "path"))
	got := DetectIDParamsIn(op, nil)
	require.Len(t, got, 3)
	assert.Equal(t, []string{"account_id", "statement_id", "owner_id"}, []string{got[0].Name, got[1].Name, got[2].Name})
	assert.Equal(t, []string{`name "account_id" ends in _id`, `follows collection segment "accounts"`}, got[0].Reasons)
}

func TestNameWords(t *testing.T) {
	tests := map[string][]string{
		"invoice_id":   {"invoice", "id"},
		"invoiceId":    {"invoice", "id"},
		"invoiceID":    {"invoice", "id"},
		"HTTPServerID": {"http", "server", "id"},
		"api-version":  {"api", "version"},
		"X-Request-ID": {"x", "request", "id"},
		"+asset_path":  {"asset", "path"},
		"userUUID":     {"user", "uuid"},
		"v2Key":        {"v2", "key"},
		"per_page":     {"per", "page"},
		"":             nil,
	}
	for in, want := range tests {
		assert.Equal(t, want, words.NameWords(in), in)
	}
}

func TestDetectIDParams_Corpus(t *testing.T) {
	tests := []struct {
		file, op string
		want     map[string]string // param -> a reason it must carry; exactly these
	}{
		{"stripe.yaml", "GET /v1/customers/{customer}", map[string]string{"customer": `follows collection segment "customers"`}},
		{"stripe.yaml", "GET /v1/files/{file}", map[string]string{"file": `follows collection segment "files"`}},
		{"openai.yaml", "GET /threads/{thread_id}/runs/{run_id}", map[string]string{
			"thread_id": `name "thread_id" ends in _id`, "run_id": `name "run_id" ends in _id`}},
		{"openai.yaml", "GET /skills/{skill_id}/versions/{version}", map[string]string{"skill_id": "ends in _id"}},
		{"box.json", "GET /files/{file_id}", map[string]string{"file_id": `name "file_id" ends in _id`}},
		{"box.json", "GET /files/{file_id}/thumbnail.{extension}", map[string]string{"file_id": "ends in _id"}},
		{"asana.yaml", "GET /tasks/{task_gid}", map[string]string{"task_gid": `name "task_gid" ends in _gid`}},
		{"k8s.json", "GET /api/v1/namespaces/{namespace}/pods/{name}", map[string]string{
			"namespace": `follows collection segment "namespaces"`, "name": `follows collection segment "pods"`}},
	}
	for _, tt := range tests {
		t.Run(tt.file+" "+tt.op, func(t *testing.T) {
			s := corpusSpec(t, tt.file)
			names := idNames(DetectIDParams(findOp(t, s, tt.op), nil))
			require.Len(t, names, len(tt.want), "got %v", names)
			for name, reason := range tt.want {
				assert.Contains(t, names[name], reason, name)
			}
		})
	}
	t.Run("stripe list query", func(t *testing.T) {
		s := corpusSpec(t, "stripe.yaml")
		names := idNames(DetectIDParamsIn(findOp(t, s, "GET /v1/customers"), nil, "query"))
		assert.NotContains(t, names, "limit")
		assert.NotContains(t, names, "starting_after")
		assert.NotContains(t, names, "expand")
	})
	t.Run("stripe total", func(t *testing.T) {
		s := corpusSpec(t, "stripe.yaml")
		total, pathParams := 0, 0
		for _, op := range s.Operations {
			total += len(DetectIDParams(op, nil))
			for _, p := range op.Params {
				if p.In == "path" {
					pathParams++
				}
			}
		}
		// Measured: 370 id parameters, every path parameter of Stripe's
		// 494 operations (all sit right after a collection or name an id)
		// but one: {report_type} names a report type from Stripe's
		// catalogue, not an object of a user's.
		assert.GreaterOrEqual(t, total, 350)
		assert.Equal(t, pathParams-1, total)
	})
}

// loadPlaces loads the places test API (ids in query, header and body).
func loadPlaces(t *testing.T) *Spec {
	t.Helper()
	s, err := LoadSpec("../testdata/places/api.yaml")
	require.NoError(t, err)
	return s
}
