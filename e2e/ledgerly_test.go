package e2e

import (
	"fmt"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"
)

// ledgerlyFlaws is examples/ledgerly/GROUND_TRUTH.md's read flaws (V1-V8):
// a Flask API written without knowledge of the harness's oracle.
var ledgerlyFlaws = []truthFlaw{
	{"GET /api/v2/expenses/{expense_id}", "expense_id", "swap"},
	{"GET /api/v2/workspaces/{slug}/tasks/{task_id}", "task_id", "nested-scope"},
	{"GET /api/v2/projects/{project_id}/budget", "project_id", "normalisation"},
	{"GET /api/v2/workspaces/{slug}/audit-log", "slug", "normalisation"},
	{"GET /api/v2/projects/{project_id}/tasks", "project_id", "swap"},
	{"GET /api/v2/users/{user_id}/api-keys", "user_id", "alternate-route"},
	{"GET /api/v2/comments/{comment_id}", "comment_id", "alternate-route"},
	{"GET /api/v2/expenses/{expense_id}/attachments/{attachment_id}", "attachment_id", "nested-scope"},
}

// TestLedgerlyFlask scans a non-Go target, the Flask app in
// examples/ledgerly, over real HTTP in both modes: every read flaw of its
// ground truth is found, nothing else is flagged, and the fixed mode is clean.
func TestLedgerlyFlask(t *testing.T) {
	if testing.Short() {
		t.Skip("-short skips the Flask suite (examples/ledgerly); run go test without -short (CI does) to include it")
	}
	python := flaskPython(t)
	for _, mode := range []string{"vulnerable", "fixed"} {
		t.Run(mode, func(t *testing.T) {
			base := startLedgerly(t, python, mode)
			rep := scanExample(t, "../examples/ledgerly/bola.yaml", base, ledgerlyEnv(), nil)
			assertTruth(t, mode, rep, ledgerlyFlaws)
			if mode == "fixed" {
				return
			}
			// bob is a member, not an admin, of launch-2024: his own request for
			// its audit log is refused, so cases on it have no control.
			for _, nv := range rep.NoVerdicts {
				assert.Contains(t, nv.Why, "control failed", "%+v", nv)
			}
		})
	}
}

// ledgerlyEnv holds the example's tokens (README.md), as a tester exports them.
func ledgerlyEnv() map[string]string {
	return map[string]string{"LEDGERLY_ALICE": "tok_alice_7Hq2mX9vLp4RkT8w",
		"LEDGERLY_BOB": "tok_bob_Zr5nK1cY8uJ3sD6e", "LEDGERLY_CAROL": "tok_carol_Qm4wE7tB2xN9gH5a"}
}

// flaskPython finds a python3 that imports flask, or skips.
func flaskPython(t *testing.T) string {
	for _, p := range []string{"/usr/bin/python3", "python3"} {
		if exec.Command(p, "-c", "import flask").Run() == nil {
			return p
		}
	}
	t.Skip("no python3 with Flask: apt-get install -y python3-flask to scan the Flask example")
	return ""
}

// startLedgerly runs the Flask app on a free loopback port until the test ends.
func startLedgerly(t *testing.T, python, mode string) string {
	t.Helper()
	port := freePort(t)
	return startExample(t, "../examples/ledgerly", []string{python, "app.py", fmt.Sprint(port)},
		[]string{"TARGET_MODE=" + mode, "PYTHONDONTWRITEBYTECODE=1"}, port, "/health")
}
