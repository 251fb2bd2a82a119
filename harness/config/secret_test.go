package config

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"testing"

	"github.com/bolaharness/bolaharness/harness/secret"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

const secretValue = "s3cr3t-T0KEN/with+chars"

func TestSecret_NeverPrinted(t *testing.T) {
	s := secret.NewSecret(secretValue)
	u := User{Name: "alice", Token: s, TokenVar: "ALICE_TOKEN"}
	verbs := []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%10s", "%T"}
	for _, verb := range verbs {
		for _, arg := range []any{s, &s, u, &u, []secret.Secret{s}, map[string]secret.Secret{"k": s}} {
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
	s := secret.NewSecret(secretValue)
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
	assert.Equal(t, secretValue, secret.NewSecret(secretValue).Reveal())
	assert.False(t, secret.NewSecret(secretValue).IsZero())
	assert.True(t, secret.Secret{}.IsZero())
	assert.True(t, secret.NewSecret("").IsZero())
}

func TestRedact(t *testing.T) {
	long, short := secret.NewSecret("abc-token-long"), secret.NewSecret("abc-token")
	tests := []struct {
		name, in, want string
		secrets        []secret.Secret
	}{
		{"echoed in body", `{"auth":"Bearer abc-token"}`, `{"auth":"Bearer [redacted]"}`, []secret.Secret{short}},
		{"every occurrence", "abc-token abc-token", "[redacted] [redacted]", []secret.Secret{short}},
		{"longest first", "x abc-token-long y abc-token", "x [redacted] y [redacted]", []secret.Secret{short, long}},
		{"percent-encoded", "next=/login?t=s3cr3t-T0KEN%2Fwith%2Bchars", "next=/login?t=[redacted]", []secret.Secret{secret.NewSecret(secretValue)}},
		{"empty secret ignored", "nothing here", "nothing here", []secret.Secret{{}}},
		{"no secrets", "abc-token", "abc-token", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, secret.Redact(tt.in, tt.secrets...))
		})
	}
}

func TestRedact_EncodedForms(t *testing.T) {
	tok := "tok-Abc123.xyz_789~LONG"
	s := secret.NewSecret(tok)
	b64 := func(v string) string { return base64.StdEncoding.EncodeToString([]byte(v)) }
	tests := []struct{ name, in string }{
		{"raw", "Bearer " + tok},
		{"query-escaped", "?t=" + url.QueryEscape(tok+"/+")},
		{"base64", b64(tok)},
		{"base64 url, unpadded", base64.RawURLEncoding.EncodeToString([]byte(tok))},
		{"base64 of user:token (Basic)", "Basic " + b64("user:"+tok)},
		{"base64 of a JSON envelope", b64(`{"access":"` + tok + `","x":1}`)},
		{"base64 at offset 1", b64("a" + tok + "zz")},
		{"base64 at offset 2", b64("ab" + tok)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := secret.Redact(tt.in, s)
			assert.Contains(t, out, "[redacted]")
			// What is left of an encoded token is at most the few characters
			// at either end that it shares with its neighbours.
			dec := decodeAll(out)
			assert.NotContains(t, dec, tok[3:len(tok)-3], "%q still decodes to most of the token", out)
			assert.NotContains(t, out, tok)
		})
	}
	assert.Equal(t, "short token ab stays", secret.Redact("short token ab stays", secret.NewSecret("abcdefghijk")), "no false positives from short fragments")
}

// decodeAll base64-decodes every run of base64 characters in s it can.
func decodeAll(s string) string {
	var b strings.Builder
	b.WriteString(s)
	for _, field := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(" []?=:", r) }) {
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
			if d, err := enc.DecodeString(field); err == nil {
				b.WriteString(" " + string(d))
			}
		}
	}
	return b.String()
}

func TestKeyring(t *testing.T) {
	var nilRing *secret.Keyring
	nilRing.Add(secret.NewSecret("x"))
	assert.Empty(t, nilRing.Secrets(), "a nil keyring holds nothing and does not panic")
	k := &secret.Keyring{}
	k.Add(secret.NewSecret("one"))
	k.Add(secret.NewSecret("one"))
	k.Add(secret.Secret{})
	k.Add(secret.NewSecret("two"))
	assert.Len(t, k.Secrets(), 2)
	assert.Equal(t, "Keyring{2 secrets}", fmt.Sprintf("%+v", k))
	assert.Equal(t, "[redacted] [redacted]", secret.Redact("one two", k.Secrets()...))
}
