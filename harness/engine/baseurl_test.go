package engine

import (
	"testing"

	"github.com/bolaharness/bolaharness/harness/spec"

	"github.com/stretchr/testify/assert"
)

func TestBaseURLKeepsTheSpecBasePath(t *testing.T) {
	tests := []struct{ server, base, want string }{
		{"/api/v3", "http://127.0.0.1:8080", "http://127.0.0.1:8080/api/v3"},
		{"https://api.example.com/v2/", "https://staging.example", "https://staging.example/v2"},
		{"https://api.example.com/v2", "https://staging.example/custom", "https://staging.example/custom"},
		{"http://127.0.0.1:8080/", "http://127.0.0.1:9999", "http://127.0.0.1:9999"},
		{"http://127.0.0.1:8080", "http://127.0.0.1:9999/", "http://127.0.0.1:9999/"},
	}
	for _, tc := range tests {
		s := &Scan{Spec: &spec.Spec{Servers: []string{tc.server}}, Log: func(string, ...any) {}}
		assert.Equal(t, tc.want, s.WithServerPath(tc.base), "%s + %s", tc.server, tc.base)
	}
}
