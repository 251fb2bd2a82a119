package harness

import (
	"fmt"
	"log/slog"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// redacted is what a Secret shows instead of its value, everywhere.
const redacted = "[redacted]"

// Secret holds a token; it never prints, marshals or logs its value. Reports,
// test logs and error messages handle users freely, so the value is hidden
// behind Reveal and every formatting or encoding path shows "[redacted]".
type Secret struct{ v string }

// NewSecret wraps a token.
func NewSecret(s string) Secret { return Secret{v: s} }

// Reveal returns the token. It is the only way to read it: call it only where
// the value goes on the wire (the Authorization header).
func (s Secret) Reveal() string { return s.v }

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s.v == "" }

// String returns "[redacted]".
func (s Secret) String() string { return redacted }

// GoString returns "[redacted]", so %#v hides the value too.
func (s Secret) GoString() string { return redacted }

// Format makes every fmt verb print "[redacted]" (%q quotes it), so a Secret
// nested in a struct printed with %+v or %#v stays hidden.
func (s Secret) Format(f fmt.State, verb rune) {
	out := redacted
	if verb == 'q' {
		out = strconv.Quote(redacted)
	}
	// fmt.State's Write never fails in practice; there is no caller to tell.
	if _, err := f.Write([]byte(out)); err != nil {
		return
	}
}

// MarshalJSON encodes the secret as the string "[redacted]".
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(strconv.Quote(redacted)), nil }

// MarshalText encodes the secret as "[redacted]" (used by encoding/xml, map
// keys and other text encoders).
func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// MarshalYAML encodes the secret as "[redacted]".
func (s Secret) MarshalYAML() (any, error) { return redacted, nil }

// LogValue makes log/slog print "[redacted]".
func (s Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// Redact replaces every occurrence of any of the secrets in text with
// "[redacted]". Servers may echo tokens back in bodies, headers or redirect
// URLs, so anything shown to a person passes through here. The percent-encoded
// form of a token is redacted too, because echoed tokens often sit in URLs.
func Redact(text string, secrets ...Secret) string {
	forms := make([]string, 0, 2*len(secrets))
	for _, s := range secrets {
		if s.v == "" {
			continue
		}
		forms = append(forms, s.v)
		if q := url.QueryEscape(s.v); q != s.v {
			forms = append(forms, q)
		}
	}
	// Longest first, so a token that contains another is replaced whole.
	sort.Slice(forms, func(i, j int) bool { return len(forms[i]) > len(forms[j]) })
	for _, f := range forms {
		text = strings.ReplaceAll(text, f, redacted)
	}
	return text
}
