package engine

import (
	"testing"

	"github.com/stretchr/testify/assert"
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
