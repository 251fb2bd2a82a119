package harness

import (
	"testing"

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
		s := &Scan{spec: &Spec{Servers: []string{tc.server}}, log: func(string, ...any) {}}
		assert.Equal(t, tc.want, s.withServerPath(tc.base), "%s + %s", tc.server, tc.base)
	}
}
