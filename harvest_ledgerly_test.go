package bolaharness_test

import (
	"context"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bolaharness/bolaharness/harness"
)

// TestLedgerlyHarvested scans the Flask example with its config stripped of
// owns and shared objects: tokens and identities only. Harvesting must find
// the ids through the app's listings (workspaces → projects → tasks →
// comments, expenses → attachments, `?scope=to_approve`) and with them every
// read flaw of the ground truth, and tell the shared workspace, project,
// task and approvable expense apart, so that the fixed mode stays clean.
func TestLedgerlyHarvested(t *testing.T) {
	python := flaskPython(t)
	for _, mode := range []string{"vulnerable", "fixed"} {
		t.Run(mode, func(t *testing.T) {
			rep := scanLedgerlyHarvested(t, startLedgerly(t, python, mode))
			require.NotNil(t, rep.Harvest)
			assert.NotEmpty(t, rep.Harvest.Requests)
			assert.Empty(t, rep.Harvest.Stopped, "the harvest fits its budget")
			assertLedgerlyTruth(t, mode, rep)
		})
	}
}

func scanLedgerlyHarvested(t *testing.T, base string) *harness.Report {
	t.Helper()
	env := map[string]string{
		"LEDGERLY_ALICE": "tok_alice_7Hq2mX9vLp4RkT8w", "LEDGERLY_BOB": "tok_bob_Zr5nK1cY8uJ3sD6e",
		"LEDGERLY_CAROL": "tok_carol_Qm4wE7tB2xN9gH5a", harness.EnvBaseURL: base, harness.EnvSeed: "1129",
	}
	cfg, err := harness.LoadConfig("examples/ledgerly/bola.yaml", func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	require.NoError(t, err)
	for i := range cfg.Users {
		cfg.Users[i].Owns = nil
	}
	cfg.Shared = nil
	var rep *harness.Report
	harness.NewConsole(io.Discard, false).Run(cfg.Name, func(tb harness.TB) {
		rep, err = harness.RunConfig(context.Background(), cfg, harness.Options{}, tb)
	})
	require.NoError(t, err)
	return rep
}
