package secret

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// redacted is what a Secret shows instead of its value, everywhere.
const Redacted = "[redacted]"

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
func (s Secret) String() string { return Redacted }

// GoString returns "[redacted]", so %#v hides the value too.
func (s Secret) GoString() string { return Redacted }

// Format makes every fmt verb print "[redacted]" (%q quotes it), so a Secret
// nested in a struct printed with %+v or %#v stays hidden.
func (s Secret) Format(f fmt.State, verb rune) {
	out := Redacted
	if verb == 'q' {
		out = strconv.Quote(Redacted)
	}
	// fmt.State's Write never fails in practice; there is no caller to tell.
	if _, err := f.Write([]byte(out)); err != nil {
		return
	}
}

// MarshalJSON encodes the secret as the string "[redacted]".
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(strconv.Quote(Redacted)), nil }

// MarshalText encodes the secret as "[redacted]" (used by encoding/xml, map
// keys and other text encoders).
func (s Secret) MarshalText() ([]byte, error) { return []byte(Redacted), nil }

// MarshalYAML encodes the secret as "[redacted]".
func (s Secret) MarshalYAML() (any, error) { return Redacted, nil }

// LogValue makes log/slog print "[redacted]".
func (s Secret) LogValue() slog.Value { return slog.StringValue(Redacted) }

// Redact replaces every occurrence of any of the secrets in text with
// "[redacted]". Servers may echo tokens back in bodies, headers or redirect
// URLs, so anything shown to a person passes through here. Besides the raw
// token, its percent-encoded, JSON-escaped and base64 forms are redacted,
// because echoed tokens often sit in URLs, JSON strings and Basic or JWT-like
// envelopes.
func Redact(text string, secrets ...Secret) string {
	if text == "" {
		return text
	}
	var forms []string
	for _, s := range secrets {
		if s.v != "" {
			forms = append(forms, cachedForms(s.v)...)
		}
	}
	// Longest first, so a token that contains another is replaced whole.
	sort.Slice(forms, func(i, j int) bool { return len(forms[i]) > len(forms[j]) })
	for _, f := range forms {
		if strings.Contains(text, f) {
			text = strings.ReplaceAll(text, f, Redacted)
		}
	}
	return text
}

// formsCache keeps each token's spellings: Redact runs on every request's
// error and URL, and computing the base64 alignments each time was a quarter
// of the client's CPU.
var formsCache sync.Map // token → []string

func cachedForms(v string) []string {
	if f, ok := formsCache.Load(v); ok {
		return f.([]string)
	}
	f := secretForms(v)
	formsCache.Store(v, f)
	return f
}

// minShiftedForm is the shortest base64 fragment redacted on its own: shorter
// fragments would match unrelated text.
const minShiftedForm = 8

// secretForms lists the spellings of v that may appear in output: raw,
// percent-encoded, JSON-escaped, base64 (standard and URL alphabets, padded
// or not) and, for base64 of a longer text that contains v (such as
// "user:token"), the part of the encoding that depends on v alone at each of
// the three byte alignments.
func secretForms(v string) []string {
	forms := []string{v, url.QueryEscape(v), url.PathEscape(v)}
	if j, err := json.Marshal(v); err == nil {
		forms = append(forms, strings.Trim(string(j), `"`))
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
		full := enc.EncodeToString([]byte(v))
		forms = append(forms, full, strings.TrimRight(full, "="))
		for shift := 0; shift < 3; shift++ {
			if mid := shiftedBase64(enc, v, shift); len(mid) >= minShiftedForm {
				forms = append(forms, mid)
			}
		}
	}
	return dedupe(forms)
}

// shiftedBase64 is the base64 text that v produces wherever it starts at
// byte offset shift (mod 3) of a longer encoded text: the characters that
// depend on neighbouring bytes are dropped at both ends.
func shiftedBase64(enc *base64.Encoding, v string, shift int) string {
	lead := (3 - shift) % 3 // bytes of v that share a group with the prefix
	if len(v) <= lead {
		return ""
	}
	body := v[lead:]
	whole := len(body) / 3 * 3 // trailing bytes share a group with the suffix
	return enc.EncodeToString([]byte(body[:whole]))
}

func dedupe(list []string) []string {
	seen := make(map[string]bool, len(list))
	out := list[:0]
	for _, s := range list {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// Keyring holds secrets learnt while a run goes on (tokens obtained by a
// login, credentials), so that everything redacted with the config's tokens
// is redacted with these too. A nil *Keyring holds nothing. It is safe for
// concurrent use.
type Keyring struct {
	mu   sync.RWMutex
	list []Secret
}

// Add remembers s (an empty secret is ignored).
func (k *Keyring) Add(s Secret) {
	if k == nil || s.IsZero() {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, have := range k.list {
		if have.v == s.v {
			return
		}
	}
	k.list = append(k.list, s)
}

// Secrets returns a copy of the secrets held.
func (k *Keyring) Secrets() []Secret {
	if k == nil {
		return nil
	}
	k.mu.RLock()
	defer k.mu.RUnlock()
	return append([]Secret(nil), k.list...)
}

// Format prints how many secrets the keyring holds, never their values (fmt
// would otherwise print the unexported list by reflection).
func (k *Keyring) Format(f fmt.State, verb rune) {
	if _, err := fmt.Fprintf(f, "Keyring{%d secrets}", len(k.Secrets())); err != nil {
		return // fmt.State's Write never fails in practice; there is no caller to tell
	}
}
