package client

import (
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/bolaharness/bolaharness/harness/config"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestClientOptionsFor_CarriesTheStagingKeys pins the mapping from config
// keys to client options: a key the config reads but the client never sees
// would be silently ignored.
func TestClientOptionsFor_CarriesTheStagingKeys(t *testing.T) {
	dir := t.TempDir()
	srv := httptest.NewTLSServer(http.NotFoundHandler())
	defer srv.Close()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "api.yaml"), []byte("openapi: 3.0.3\ninfo: {title: t, version: \"1\"}\npaths: {}\n"), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "ca.pem"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600))
	users := "users:\n  - {name: alice, token: a-token}\n  - {name: bob, token: b-token}\n"
	c, err := config.ParseConfig(filepath.Join(dir, "c.yaml"), []byte("spec: api.yaml\nmaxBody: 4096\nmaxTimeouts: 5\ncaFile: ca.pem\nrate: 0\n"+users), func(string) (string, bool) { return "", false })
	require.NoError(t, err)
	co := ClientOptionsFor(c, "https://api.example.test")
	assert.Equal(t, "https://api.example.test", co.BaseURL)
	assert.Equal(t, c.CAFile, co.CAFile)
	assert.Equal(t, int64(4096), co.MaxBody)
	assert.Equal(t, 5, co.MaxTimeouts)
	assert.True(t, co.RateUnlimited, "rate: 0 in the config is unlimited, not the default")
	assert.Same(t, c.Keyring(), co.Keyring)
	require.Len(t, co.Secrets, 2)
	assert.Equal(t, "b-token", co.Secrets[1].Reveal())

	c, err = config.ParseConfig(filepath.Join(dir, "c.yaml"), []byte("spec: api.yaml\n"+users), func(string) (string, bool) { return "", false })
	require.NoError(t, err)
	assert.False(t, ClientOptionsFor(c, "http://127.0.0.1:1").RateUnlimited, "the default rate is a limit")
}
