package main

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPlanRoles: plan shows what the function-level and read-only checks
// will try and as whom, in text and JSON, and sends nothing.
func TestPlanRoles(t *testing.T) {
	sent := refuseNetwork(t)
	cfg := filepath.Join("..", "..", "fixtures", "roles", "team.config.yaml")
	code, out, errOut := cli(t, "plan", "-config", cfg)
	require.Equal(t, exitClean, code, errOut)
	assert.Contains(t, out, "function-level: the config's policy (1 rule) marks 5 operations; 4 called as the users outside their roles, 1 write sent by them")
	assert.Contains(t, out, "PUT /announcements/{announcementId}  [roles admin; policy[0] \"tag:admin\"")
	assert.Contains(t, out, "a write: sent as alice, bob, reader to the objects of root, read back by their owner and restored")
	assert.Contains(t, out, "GET /admin/users  [roles admin; policy[0] \"/admin/**\"")
	assert.Contains(t, out, "control as the first of root whose call succeeds; then the same request as alice, bob, reader")
	assert.Contains(t, out, "PUT /notes/{noteId}  as reader")

	code, out, errOut = cli(t, "plan", "-format", "json", "-config", cfg)
	require.Equal(t, exitClean, code, errOut)
	var p struct {
		Policy struct {
			Source string `json:"source"`
			Checks []struct {
				Operation string   `json:"operation"`
				Allowed   []string `json:"allowed"`
				Denied    []string `json:"denied"`
			} `json:"checks"`
		} `json:"policy"`
		Scopes []struct {
			Operation string   `json:"operation"`
			Users     []string `json:"users"`
		} `json:"scopeChecks"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &p))
	assert.Equal(t, "config", p.Policy.Source)
	require.Len(t, p.Policy.Checks, 4)
	assert.Equal(t, []string{"alice", "bob", "reader"}, p.Policy.Checks[0].Denied)
	require.Len(t, p.Scopes, 3)
	assert.Equal(t, []string{"reader"}, p.Scopes[0].Users)
	assert.Zero(t, sent.Load())
}
