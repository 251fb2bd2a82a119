package engine

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bolaharness/bolaharness/harness/config"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAlternateRoutes(t *testing.T) {
	tests := map[string][]string{
		"/v2/invoices/{id}":     {"/v1/invoices/{id}", "/v0/invoices/{id}", "/invoices/{id}"},
		"/api/v1/users/{id}":    {"/api/v0/users/{id}", "/api/users/{id}"},
		"/api/v3":               {"/api/v2", "/api/v1", "/api"},
		"/invoices/{id}":        nil,
		"/videos/{id}/versions": nil, // "v" followed by letters is not a version
	}
	for path, want := range tests {
		assert.Equal(t, want, AlternateRoutes(path), path)
	}
}

// invoicesAPI serves /v2/invoices/{id} scoped to the caller and the older,
// documented /invoices/{id} without a check.
func invoicesAPI() http.Handler {
	owner := map[string]string{"1": "alice", "2": "bob"}
	tokens := map[string]string{"Bearer tok-alice": "alice", "Bearer tok-bob": "bob"}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		caller := tokens[r.Header.Get("Authorization")]
		if caller == "" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		versioned := strings.HasPrefix(r.URL.Path, "/v2/invoices/")
		id := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
		o, ok := owner[id]
		if !ok || (versioned && o != caller) || (!versioned && !strings.HasPrefix(r.URL.Path, "/invoices/")) {
			http.Error(w, `{"error":"not found"}`, http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if err := json.NewEncoder(w).Encode(map[string]any{"id": id, "ownerEmail": o + "@inv.test"}); err != nil {
			panic(err)
		}
	})
}

// TestAlternateRoute_DocumentedElsewhere: the unversioned route of
// /v2/invoices/{id} is itself a documented operation, so its leak is
// reported against /invoices/{id} only, never against the v2 operation
// that checks the owner.
func TestAlternateRoute_DocumentedElsewhere(t *testing.T) {
	srv := httptest.NewServer(invoicesAPI())
	defer srv.Close()
	dir := t.TempDir()
	op := func(path, id string) string {
		return "  " + path + ":\n    get:\n      operationId: " + id + "\n      parameters:\n" +
			"        - {name: id, in: path, required: true, schema: {type: string}}\n      responses:\n        \"200\": {description: an invoice}\n"
	}
	doc := "openapi: 3.0.3\ninfo: {title: invoices, version: \"2\"}\ncomponents:\n  securitySchemes:\n    bearer: {type: http, scheme: bearer}\n" +
		"security: [{bearer: []}]\npaths:\n" + op("/v2/invoices/{id}", "getInvoiceV2") + op("/invoices/{id}", "getInvoice")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "api.yaml"), []byte(doc), 0o644))
	cfg, err := config.ParseConfig(filepath.Join(dir, "c.yaml"), []byte("spec: api.yaml\nbaseURL: "+srv.URL+
		"\nrate: 0\nusers:\n  - {name: alice, token: tok-alice, identity: {email: alice@inv.test}, owns: {id: [\"1\"]}}\n"+
		"  - {name: bob, token: tok-bob, identity: {email: bob@inv.test}, owns: {id: [\"2\"]}}\n"), config.MapEnv(nil))
	require.NoError(t, err)
	rep, err := RunConfig(context.Background(), cfg, Options{}, newRecTB())
	require.NoError(t, err)
	require.NotEmpty(t, rep.Findings)
	for _, f := range rep.Findings {
		assert.Equal(t, "GET /invoices/{id}", f.Operation, "%s found by %s", f.URL, f.Mutation)
		assert.Equal(t, "swap", f.Kind)
	}
}
