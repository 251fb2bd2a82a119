package main

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bolaharness/bolaharness/harness"
	"github.com/bolaharness/bolaharness/harness/plan"
	"github.com/bolaharness/bolaharness/harness/report"
)

// Each test here is a broken setup a new user can hit. None may end green:
// each names its cause, exits with the status shared/DESIGN.md gives it and,
// where a run happened, writes a report whose coverage says what happened.

// demoConfig writes the demo's config with its spec path made absolute and
// edit applied to the text, and returns its path.
func demoConfig(t *testing.T, edit func(string) string) string {
	t.Helper()
	data, err := os.ReadFile("../../fixtures/demo.yaml")
	require.NoError(t, err)
	spec, err := filepath.Abs("../../specs/demo.yaml")
	require.NoError(t, err)
	text := strings.Replace(string(data), "spec: ../specs/demo.yaml", "spec: "+spec, 1)
	text = edit(text)
	path := filepath.Join(t.TempDir(), "demo.yaml")
	require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
	return path
}

// coverageOf reads the coverage block of a JSON report.
func coverageOf(t *testing.T, path string) *harness.Report {
	t.Helper()
	r := load(t, path)
	require.NotNil(t, r.Coverage, "every report says what it covered")
	return r
}

func TestBrokenSetup_EveryTokenWrong(t *testing.T) {
	quiet(t)
	cfg := demoConfig(t, func(s string) string { return strings.ReplaceAll(s, "token: demo-token-", "token: expired-") })
	rep := filepath.Join(t.TempDir(), "r.json")
	start := time.Now()
	code, out, errOut := cli(t, "scan", "-config", cfg, "-fixture-mode", "vulnerable", "-progress", "never", "-report", rep)
	assert.Equal(t, exitUntested, code, errOut)
	assert.Less(t, time.Since(start), 5*time.Second)
	assert.Contains(t, errOut, "alice's credential was rejected")
	assert.Contains(t, errOut, "401")
	assert.Contains(t, out, "NOTHING WAS TESTED")
	r := coverageOf(t, rep)
	assert.Equal(t, "rejected", r.Coverage.Users[0].Credential)
	assert.Zero(t, r.Coverage.Attacked)
	assert.LessOrEqual(t, r.Stats.Requests, int64(3), "the preflight stops at the first user")
	assert.Empty(t, r.Findings)
}

func TestBrokenSetup_OneTokenWrong(t *testing.T) {
	quiet(t)
	cfg := demoConfig(t, func(s string) string { return strings.Replace(s, "token: demo-token-bob", "token: expired-bob", 1) })
	rep := filepath.Join(t.TempDir(), "r.json")
	code, _, errOut := cli(t, "scan", "-config", cfg, "-fixture-mode", "vulnerable", "-progress", "never", "-report", rep)
	assert.Equal(t, exitUntested, code, "bob's leaks would vanish silently: %s", errOut)
	assert.Contains(t, errOut, "bob's credential was rejected")
	r := coverageOf(t, rep)
	assert.Equal(t, "works", r.Coverage.Users[0].Credential)
	assert.Equal(t, "rejected", r.Coverage.Users[1].Credential)
}

func TestBrokenSetup_Unreachable(t *testing.T) {
	quiet(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closed := "http://" + l.Addr().String()
	require.NoError(t, l.Close()) // nothing listens there now
	cfg := demoConfig(t, func(s string) string { return strings.Replace(s, "fixture: demo", "baseURL: "+closed, 1) })
	rep := filepath.Join(t.TempDir(), "r.json")
	start := time.Now()
	code, _, errOut := cli(t, "scan", "-config", cfg, "-progress", "never", "-report", rep)
	assert.Equal(t, exitUntested, code, errOut)
	assert.Less(t, time.Since(start), 5*time.Second, "fails fast")
	assert.Contains(t, errOut, "cannot be reached")
	assert.Contains(t, errOut, "connection refused")
	assert.Equal(t, int64(1), coverageOf(t, rep).Stats.Requests)
}

func TestBrokenSetup_FrontEndNotAPI(t *testing.T) {
	quiet(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<!doctype html><html><body><div id=app></div></body></html>")
	}))
	defer srv.Close()
	cfg := demoConfig(t, func(s string) string { return strings.Replace(s, "fixture: demo", "baseURL: "+srv.URL, 1) })
	code, _, errOut := cli(t, "scan", "-config", cfg, "-progress", "never")
	assert.Equal(t, exitUntested, code, errOut)
	assert.Contains(t, errOut, "answers HTML to every path")
}

