package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const fp = "0123456789abcdef0123456789abcdef"

func TestParseConfig_Ignore(t *testing.T) {
	data := "spec: api.yaml\n" + cfgUsers + "ignore:\n" +
		"  - fingerprint: " + fp + "\n    reason: test tenant, accepted until the rewrite\n    expires: 2027-01-31\n" +
		"  - {fingerprint: \"" + fp[:31] + "f\", reason: no expiry}\n"
	c, err := ParseConfig(cfgFile, []byte(data), MapEnv(nil))
	require.NoError(t, err)
	require.Len(t, c.Ignore, 2)
	assert.Equal(t, Ignore{Fingerprint: fp, Reason: "test tenant, accepted until the rewrite", Expires: "2027-01-31", Line: 7}, c.Ignore[0])
	assert.Equal(t, "", c.Ignore[1].Expires)
	assert.Equal(t, 10, c.Ignore[1].Line)
}

func TestParseConfig_IgnoreErrors(t *testing.T) {
	head := "spec: api.yaml\n" + cfgUsers + "ignore:\n" // "ignore:" is line 6, its first entry line 7
	cases := []struct {
		name, entry string
		line        int
		key, says   string
	}{
		{"no reason", "  - fingerprint: " + fp + "\n", 7, "ignore[0]", "missing reason"},
		{"no fingerprint", "  - reason: why\n", 7, "ignore[0]", "missing fingerprint"},
		{"not a fingerprint", "  - reason: why\n    fingerprint: GET /x\n", 8, "ignore[0].fingerprint", "32 hex digits"},
		{"not a date", "  - fingerprint: " + fp + "\n    reason: why\n    expires: next year\n", 9, "ignore[0].expires", "YYYY-MM-DD"},
		{"a wrong date", "  - fingerprint: " + fp + "\n    reason: why\n    expires: 2027-02-30\n", 9, "ignore[0].expires", "YYYY-MM-DD"},
		{"unknown key", "  - fingerprint: " + fp + "\n    reason: why\n    until: 2027-01-01\n", 9, "ignore[0]", `unknown key "until"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseConfig(cfgFile, []byte(head+c.entry), MapEnv(nil))
			var ce *ConfigError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, c.line, ce.Line, "%v", err)
			assert.Equal(t, c.key, ce.Key)
			assert.Contains(t, ce.Msg, c.says)
			assert.Contains(t, err.Error(), cfgFile+":")
		})
	}
}
