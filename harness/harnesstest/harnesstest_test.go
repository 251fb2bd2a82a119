package harnesstest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bolaharness/bolaharness/fixtures"
	"github.com/bolaharness/bolaharness/harness"
	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/specs"
)

// TestRunHandler_FixedDemoPassesWithSubtests runs the demo's fixed mode
// through the adapter: the subtests are real testing subtests (so -run can
// select them) and none fails.
func TestRunHandler_FixedDemoPassesWithSubtests(t *testing.T) {
	cfg, err := config.ParseConfigEmbedded("fixtures/demo.yaml", fixtures.DemoConfig, specs.Demo, config.MapEnv(nil))
	require.NoError(t, err)
	cfg.Seed = 7
	h, err := fixtures.Handler("demo", config.FixtureFixed)
	require.NoError(t, err)
	rep := RunHandler(t, cfg, h, harness.Options{})
	require.NotNil(t, rep)
	assert.Empty(t, rep.Findings)
	assert.Positive(t, rep.Stats.Safe)
}

// TestRunFile_UnsetCredentialsSkip: a config whose tokens are not exported
// is skipped, not failed, and returns no report.
func TestRunFile_UnsetCredentialsSkip(t *testing.T) {
	rep := RunFile(t, "testdata/unset.yaml", harness.Options{})
	assert.Nil(t, rep)
}