func TestBrokenSetup_NotOpenAPI(t *testing.T) {
	quiet(t)
	dir := t.TempDir()
	docs := map[string]string{
		"hello.yaml":   "hello: world\n",
		"empty.yaml":   "",
		"postman.json": `{"info": {"_postman_id": "1", "name": "c", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}, "item": []}`,
		"v9.yaml":      "openapi: 9.9.9\ninfo: {title: t, version: \"1\"}\npaths: {}\n",
		"nopaths.yaml": "openapi: 3.0.3\ninfo: {title: t, version: \"1\"}\npaths: {}\n",
	}
	want := map[string]string{"hello.yaml": "no openapi: or swagger: key", "empty.yaml": "the file is empty",
		"postman.json": "Postman collection", "v9.yaml": "openapi: 9.9.9 is not a version", "nopaths.yaml": "declares no operations"}
	for name, doc := range docs {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name)
			require.NoError(t, os.WriteFile(path, []byte(doc), 0o644))
			code, _, errOut := cli(t, "plan", "-spec", path)
			assert.Equal(t, exitUsage, code, errOut)
			assert.Contains(t, errOut, want[name])
			cfg := filepath.Join(dir, name+".config.yaml")
			require.NoError(t, os.WriteFile(cfg, []byte("spec: "+name+"\nbaseURL: http://127.0.0.1:1\nusers:\n  - {name: a, token: t1}\n  - {name: b, token: t2}\n"), 0o644))
			code, _, errOut = cli(t, "scan", "-config", cfg, "-progress", "never")
			assert.Equal(t, exitUsage, code, errOut)
			assert.Contains(t, errOut, want[name])
		})
	}
}

func TestBrokenSetup_UnwritableReportFailsFirst(t *testing.T) {
	quiet(t)
	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	code, out, errOut := cli(t, "scan", "-progress", "never", "-report", filepath.Join(file, "r.json"))
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "cannot write")
	assert.NotContains(t, errOut, "scanning the embedded demo", "checked before the run starts")
	assert.Empty(t, out)
}

func TestBrokenSetup_ReplayWithExpiredTokensIsNotFixed(t *testing.T) {
	quiet(t)
	rep := filepath.Join(t.TempDir(), "r.json")
	code, _, errOut := cli(t, "scan", "-seed", "5", "-progress", "never", "-report", rep)
	require.Equal(t, exitLeaks, code, errOut)
	cfg := demoConfig(t, func(s string) string { return strings.ReplaceAll(s, "token: demo-token-", "token: expired-") })
	code, out, errOut := cli(t, "replay", "-report", rep, "-finding", "1", "-config", cfg, "-fixture-mode", "vulnerable")
	assert.Equal(t, exitUntested, code, "a finding whose control fails is not fixed: %s%s", out, errOut)
	assert.NotContains(t, out, "1 fixed")
}

func TestBrokenSetup_ShardSelectsNothing(t *testing.T) {
	quiet(t)
	bp, err := harness.DraftSpec("../../specs/demo.yaml", nil)
	require.NoError(t, err)
	empty := 0
	for i := 1; i <= 40 && empty == 0; i++ {
		if len(plan.Shard{Index: i, Count: 40}.Apply(bp.Plan).Operations) == 0 {
			empty = i
		}
	}
	require.Positive(t, empty, "some shard of 40 is empty for the demo's operations")
	code, _, errOut := cli(t, "scan", "-progress", "never", "-shard", fmt.Sprintf("%d/40", empty))
	assert.Equal(t, exitUsage, code, errOut)
	assert.Contains(t, errOut, "selects none of the operations")
}

func TestLeakStatus_InterruptedAndUntested(t *testing.T) {
	r := &harness.Report{Findings: []harness.Finding{{}}}
	assert.Equal(t, exitLeaks, leakStatus(r))
	r.Coverage = &report.Coverage{Untested: "x"}
	assert.Equal(t, exitUntested, leakStatus(r))
	r.Coverage.Interrupted = true
	assert.Equal(t, exitInterrupted, leakStatus(r))
	data, err := json.Marshal(r)
	require.NoError(t, err)
	assert.Contains(t, string(data), `"interrupted":true`)
}
