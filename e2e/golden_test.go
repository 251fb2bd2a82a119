package e2e

import (
	"bytes"
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bolaharness/bolaharness/fixtures"
	"github.com/bolaharness/bolaharness/harness"
	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/specs"
)

// update rewrites the golden reports: go test ./e2e -run Golden -update
var update = flag.Bool("update", false, "rewrite the golden reports in e2e/testdata")

// TestDemoReportGolden pins the whole JSON report of a demo scan with a
// fixed seed, in process (no port in any URL): every finding, count,
// request total and reason. A change to the engine that changes what it
// finds or sends shows here first; if it is meant, rewrite the file with
// -update and say why in the commit.
func TestDemoReportGolden(t *testing.T) {
	for _, mode := range []string{config.FixtureVulnerable, config.FixtureFixed} {
		t.Run(mode, func(t *testing.T) {
			cfg, err := config.ParseConfigEmbedded("fixtures/demo.yaml", fixtures.DemoConfig, specs.Demo, noEnv)
			require.NoError(t, err)
			cfg.Seed = 42
			h, err := fixtures.Handler("demo", mode)
			require.NoError(t, err)
			var rep *harness.Report
			harness.NewConsole(io.Discard, false).Run(cfg.Name, func(tb harness.TB) {
				rep, err = harness.RunHandler(context.Background(), cfg, h, harness.Options{}, tb)
			})
			require.NoError(t, err)
			rep.Stats.DurationMs = 0 // the one field that depends on the clock
			var got bytes.Buffer
			require.NoError(t, rep.JSON(&got))
			path := filepath.Join("testdata", "demo."+mode+".json")
			if *update {
				require.NoError(t, os.WriteFile(path, got.Bytes(), 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "run go test ./e2e -run Golden -update to create it")
			assert.Equal(t, string(want), got.String(), "%s differs; if the change is meant, run go test ./e2e -run Golden -update", path)
		})
	}
}
