// Package bolaharness_test is the go test entry: TestBOLA runs every config
// in fixtures/ (or the one BOLA_CONFIG names) and fails a subtest for each
// leak, named TestBOLA/<config>/<operation>/<attacker>-vs-<victim>/<param>/<case>.
package bolaharness_test

import (
	"context"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bolaharness/bolaharness/fixtures"
	"github.com/bolaharness/bolaharness/harness"
	"github.com/bolaharness/bolaharness/harness/harnesstest"
)

func TestBOLA(t *testing.T) {
	paths, explicit, err := harness.FindConfigs(os.LookupEnv, "fixtures")
	require.NoError(t, err)
	report, wantReport := os.LookupEnv(harness.EnvReport)
	for _, path := range paths {
		name := harness.ConfigName(path)
		t.Run(name, func(t *testing.T) {
			opts := harness.Options{Fixture: fixtures.Handler, FixtureMode: os.Getenv(harness.EnvFixtureMode), Log: t.Logf}
			rep, err := harness.RunFile(context.Background(), path, explicit, opts, harnesstest.TB(t))
			require.NoError(t, err, "config %s", path)
			if wantReport && report != "" && rep != nil {
				require.NoError(t, rep.WriteJSON(harness.ReportPath(report, name, len(paths) > 1)))
			}
		})
	}
}
