package main

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bolaharness/bolaharness/harness"
)

// lockedBuffer is a bytes.Buffer safe for one writer and one reader.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// The demo verb serves the demo API and prints its tokens; a scan of it
// with -base-url reports curl lines that, run by hand with those tokens
// exported, return the victim's data.
func TestDemoServesTheCurlLinesOfAScan(t *testing.T) {
	quiet(t)
	ctx, cancel := context.WithCancel(context.Background())
	var out lockedBuffer
	done := make(chan error, 1)
	go func() { done <- serveDemo(ctx, 0, "vulnerable", &out) }()
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			cancel()
			<-done
		}
	})
	listen := regexp.MustCompile(`listens on (http://127\.0\.0\.1:\d+)`)
	require.Eventually(t, func() bool { return listen.MatchString(out.String()) }, 5*time.Second, 10*time.Millisecond)
	base := listen.FindStringSubmatch(out.String())[1]
	exports := regexp.MustCompile(`(?m)^  export ([A-Z_]+)=(\S+)$`).FindAllStringSubmatch(out.String(), -1)
	require.Len(t, exports, 3, "one export line per demo user: %s", out.String())

	path := filepath.Join(t.TempDir(), "r.json")
	code, stdout, stderr := cli(t, "scan", "-base-url", base, "-report", path, "-progress", "never")
	require.Equal(t, exitLeaks, code, stderr)
	assert.NotContains(t, stderr, "embedded demo API in vulnerable mode on 127.0.0.1\n[", "no second demo is started")
	assert.Contains(t, stdout, base+"/", "the findings point at the running demo")
	rep, err := harness.ReadReport(path)
	require.NoError(t, err)
	require.NotEmpty(t, rep.Findings)

	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed: the curl line cannot be run by hand")
	}
	f := rep.Findings[0]
	require.True(t, strings.HasPrefix(f.Curl, "curl "), f.Curl)
	cmd := exec.Command("sh", "-c", f.Curl)
	for _, e := range exports {
		cmd.Env = append(cmd.Env, e[1]+"="+e[2])
	}
	body, err := cmd.Output()
	require.NoError(t, err, "%s", body)
	require.NotEmpty(t, f.Evidence)
	assert.Contains(t, string(body), "200", "the leak answers 200 by hand too")
	assert.Contains(t, string(body), f.Evidence[0].Value, "the victim's data comes back by hand")

	cancel()
	stopped = true
	assert.NoError(t, <-done, "Ctrl-C stops the demo cleanly")
}

func TestDemoRefusesABadModeOrATakenPort(t *testing.T) {
	code, _, errOut := cli(t, "demo", "-mode", "broken")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "-mode")
	code, _, errOut = cli(t, "demo", "-port", "70000")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "-port 70000")
}

func TestVersion(t *testing.T) {
	info := &debug.BuildInfo{GoVersion: "go1.99", Main: debug.Module{Path: "github.com/bolaharness/bolaharness", Version: "v1.2.3"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "abc123"}, {Key: "vcs.time", Value: "2026-12-01T10:00:00Z"}, {Key: "vcs.modified", Value: "true"}}}
	assert.Equal(t, "bolaharness v1.2.3, revision abc123 (modified) of 2026-12-01T10:00:00Z, go1.99", versionText(info, true))
	info.Settings, info.Main.Version = nil, ""
	assert.Equal(t, "bolaharness (devel), go1.99", versionText(info, true), "a build without VCS information says so by leaving it out")
	assert.Contains(t, versionText(nil, false), "no build information")

	for _, args := range [][]string{{"version"}, {"-version"}, {"--version"}} {
		code, out, _ := cli(t, args...)
		assert.Equal(t, exitClean, code)
		real, ok := debug.ReadBuildInfo()
		require.True(t, ok)
		assert.Equal(t, versionText(real, ok)+"\n", out)
		assert.Contains(t, out, real.GoVersion)
	}
}

// A mistyped flag value prints one line naming it, not the whole help.
func TestBadFlagIsOneLine(t *testing.T) {
	for _, verb := range []string{"scan", "plan", "replay", "merge", "export", "demo"} {
		code, out, errOut := cli(t, verb, "-seed", "notanumber")
		assert.Equal(t, exitUsage, code)
		assert.Empty(t, out)
		assert.Equal(t, 1, strings.Count(errOut, "\n"), "one line: %q", errOut)
		assert.Contains(t, errOut, "see bolaharness "+verb+" -h")
	}
	_, _, errOut := cli(t, "scan", "-seed", "notanumber")
	assert.Contains(t, errOut, `invalid value "notanumber" for flag -seed`)
}

// A missing -spec is blamed on the file and the flag, not on a config key.
func TestPlanMissingSpecBlamesTheFile(t *testing.T) {
	quiet(t)
	missing := filepath.Join(t.TempDir(), "nope.yaml")
	code, out, errOut := cli(t, "plan", "-spec", missing)
	assert.Equal(t, exitUsage, code)
	assert.Empty(t, out)
	assert.Contains(t, errOut, missing+": cannot read the OpenAPI document")
	assert.Contains(t, errOut, "-spec")
	assert.NotContains(t, errOut, "spec:", "no config key is to blame")
	assert.Equal(t, 1, strings.Count(errOut, "\n"))
}
