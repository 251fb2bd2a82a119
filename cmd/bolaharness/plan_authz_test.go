package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPlanSaysAuthzChecks: plan names, per operation, the ignored-auth
// checks and as whom, and the existence-leak judgement, and says why not
// when the config turns them off; it sends nothing.
func TestPlanSaysAuthzChecks(t *testing.T) {
	sent := refuseNetwork(t)
	vault, err := filepath.Abs("../../fixtures/authz/vault.config.yaml")
	require.NoError(t, err)
	code, out, errOut := cli(t, "plan", "-config", vault)
	require.Equal(t, exitClean, code, errOut)
	block := opBlock(out, "GET /folders/{folderId}")
	assert.Contains(t, block, "ignored-auth: none, tampered, alg-none, repeating the control of the first user whose own object answers")
	assert.Contains(t, block, "existence-leak: each attacker's answer for another user's object against its answer for an id nobody owns")

	data, err := os.ReadFile(vault)
	require.NoError(t, err)
	off := filepath.Join(t.TempDir(), "vault.off.config.yaml")
	text := strings.Replace(string(data), "spec: vault.yaml", "spec: "+filepath.Join(filepath.Dir(vault), "vault.yaml"), 1)
	require.NoError(t, os.WriteFile(off, []byte(text+"authChecks: []\nexistenceLeaks: false\n"), 0o600))
	code, out, errOut = cli(t, "plan", "-config", off)
	require.Equal(t, exitClean, code, errOut)
	block = opBlock(out, "GET /folders/{folderId}")
	assert.Contains(t, block, "ignored-auth: not checked: authChecks is empty in the config")
	assert.Contains(t, block, "existence-leak: not judged: existenceLeaks is false in the config")
	assert.Zero(t, sent.Load())
}

// opBlock is the plan text of one operation: its line and the indented
// lines under it.
func opBlock(out, op string) string {
	i := strings.Index(out, "\n"+op+" ")
	if i < 0 {
		return ""
	}
	rest := out[i+1:]
	lines := strings.Split(rest, "\n")
	n := 1
	for n < len(lines) && strings.HasPrefix(lines[n], "    ") {
		n++
	}
	return strings.Join(lines[:n], "\n")
}
