package e2e

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/engine"
	"github.com/bolaharness/bolaharness/harness/report"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bolaharness/bolaharness/harness"
)

// truthFlaw is one planted flaw of an example's GROUND_TRUTH.md.
type truthFlaw struct{ operation, parameter, kind string }

// assertTruth checks a scan of an example against its ground truth: in
// vulnerable mode every flaw found and nothing else flagged; in fixed mode
// nothing at all.
func assertTruth(t *testing.T, mode string, rep *report.Report, flaws []truthFlaw) {
	t.Helper()
	// An existence leak (403 for another user's object, 404 for a missing
	// one; these examples' fixed modes answer so) is outside the
	// object-level ground truth: it must be low, with its decoy and
	// evidence, and is not counted here. checkMatrixKinds replays them on
	// the corpus.
	var kept []report.Finding
	for _, f := range rep.Findings {
		if f.Kind == engine.KindExistenceLeak {
			assert.Equal(t, "low", f.Severity)
			assert.NotEmpty(t, f.Decoy)
			assert.NotEmpty(t, f.Evidence)
			continue
		}
		kept = append(kept, f)
	}
	rep = &report.Report{Findings: kept}
	if mode == "fixed" {
		for _, f := range rep.Findings {
			t.Errorf("fixed mode flagged %s %s→%s %s=%s (%s) evidence %v", f.Operation, f.Attacker, f.Victim, f.Parameter, f.Value, f.Kind, f.Evidence)
		}
		return
	}
	flawed := map[string]bool{}
	for _, want := range flaws {
		flawed[want.operation] = true
		assert.True(t, hasFinding(rep, want.operation, want.parameter, want.kind), "missed %+v", want)
	}
	for _, f := range rep.Findings {
		assert.True(t, flawed[f.Operation], "false positive %s %s→%s %s=%s (%s) evidence %v", f.Operation, f.Attacker, f.Victim, f.Parameter, f.Value, f.Kind, f.Evidence)
	}
}

func hasFinding(rep *report.Report, op, param, kind string) bool {
	for _, f := range rep.Findings {
		if f.Operation == op && f.Parameter == param && f.Kind == kind {
			return true
		}
	}
	return false
}

// scanExample loads an example's config with env (plus the base URL and a
// fixed seed), lets edit change it, and scans through the CLI's assembly path.
func scanExample(t *testing.T, path, base string, env map[string]string, edit func(*config.Config)) *report.Report {
	t.Helper()
	env[config.EnvBaseURL], env[config.EnvSeed] = base, "1129"
	cfg, err := config.LoadConfig(path, func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	require.NoError(t, err)
	if edit != nil {
		edit(cfg)
	}
	return scan(t, cfg, harness.Options{}, nil)
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
