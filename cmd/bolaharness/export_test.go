package main

import (
	"bytes"
	"encoding/json"
	"go/format"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bolaharness/bolaharness/fixtures"
	"github.com/bolaharness/bolaharness/harness"
)

// repoRoot is this repository's root, for the scratch module's replace.
func repoRoot(t *testing.T) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	require.True(t, ok)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// scanReport scans a config (the demo when "") in vulnerable mode and
// returns the report's path.
func scanReport(t *testing.T, cfg string) (string, *harness.Report) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "bola.json")
	args := []string{"scan", "-progress", "never", "-fixture-mode", "vulnerable", "-report", path}
	if cfg != "" {
		args = append(args, "-config", cfg)
	}
	var out, errb bytes.Buffer
	require.Equal(t, exitLeaks, run(args, &out, &errb), "%s", errb.String())
	rep, err := harness.ReadReport(path)
	require.NoError(t, err)
	require.NotEmpty(t, rep.Findings)
	return path, rep
}

func exportFile(t *testing.T, args ...string) {
	t.Helper()
	var out, errb bytes.Buffer
	require.Equal(t, exitClean, run(append([]string{"export"}, args...), &out, &errb), "%s", errb.String())
}

// demoNetworkConfig is the demo's config aimed at baseURL with the tokens
// read from the environment, as a real API's config would be.
func demoNetworkConfig(t *testing.T, dir string) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(repoRoot(t), "fixtures", "demo.yaml"))
	require.NoError(t, err)
	text := string(src)
	text = strings.Replace(text, "spec: ../specs/demo.yaml", "spec: "+filepath.Join(repoRoot(t), "specs", "demo.yaml"), 1)
	text = regexp.MustCompile(`(?m)^fixture.*\n`).ReplaceAllString(text, "")
	for _, u := range []string{"alice", "bob", "carol"} {
		text = strings.Replace(text, "token: demo-token-"+u, "token: ${REGRESS_"+strings.ToUpper(u)+"_TOKEN}", 1)
	}
	path := filepath.Join(dir, "demo.yaml")
	require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
	return path
}

// hookFile sets bolaHandler to the embedded fixture $REGRESS_FIXTURE in
// mode $REGRESS_MODE when the first is set: the in-process hook a user
// would set to their own router.
const hookFile = `package %s

import (
	"net/http"
	"os"

	"github.com/bolaharness/bolaharness/fixtures"
)

func init() {
	name := os.Getenv("REGRESS_FIXTURE")
	if name == "" {
		return
	}
	bolaHandler = func() http.Handler {
		h, err := fixtures.Handler(name, os.Getenv("REGRESS_MODE"))
		if err != nil {
			panic(err)
		}
		return h
	}
}
`

// goTest compiles the scratch package once and returns a runner of its
// test binary with extra environment.
func goTest(t *testing.T, mod, pkg string) func(env ...string) (string, error) {
	t.Helper()
	bin := filepath.Join(t.TempDir(), pkg+".test")
	cmd := exec.Command("go", "test", "-c", "-o", bin, "./"+pkg)
	cmd.Dir = mod
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	return func(env ...string) (string, error) {
		cmd := exec.Command(bin, "-test.v", "-test.count=1")
		cmd.Dir = filepath.Join(mod, pkg)
		cmd.Env = append(cleanEnv(), env...)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
}

// cleanEnv is the environment without the variables the harness reads.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "BOLA_") && !strings.HasPrefix(kv, "REGRESS_") {
			out = append(out, kv)
		}
	}
	return out
}

