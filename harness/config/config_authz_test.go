package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAuthzKeys(t *testing.T) {
	base := "spec: api.yaml\nusers:\n  - {name: a, token: t1}\n  - {name: b, token: t2}\n"
	parse := func(extra string) (*Config, error) {
		return ParseConfig(cfgFile, []byte(base+extra), MapEnv(nil))
	}
	cfg, err := parse("")
	require.NoError(t, err)
	assert.False(t, cfg.NoExistenceLeaks, "existence leaks are judged by default")
	assert.True(t, cfg.AuthCheckOn(AuthCheckAlgNone), "every auth check runs by default")

	cfg, err = parse("existenceLeaks: false\nauthChecks: [none]\n")
	require.NoError(t, err)
	assert.True(t, cfg.NoExistenceLeaks)
	assert.True(t, cfg.AuthCheckOn(AuthCheckNone))
	assert.False(t, cfg.AuthCheckOn(AuthCheckTampered))

	cfg, err = parse("authChecks: []\n")
	require.NoError(t, err)
	assert.False(t, cfg.AuthCheckOn(AuthCheckNone))

	_, err = parse("existenceLeaks: maybe\n")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "existenceLeaks")
	_, err = parse("authChecks: [unsigned]\n")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "authChecks[0]")
}
