package harness

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConfigPublicKey(t *testing.T) {
	spec, err := filepath.Abs("testdata/runner/things.yaml")
	require.NoError(t, err)
	base := fmt.Sprintf("spec: %s\nusers:\n  - {name: alice, token: a}\n  - {name: bob, token: b}\n", spec)
	cfg, err := ParseConfig("c.yaml", []byte(base+"public: [getUser, \"get /users/{id}\"]\n"), noEnvHere)
	require.NoError(t, err)
	assert.Equal(t, []string{"getUser", "GET /users/{id}"}, cfg.Public)

	_, err = ParseConfig("c.yaml", []byte(base+"public: [\"\"]\n"), noEnvHere)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "c.yaml:5: public[0]")
}

func noEnvHere(string) (string, bool) { return "", false }
