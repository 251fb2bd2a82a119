package engine

import (
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/spec"
)

// Small helpers the engine's tests share. The stage packages keep their own
// copies of the few they also need, because a test of a lower stage cannot
// import a higher one.

// harvestFixtureConfig is fixtures/harvest.yaml: tokens and identities only.
const harvestFixtureConfig = "../../fixtures/harvest.yaml"

// noHarvestEnv is an empty environment: the fixture's tokens are literal.
func noHarvestEnv(string) (string, bool) { return "", false }

// loadHarvestFixture loads the harvesting fixture's config and spec.
func loadHarvestFixture(t *testing.T) (*spec.Spec, *config.Config) {
	t.Helper()
	cfg, err := config.LoadConfig(harvestFixtureConfig, noHarvestEnv)
	require.NoError(t, err)
	sp, err := spec.LoadSpec(cfg.Spec)
	require.NoError(t, err)
	require.Empty(t, sp.Warnings, "specs/harvest.yaml must validate")
	return sp, cfg
}

// loadPlaces loads the places test API (ids in query, header and body).
func loadPlaces(t *testing.T) *spec.Spec {
	t.Helper()
	s, err := spec.LoadSpec("../testdata/places/api.yaml")
	require.NoError(t, err)
	return s
}

// findOp returns the operation that reports name key, or fails the test.
func findOp(t *testing.T, s *spec.Spec, key string) spec.Operation {
	t.Helper()
	for _, op := range s.Operations {
		if op.Key() == key {
			return op
		}
	}
	require.Failf(t, "operation not found", "%s has no %s", s.File, key)
	return spec.Operation{}
}

// strParam is a string parameter named name in in.
func strParam(name, in string) spec.Param {
	return typedParam(name, in, "string", "")
}

// typedParam is a parameter with a schema of type typ and format.
func typedParam(name, in, typ, format string, examples ...string) spec.Param {
	return spec.Param{Name: name, In: in, Schema: &openapi3.Schema{Type: &openapi3.Types{typ}, Format: format}, Examples: examples}
}
