package harness

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

const secretValue = "s3cr3t-T0KEN/with+chars"

func TestSecret_NeverPrinted(t *testing.T) {
	s := NewSecret(secretValue)
	u := User{Name: "alice", Token: s, TokenVar: "ALICE_TOKEN"}
	verbs := []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%10s", "%T"}
	for _, verb := range verbs {
		for _, arg := range []any{s, &s, u, &u, []Secret{s}, map[string]Secret{"k": s}} {
			out := fmt.Sprintf(verb, arg)
			assert.NotContains(t, out, "s3cr3t", "%s of %T printed the token: %s", verb, arg, out)
		}
	}
	assert.Equal(t, "[redacted]", fmt.Sprint(s))
	assert.Equal(t, `"[redacted]"`, fmt.Sprintf("%q", s))
	assert.Equal(t, "[redacted]", s.String())
	assert.Equal(t, "[redacted]", s.GoString())
	assert.Contains(t, fmt.Sprintf("%+v", u), "Token:[redacted]")
}

func TestSecret_NeverMarshalled(t *testing.T) {
	s := NewSecret(secretValue)
	u := User{Name: "alice", Token: s}

	j, err := json.Marshal(u)
	require.NoError(t, err)
	assert.NotContains(t, string(j), "s3cr3t")
	assert.Contains(t, string(j), `"Token":"[redacted]"`)

	y, err := yaml.Marshal(u)
	require.NoError(t, err)
	assert.NotContains(t, string(y), "s3cr3t")
	assert.Contains(t, string(y), "[redacted]")

	txt, err := s.MarshalText()
	require.NoError(t, err)
	assert.Equal(t, "[redacted]", string(txt))

	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("user", "token", s, "user", u)
	assert.NotContains(t, buf.String(), "s3cr3t")
	assert.Contains(t, buf.String(), "token=[redacted]")
}

func TestSecret_RevealAndZero(t *testing.T) {
	assert.Equal(t, secretValue, NewSecret(secretValue).Reveal())
	assert.False(t, NewSecret(secretValue).IsZero())
	assert.True(t, Secret{}.IsZero())
	assert.True(t, NewSecret("").IsZero())
}

func TestRedact(t *testing.T) {
	long, short := NewSecret("abc-token-long"), NewSecret("abc-token")
	tests := []struct {
		name, in, want string
		secrets        []Secret
	}{
		{"echoed in body", `{"auth":"Bearer abc-token"}`, `{"auth":"Bearer [redacted]"}`, []Secret{short}},
		{"every occurrence", "abc-token abc-token", "[redacted] [redacted]", []Secret{short}},
		{"longest first", "x abc-token-long y abc-token", "x [redacted] y [redacted]", []Secret{short, long}},
		{"percent-encoded", "next=/login?t=s3cr3t-T0KEN%2Fwith%2Bchars", "next=/login?t=[redacted]", []Secret{NewSecret(secretValue)}},
		{"empty secret ignored", "nothing here", "nothing here", []Secret{{}}},
		{"no secrets", "abc-token", "abc-token", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Redact(tt.in, tt.secrets...))
		})
	}
}
