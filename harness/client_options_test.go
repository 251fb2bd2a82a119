package harness

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestClientOptionsFor_CarriesTheStagingKeys pins the mapping from config
// keys to client options: a key the config reads but the client never sees
// would be silently ignored.
func TestClientOptionsFor_CarriesTheStagingKeys(t *testing.T) {
	dir := t.TempDir()
	users := "users:\n  - {name: alice, token: a-token}\n  - {name: bob, token: b-token}\n"
	c, err := ParseConfig(filepath.Join(dir, "c.yaml"), []byte("spec: api.yaml\nmaxBody: 4096\nmaxTimeouts: 5\ncaFile: ca.pem\nrate: 0\n"+users), func(string) (string, bool) { return "", false })
	require.NoError(t, err)
	co := clientOptionsFor(c, "https://api.example.test")
	assert.Equal(t, "https://api.example.test", co.BaseURL)
	assert.Equal(t, c.CAFile, co.CAFile)
	assert.Equal(t, int64(4096), co.MaxBody)
	assert.Equal(t, 5, co.MaxTimeouts)
	assert.True(t, co.RateUnlimited, "rate: 0 in the config is unlimited, not the default")
	assert.Same(t, c.Keyring(), co.Keyring)
	require.Len(t, co.Secrets, 2)
	assert.Equal(t, "b-token", co.Secrets[1].Reveal())

	c, err = ParseConfig(filepath.Join(dir, "c.yaml"), []byte("spec: api.yaml\n"+users), func(string) (string, bool) { return "", false })
	require.NoError(t, err)
	assert.False(t, clientOptionsFor(c, "http://127.0.0.1:1").RateUnlimited, "the default rate is a limit")
}
