package harness_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/bolaharness/bolaharness/harness/config"
)

// The synthetic API of BenchmarkScale: a spec of any number of operations,
// a config that scans it and a fast handler that answers it correctly.

// syntheticSpec writes an OpenAPI 3.0 document with n operations: n/2
// resources, each with a list operation (no id: planned out) and a get by id
// with a typed response schema, which is the shape of real large specs. Every
// id parameter is called widget_id, so one `owns` key serves them all.
func syntheticSpec(n int) []byte {
	return syntheticSpecOf(n, func(int) string { return "widget_id" })
}

// syntheticSpecDistinct is syntheticSpec with a parameter name of its own per
// resource (widget7_id), the shape that made harvest planning compare every
// listing with every id parameter: BenchmarkPlanScale plans it.
func syntheticSpecDistinct(n int) []byte {
	return syntheticSpecOf(n, func(i int) string { return fmt.Sprintf("widget%d_id", i) })
}

// syntheticSpecOf writes the synthetic document, naming resource i's id
// parameter param(i).
func syntheticSpecOf(n int, param func(i int) string) []byte {
	var sb strings.Builder
	sb.Grow(n * 600)
	sb.WriteString("openapi: 3.0.3\ninfo: {title: synthetic, version: '1'}\nservers: [{url: 'https://api.example.test/v1'}]\n")
	sb.WriteString("security: [{bearer: []}]\npaths:\n")
	for i := 0; i < n/2; i++ {
		fmt.Fprintf(&sb, `  /widgets%[1]d:
    get:
      operationId: listWidgets%[1]d
      parameters:
        - {name: limit, in: query, schema: {type: integer}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {type: array, items: {$ref: '#/components/schemas/Widget%[1]d'}}}}}
  /widgets%[1]d/{%[2]s}:
    get:
      operationId: getWidget%[1]d
      parameters:
        - {name: %[2]s, in: path, required: true, schema: {type: string}, example: wid_%[1]dAbCdEf12}
        - {name: expand, in: query, schema: {type: array, items: {type: string}}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Widget%[1]d'}}}}
        '404': {description: not found}
`, i, param(i))
	}
	sb.WriteString("components:\n  securitySchemes:\n    bearer: {type: http, scheme: bearer}\n  schemas:\n")
	for i := 0; i < n/2; i++ {
		fmt.Fprintf(&sb, `    Widget%[1]d:
      type: object
      properties:
        id: {type: string}
        owner_id: {type: integer, format: int64}
        name: {type: string, maxLength: 200}
        created: {type: string, format: date-time}
`, i)
	}
	return []byte(sb.String())
}

// widgetConfig scans the synthetic spec as two users who own one widget id
// each, with few cases per group: the point is the size of the API.
func widgetConfig(b *testing.B, spec []byte) *config.Config {
	const cfg = `spec: synthetic.yaml
baseURL: https://api.example.test/v1
rate: 0
cases: 4
seed: 1
maxRequests: 100000000
users:
  - name: alice
    token: tok-alice
    identity: {id: 1, email: alice@example.test}
    owns: {widget_id: [wid_1AbCdEf12]}
  - name: bob
    token: tok-bob
    identity: {id: 2, email: bob@example.test}
    owns: {widget_id: [wid_2XyZaBc34]}
`
	c, err := config.ParseConfigEmbedded("synthetic.yaml", []byte(cfg), spec, noEnv)
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// widgetHandler is a fast, correct API for the synthetic spec: a caller gets
// its own widget and a 404 for any other id.
func widgetHandler() http.Handler {
	type owner struct{ id, email, widget string }
	byToken := map[string]owner{
		"Bearer tok-alice": {"1", "alice@example.test", "wid_1AbCdEf12"},
		"Bearer tok-bob":   {"2", "bob@example.test", "wid_2XyZaBc34"},
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o, ok := byToken[r.Header.Get("Authorization")]
		if !ok {
			http.Error(w, `{"error":"unauthorized"}`, http.StatusUnauthorized)
			return
		}
		id := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
		w.Header().Set("Content-Type", "application/json")
		if id != o.widget {
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"error":"not found"}`) // a write error has no one to go to
			return
		}
		fmt.Fprintf(w, `{"id":%q,"owner_id":%s,"owner_email":%q,"name":"widget"}`, id, o.id, o.email)
	})
}
