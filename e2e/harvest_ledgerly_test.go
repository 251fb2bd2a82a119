package e2e

import (
	"testing"

	"github.com/bolaharness/bolaharness/harness/config"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLedgerlyHarvested scans the Flask example with its config stripped of
// owns and shared objects: tokens and identities only. Harvesting must find
// the ids through the app's listings (workspaces → projects → tasks →
// comments, expenses → attachments, `?scope=to_approve`) and with them every
// read flaw of the ground truth, and tell the shared workspace, project,
// task and approvable expense apart, so that the fixed mode stays clean.
func TestLedgerlyHarvested(t *testing.T) {
	if testing.Short() {
		t.Skip("-short skips the Flask suite (examples/ledgerly, harvested); run go test without -short (CI does) to include it")
	}
	python := flaskPython(t)
	for _, mode := range []string{"vulnerable", "fixed"} {
		t.Run(mode, func(t *testing.T) {
			rep := scanExample(t, "../examples/ledgerly/bola.yaml", startLedgerly(t, python, mode), ledgerlyEnv(), func(cfg *config.Config) {
				for i := range cfg.Users {
					cfg.Users[i].Owns = nil // tokens and identities only
				}
				cfg.Shared = nil
			})
			require.NotNil(t, rep.Harvest)
			assert.NotEmpty(t, rep.Harvest.Requests)
			assert.Empty(t, rep.Harvest.Stopped, "the harvest fits its budget")
			assertTruth(t, mode, rep, ledgerlyFlaws)
		})
	}
}
