package plan

import (
	"testing"

	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/spec"

	"github.com/stretchr/testify/assert"
)

// TestAuthChecksFor: reads of protected operations get the configured
// checks; anything the spec lets anonymous callers in on, and anything but
// a read, gets none and says why.
func TestAuthChecksFor(t *testing.T) {
	bearer := spec.Requirement{{Name: "bearerAuth"}}
	all := &config.Config{}
	tests := []struct {
		name string
		cfg  *config.Config
		op   spec.Operation
		want []string
		why  string
	}{
		{"protected read", all, spec.Operation{Method: "GET", Security: spec.SecurityBearer, Alternatives: []spec.Requirement{bearer}},
			config.AuthCheckNames, ""},
		{"public in the spec", all, spec.Operation{Method: "GET", Security: spec.SecurityPublic}, nil, "public in the spec"},
		{"optional auth", all, spec.Operation{Method: "GET", Security: spec.SecurityBearer, Alternatives: []spec.Requirement{bearer, {}}},
			nil, "the spec lets anonymous callers in (an empty security requirement)"},
		{"a write", all, spec.Operation{Method: "PATCH", Security: spec.SecurityBearer}, nil, "not a GET or HEAD: the ignored-authentication checks send reads only"},
		{"turned off", &config.Config{AuthChecks: []string{}}, spec.Operation{Method: "GET", Security: spec.SecurityBearer}, nil, "authChecks is empty in the config"},
		{"one check", &config.Config{AuthChecks: []string{config.AuthCheckAlgNone}}, spec.Operation{Method: "HEAD", Security: spec.SecurityAssumed},
			[]string{config.AuthCheckAlgNone}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, why := AuthChecksFor(tt.cfg, tt.op)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.why, why)
		})
	}
	on, why := existenceLeaksFor(&config.Config{NoExistenceLeaks: true}, PlannedOperation{})
	assert.False(t, on)
	assert.Equal(t, "existenceLeaks is false in the config", why)
	on, _ = existenceLeaksFor(all, PlannedOperation{})
	assert.True(t, on)
}