// TestExportRegressionTests exports the demo's and a corpus API's findings
// into a scratch module and runs the generated tests: they fail with the
// evidence against the vulnerable API, pass against the fixed one, over
// the network and in process, and skip when the credentials are unset.
func TestExportRegressionTests(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a scratch module with go test (-short skips it)")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command on PATH")
	}
	root := repoRoot(t)
	mod := t.TempDir()
	gomod := "module example.test/regress\n\ngo 1.26.0\n\nrequire github.com/bolaharness/bolaharness v0.0.0\n\nreplace github.com/bolaharness/bolaharness => " + root + "\n"
	require.NoError(t, os.WriteFile(filepath.Join(mod, "go.mod"), []byte(gomod), 0o644))
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(mod, "go.sum"), sum, 0o644))

	demoReport, demoRep := scanReport(t, "")
	notesCfg := filepath.Join(root, "fixtures", "corpus", "notes.config.yaml")
	notesReport, notesRep := scanReport(t, notesCfg)

	for _, pkg := range []string{"demo", "notes"} {
		require.NoError(t, os.MkdirAll(filepath.Join(mod, pkg), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(mod, pkg, "hook_test.go"), []byte(strings.Replace(hookFile, "%s", pkg, 1)), 0o644))
	}
	demoFile := filepath.Join(mod, "demo", "bola_regression_test.go")
	exportFile(t, "-report", demoReport, "-o", demoFile, "-config", demoNetworkConfig(t, mod))
	exportFile(t, "-report", notesReport, "-o", filepath.Join(mod, "notes", "bola_regression_test.go"), "-config", notesCfg)

	src, err := os.ReadFile(demoFile)
	require.NoError(t, err)
	formatted, err := format.Source(src)
	require.NoError(t, err)
	assert.Equal(t, string(formatted), string(src), "the file is gofmt-clean")
	assert.Contains(t, string(src), "package demo", "the package is the directory's")

	vulnerable := httptest.NewServer(mustFixture(t, "demo", "vulnerable"))
	defer vulnerable.Close()
	fixed := httptest.NewServer(mustFixture(t, "demo", "fixed"))
	defer fixed.Close()
	tokens := []string{"REGRESS_ALICE_TOKEN=demo-token-alice", "REGRESS_BOB_TOKEN=demo-token-bob", "REGRESS_CAROL_TOKEN=demo-token-carol"}

	demo := goTest(t, mod, "demo")
	t.Run("demo over the network, vulnerable", func(t *testing.T) {
		out, err := demo(append(tokens, "BOLA_BASE_URL="+vulnerable.URL)...)
		require.Error(t, err, "the leaks are there: %s", out)
		assertAllFail(t, out, demoRep)
		assert.Contains(t, out, "evidence: $.owner_email = \"bob@demo.test\"")
		assert.Contains(t, out, "still leaks (nested-scope)")
		assert.NotContains(t, out, "demo-token-", "no credential in the output")
	})
	t.Run("demo over the network, fixed", func(t *testing.T) {
		out, err := demo(append(tokens, "BOLA_BASE_URL="+fixed.URL)...)
		require.NoError(t, err, "fixed: %s", out)
		assert.Equal(t, len(demoRep.Findings), strings.Count(out, "--- PASS: TestBOLARegression/"), "%s", out)
	})
	t.Run("demo credentials unset", func(t *testing.T) {
		out, err := demo("BOLA_BASE_URL=" + vulnerable.URL)
		require.NoError(t, err, "%s", out)
		assert.Contains(t, out, "--- SKIP: TestBOLARegression")
		assert.Contains(t, out, "export REGRESS_ALICE_TOKEN")
	})
	t.Run("demo in process", func(t *testing.T) {
		out, err := demo(append(tokens, "REGRESS_FIXTURE=demo", "REGRESS_MODE=vulnerable")...)
		require.Error(t, err, "%s", out)
		assertAllFail(t, out, demoRep)
		out, err = demo(append(tokens, "REGRESS_FIXTURE=demo", "REGRESS_MODE=fixed")...)
		require.NoError(t, err, "%s", out)
	})
	notes := goTest(t, mod, "notes")
	t.Run("corpus notes in process", func(t *testing.T) {
		out, err := notes("REGRESS_FIXTURE=corpus-notes", "REGRESS_MODE=vulnerable")
		require.Error(t, err, "%s", out)
		assertAllFail(t, out, notesRep)
		out, err = notes("REGRESS_FIXTURE=corpus-notes", "REGRESS_MODE=fixed")
		require.NoError(t, err, "%s", out)
		assert.Equal(t, len(notesRep.Findings), strings.Count(out, "--- PASS: TestBOLARegression/"), "%s", out)
	})
}

// assertAllFail checks that every finding's subtest failed.
func assertAllFail(t *testing.T, out string, rep *harness.Report) {
	t.Helper()
	assert.Equal(t, len(rep.Findings), strings.Count(out, "--- FAIL: TestBOLARegression/"), "one failing subtest per finding: %s", out)
	assert.NotContains(t, out, "--- PASS: TestBOLARegression/", "%s", out)
}

func mustFixture(t *testing.T, name, mode string) http.Handler {
	t.Helper()
	h, err := fixtures.Handler(name, mode)
	require.NoError(t, err)
	return h
}

func TestExportErrors(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.json")
	js, err := json.Marshal(harness.Report{Version: 1})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(empty, js, 0o644))
	cases := []struct {
		args []string
		want string
	}{
		{nil, "give the JSON report with -report"},
		{[]string{"-report", filepath.Join(dir, "missing.json")}, "missing.json"},
		{[]string{"-report", empty}, "no findings"},
		{[]string{"-report", empty, "x"}, `unexpected argument "x"`},
	}
	for _, c := range cases {
		var out, errb bytes.Buffer
		assert.Equal(t, exitUsage, run(append([]string{"export"}, c.args...), &out, &errb))
		assert.Contains(t, errb.String(), c.want)
	}
	path, _ := scanReport(t, "")
	var out, errb bytes.Buffer
	assert.Equal(t, exitUsage, run([]string{"export", "-report", path, "-package", "not-a-name"}, &out, &errb))
	assert.Contains(t, errb.String(), "not a Go package name")
}
