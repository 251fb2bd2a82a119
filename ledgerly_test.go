package bolaharness_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bolaharness/bolaharness/harness"
)

// ledgerlyFlaws is examples/ledgerly/GROUND_TRUTH.md's read flaws (V1-V8):
// a Flask API written without knowledge of the harness's oracle.
var ledgerlyFlaws = []struct{ operation, parameter, kind string }{
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
	python := flaskPython(t)
	for _, mode := range []string{"vulnerable", "fixed"} {
		t.Run(mode, func(t *testing.T) {
			base := startLedgerly(t, python, mode)
			rep := scanLedgerly(t, base)
			assertLedgerlyTruth(t, mode, rep)
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

// assertLedgerlyTruth checks a scan of the Flask example against its ground
// truth: in vulnerable mode every read flaw found and nothing else flagged;
// in fixed mode nothing at all.
func assertLedgerlyTruth(t *testing.T, mode string, rep *harness.Report) {
	t.Helper()
	if mode == "fixed" {
		for _, f := range rep.Findings {
			t.Errorf("fixed mode flagged %s %s→%s %s=%s (%s) evidence %v", f.Operation, f.Attacker, f.Victim, f.Parameter, f.Value, f.Kind, f.Evidence)
		}
		return
	}
	flawed := map[string]bool{}
	for _, want := range ledgerlyFlaws {
		flawed[want.operation] = true
		assert.True(t, hasFinding(rep, want.operation, want.parameter, want.kind), "missed %+v", want)
	}
	for _, f := range rep.Findings {
		assert.True(t, flawed[f.Operation], "false positive %s %s→%s %s=%s (%s) evidence %v", f.Operation, f.Attacker, f.Victim, f.Parameter, f.Value, f.Kind, f.Evidence)
	}
}

func hasFinding(rep *harness.Report, op, param, kind string) bool {
	for _, f := range rep.Findings {
		if f.Operation == op && f.Parameter == param && f.Kind == kind {
			return true
		}
	}
	return false
}

func scanLedgerly(t *testing.T, base string) *harness.Report {
	t.Helper()
	env := map[string]string{
		"LEDGERLY_ALICE": "tok_alice_7Hq2mX9vLp4RkT8w", "LEDGERLY_BOB": "tok_bob_Zr5nK1cY8uJ3sD6e",
		"LEDGERLY_CAROL": "tok_carol_Qm4wE7tB2xN9gH5a", harness.EnvBaseURL: base, harness.EnvSeed: "1129",
	}
	cfg, err := harness.LoadConfig("examples/ledgerly/bola.yaml", func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	require.NoError(t, err)
	var rep *harness.Report
	harness.NewConsole(io.Discard, false).Run(cfg.Name, func(tb harness.TB) {
		rep, err = harness.RunConfig(context.Background(), cfg, harness.Options{}, tb)
	})
	require.NoError(t, err)
	return rep
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
	return startExample(t, "examples/ledgerly", []string{python, "app.py", fmt.Sprint(port)},
		[]string{"TARGET_MODE=" + mode, "PYTHONDONTWRITEBYTECODE=1"}, port, "/health")
}

// freePort finds a loopback port nothing listens on.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	require.NoError(t, l.Close())
	return port
}

// startExample runs an example target (argv in dir, with env added) until
// the test ends, and returns its base URL once health answers 200.
func startExample(t *testing.T, dir string, argv, env []string, port int, health string) string {
	t.Helper()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		if err := cmd.Process.Kill(); err != nil {
			t.Logf("stopping %s: %v", dir, err)
		}
		if err := cmd.Wait(); err != nil {
			t.Logf("%s ended: %v", dir, err) // killed just above: expected
		}
	})
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(base + health); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s did not answer on %s%s within 15s", dir, base, health)
	return ""
}
