package specs_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sort"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bolaharness/bolaharness/fixtures/demo"
	"github.com/bolaharness/bolaharness/specs"
)

func loadDemo(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(specs.Demo)
	require.NoError(t, err, "specs/demo.yaml")
	require.NoError(t, doc.Validate(context.Background()), "specs/demo.yaml")
	return doc
}

// TestDemo_Security pins what the harness reads to decide which operations
// to attack: bearer everywhere except /health.
func TestDemo_Security(t *testing.T) {
	doc := loadDemo(t)
	assert.Equal(t, "3.0.3", doc.OpenAPI)
	scheme := doc.Components.SecuritySchemes["bearerAuth"]
	require.NotNil(t, scheme)
	assert.Equal(t, "http", scheme.Value.Type)
	assert.Equal(t, "bearer", scheme.Value.Scheme)
	require.Len(t, doc.Security, 1)
	assert.Contains(t, doc.Security[0], "bearerAuth")
	health := doc.Paths.Value("/health").Get
	require.NotNil(t, health.Security)
	assert.Empty(t, *health.Security, "/health is public: security: []")
	require.Len(t, doc.Servers, 1)
	assert.Equal(t, "http://127.0.0.1:8080", doc.Servers[0].URL)
}

// TestDemo_IDSchemas pins the parameter schemas the id detector reads.
func TestDemo_IDSchemas(t *testing.T) {
	doc := loadDemo(t)
	want := map[string][2]string{ // name -> type, format (or pattern for strings)
		"invoice_id": {"integer", "int64"}, "account_id": {"integer", "int64"},
		"statement_id": {"integer", "int64"}, "order_id": {"integer", "int64"},
		"receipt_id": {"integer", "int64"}, "product_id": {"integer", "int64"},
		"notification_id": {"integer", "int64"}, "message_id": {"integer", "int64"},
		"public_ref": {"string", "^doc_[A-Za-z0-9]{5}$"}, "username": {"string", "^[a-z][a-z0-9_-]*$"},
	}
	seen := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for _, p := range item.Get.Parameters {
			s := p.Value.Schema.Value
			w, ok := want[p.Value.Name]
			require.True(t, ok, "%s: unexpected parameter %s", path, p.Value.Name)
			seen[p.Value.Name] = true
			assert.Equal(t, "path", p.Value.In)
			assert.True(t, s.Type.Is(w[0]), "%s %s type", path, p.Value.Name)
			if w[0] == "integer" {
				assert.Equal(t, w[1], s.Format, "%s %s format", path, p.Value.Name)
			} else {
				assert.Equal(t, w[1], s.Pattern, "%s %s pattern", path, p.Value.Name)
			}
		}
	}
	assert.Len(t, seen, len(want))
}

// exchange is one request to the demo and the spec path it belongs to.
type exchange struct {
	tmpl, path, as string
}

// exchanges covers every spec path with owned, foreign and missing ids and
// with no token, so every status the demo answers is checked against the spec.
var exchanges = []exchange{
	{"/health", "/health", ""},
	{"/invoices/{invoice_id}", "/invoices/7", "alice"},
	{"/invoices/{invoice_id}", "/invoices/8", "alice"},
	{"/invoices/{invoice_id}", "/invoices/11", "alice"},
	{"/invoices/{invoice_id}", "/invoices/7", ""},
	{"/documents/{public_ref}", "/documents/doc_a7Kx2", "alice"},
	{"/documents/{public_ref}", "/documents/doc_b9Qm4", "alice"},
	{"/accounts/{account_id}/statements/{statement_id}", "/accounts/100/statements/1001", "alice"},
	{"/accounts/{account_id}/statements/{statement_id}", "/accounts/100/statements/2001", "alice"},
	{"/accounts/{account_id}/statements/{statement_id}", "/accounts/200/statements/2001", "alice"},
	{"/orders/{order_id}", "/orders/31", "alice"},
	{"/orders/{order_id}", "/orders/32", "alice"},
	{"/orders/{order_id}", "/orders/032", "alice"},
	{"/orders/{order_id}", "/orders/33", "alice"},
	{"/profiles/{username}", "/profiles/alice", "alice"},
	{"/profiles/{username}", "/profiles/bob", "alice"},
	{"/profiles/{username}", "/profiles/BOB", "alice"},
	{"/profiles/{username}", "/profiles/dave", "alice"},
	{"/receipts/{receipt_id}", "/receipts/51", "alice"},
	{"/receipts/{receipt_id}", "/receipts/52", "alice"},
	{"/receipts/{receipt_id}", "/receipts/52.json", "alice"},
	{"/receipts/{receipt_id}", "/receipts/53", "alice"},
	{"/catalog/{product_id}", "/catalog/2", "bob"},
	{"/catalog/{product_id}", "/catalog/9", "bob"},
	{"/notifications/{notification_id}", "/notifications/42", "alice"},
	{"/messages/{message_id}", "/messages/71", "alice"},
	{"/messages/{message_id}", "/messages/72", "alice"},
	{"/messages/{message_id}", "/messages/79", "alice"},
}

// TestDemo_ResponsesMatchSpec validates every demo answer above, in both
// modes, against specs/demo.yaml: the status must be documented for the
// operation and the body must match its schema.
func TestDemo_ResponsesMatchSpec(t *testing.T) {
	doc := loadDemo(t)
	covered := map[string]bool{}
	opts := &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}
	for _, mode := range []demo.Mode{demo.Vulnerable, demo.Fixed} {
		h := demo.New(mode)
		for _, ex := range exchanges {
			item := doc.Paths.Value(ex.tmpl)
			require.NotNil(t, item, ex.tmpl)
			covered[ex.tmpl] = true
			req := httptest.NewRequest(http.MethodGet, ex.path, nil)
			if ex.as != "" {
				req.Header.Set("Authorization", "Bearer demo-token-"+ex.as)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			route := &routers.Route{Spec: doc, Path: ex.tmpl, PathItem: item, Method: http.MethodGet, Operation: item.Get}
			input := &openapi3filter.ResponseValidationInput{
				RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, Route: route},
				Status:                 rec.Code,
				Header:                 rec.Header(),
				Options:                opts,
			}
			input.SetBodyBytes(rec.Body.Bytes())
			err := openapi3filter.ValidateResponse(context.Background(), input)
			assert.NoError(t, err, "%s %s as %q -> %d %s", mode, ex.path, ex.as, rec.Code, rec.Body.String())
		}
	}
	var missing []string
	for path := range doc.Paths.Map() {
		if !covered[path] {
			missing = append(missing, path)
		}
	}
	sort.Strings(missing)
	assert.Empty(t, missing, "spec paths with no exchange in this test")
}
