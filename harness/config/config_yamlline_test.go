package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A YAML syntax error is blamed on its own line, not on the line where
// the enclosing block starts (go-yaml's report).
func TestYAMLErrorPointsAtTheBadLine(t *testing.T) {
	cases := []struct {
		name, data string
		line       int
		says       string
	}{
		{"list item indented too far", "spec: api.yaml\nusers:\n  - name: a\n    token: x\n   - name: b\n    token: y\nrate: 5\n", 5, "expected '-' indicator"},
		{"tab in the indentation", "spec: api.yaml\nusers:\n  - name: a\n\ttoken: x\n", 4, "tab character"},
		{"unclosed quote", "spec: api.yaml\nrate: 5\nusers:\n  - name: a\n    token: \"x\n  - name: b\n", 5, "not valid YAML"},
		{"key without value colon", "spec: api.yaml\nrate: 5\ncases 8\nusers: []\n", 3, "not valid YAML"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseConfig(cfgFile, []byte(c.data), MapEnv(nil))
			var ce *ConfigError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, c.line, ce.Line, "%v", err)
			assert.Contains(t, ce.Msg, c.says)
			assert.NotRegexp(t, `line \d+:`, ce.Msg, "one line number, in the file:line prefix")
		})
	}
	assert.Equal(t, 0, badYAMLLine([]byte("a: 1\nb: [2]\n")), "a valid document has no bad line")
}
