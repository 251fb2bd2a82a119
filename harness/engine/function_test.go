package engine

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/bolaharness/bolaharness/harness/client"
	"github.com/bolaharness/bolaharness/harness/report"
)

func TestIsWriteFinding(t *testing.T) {
	for _, c := range []struct {
		kind, op string
		want     bool
	}{
		{"write", "PUT /notes/{id}", true},
		{KindScopeBypass, "PATCH /notes/{id}", true},
		{KindFunctionLevel, "PUT /announcements/{id}", true},
		{KindFunctionLevel, "GET /admin/users", false},
		{KindFunctionLevel, "HEAD /admin/users", false},
		{"swap", "GET /notes/{id}", false},
	} {
		assert.Equal(t, c.want, IsWriteFinding(report.Finding{Kind: c.kind, Operation: c.op}), "%s %s", c.kind, c.op)
	}
}

func TestFunctionSent(t *testing.T) {
	got := functionSent(client.Request{Method: "GET", URL: "http://x/admin/users/42?team=t-9&team=t-8"})
	assert.ElementsMatch(t, []string{"admin", "users", "42", "t-9", "t-8"}, got, "path segments and query values are echoes, never evidence")
	assert.Nil(t, functionSent(client.Request{URL: "http://[::1"}))
}
