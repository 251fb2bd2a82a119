package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bolaharness/bolaharness/harness"
)

// planSettingsJSON is plan -format json with the settings block.
type planSettingsJSON struct {
	planJSON
	Settings runSettings `json:"settings"`
}

func planWith(t *testing.T, args ...string) planSettingsJSON {
	t.Helper()
	var out, errb bytes.Buffer
	require.Equal(t, exitClean, run(append([]string{"plan", "-format", "json"}, args...), &out, &errb), "%s", errb.String())
	var p planSettingsJSON
	require.NoError(t, json.Unmarshal(out.Bytes(), &p))
	return p
}

func TestPlanShowsFlagOverrides(t *testing.T) {
	p := planWith(t, "-config", "../../fixtures/demo.yaml")
	assert.Equal(t, 4, p.Settings.Concurrency, "the config's (default) value")
	assert.Len(t, p.Operations, 9)

	p = planWith(t, "-config", "../../fixtures/demo.yaml", "-rate", "2.5", "-concurrency", "1", "-cases", "3",
		"-timeout", "2s", "-max-requests", "99", "-base-url", "https://staging.example/api/",
		"-include", "GET /invoices/{invoice_id}", "-include", "/orders/**,getProfile", "-exclude", "getOrder")
	assert.Equal(t, runSettings{BaseURL: "https://staging.example/api", Methods: []string{"GET", "HEAD"}, Rate: 2.5, Concurrency: 1, Cases: 3,
		TimeoutMs: 2000, MaxRequests: 99, Include: []string{"GET /invoices/{invoice_id}", "/orders/**", "getProfile"}, Exclude: []string{"getOrder"}}, p.Settings)
	var ops []string
	for _, op := range p.Operations {
		ops = append(ops, op.Operation)
	}
	assert.Equal(t, []string{"GET /invoices/{invoice_id}", "GET /profiles/{username}"}, ops)
	why := map[string]string{}
	for _, s := range p.Skipped {
		why[s.Operation] = s.Why
	}
	assert.Equal(t, "excluded by exclude (getOrder)", why["GET /orders/{order_id}"])
	assert.Contains(t, why["GET /catalog/{product_id}"], "not selected")

	p = planWith(t, "-spec", "../../specs/demo.yaml", "-exclude", "/invoices/**")
	for _, op := range p.Operations {
		assert.NotEqual(t, "GET /invoices/{invoice_id}", op.Operation, "-exclude works on -spec too")
	}
}

func TestOverrideErrors(t *testing.T) {
	for _, c := range []struct{ flag, value, want string }{
		{"-rate", "fast", "want requests per second"},
		{"-concurrency", "0", "at least 1"},
		{"-timeout", "10", "duration"},
		{"-methods", "GET,FETCH", "FETCH is not one of"},
		{"-base-url", "staging", "http:// or https://"},
	} {
		var out, errb bytes.Buffer
		code := run([]string{"scan", "-progress", "never", c.flag, c.value}, &out, &errb)
		assert.Equal(t, exitUsage, code, c.flag)
		assert.Contains(t, errb.String(), c.flag+" ", c.flag)
		assert.Contains(t, errb.String(), c.want, c.flag)
	}
}

func TestScanIncludeLimitsTheRun(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.json")
	var out, errb bytes.Buffer
	require.Equal(t, exitLeaks, run([]string{"scan", "-progress", "never", "-report", path, "-include", "getInvoice", "-cases", "2"}, &out, &errb), "%s", errb.String())
	rep, err := harness.ReadReport(path)
	require.NoError(t, err)
	require.NotEmpty(t, rep.Findings)
	for _, f := range rep.Findings {
		assert.Equal(t, "GET /invoices/{invoice_id}", f.Operation)
	}
	assert.Equal(t, 1, rep.Stats.Operations)
}

// A config's ${VAR} credentials are not needed to plan: nothing is sent.
func TestPlanNeedsNoCredentials(t *testing.T) {
	src, err := os.ReadFile("../../fixtures/demo.yaml")
	require.NoError(t, err)
	text := strings.Replace(string(src), "token: demo-token-alice", "token: ${PLAN_TEST_UNSET_TOKEN}", 1)
	text = strings.Replace(text, "spec: ../specs/demo.yaml", "spec: "+absPath(t, "../../specs/demo.yaml"), 1)
	cfg := filepath.Join(t.TempDir(), "c.yaml")
	require.NoError(t, os.WriteFile(cfg, []byte(text), 0o644))
	t.Setenv("PLAN_TEST_UNSET_TOKEN", "")
	p := planWith(t, "-config", cfg)
	assert.Len(t, p.Operations, 9)
	var out, errb bytes.Buffer
	assert.Equal(t, exitUsage, run([]string{"scan", "-progress", "never", "-config", cfg}, &out, &errb), "scan still needs it")
	assert.Contains(t, errb.String(), "PLAN_TEST_UNSET_TOKEN")
}

func absPath(t *testing.T, p string) string {
	t.Helper()
	abs, err := filepath.Abs(p)
	require.NoError(t, err)
	return abs
}
