package client

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strings"

	"github.com/bolaharness/bolaharness/harness/config"
)

// Ignored-authentication requests: the same request as a user's, sent with
// no credential, with the JWT's signature altered, or with the JWT
// re-encoded with alg "none". The forged credential goes only where the
// real one would (the base origin; redirects to another origin carry no
// credential, client_wire.go), and a 401 to it never triggers a re-login.

type authCheckKey struct{}

// WithAuthCheck tags ctx so that requests sent with it carry the user's
// credential forged as check says (config.AuthCheckNone, AuthCheckTampered
// or AuthCheckAlgNone) instead of the real one.
func WithAuthCheck(ctx context.Context, check string) context.Context {
	return context.WithValue(ctx, authCheckKey{}, check)
}

// authCheckOf is the check ctx was tagged with, or "".
func authCheckOf(ctx context.Context) string {
	check, ok := ctx.Value(authCheckKey{}).(string)
	if !ok {
		return ""
	}
	return check
}

// algNoneHeader is base64url({"alg":"none","typ":"JWT"}).
const algNoneHeader = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0"

// Forgeable says whether u's credential for a request with method to
// rawURL (under ctx's operation) can be forged as check says: always for
// AuthCheckNone, and for the others only when a credential is a JWT.
func (c *Client) Forgeable(ctx context.Context, check, method, rawURL string, u *config.User) bool {
	if check == config.AuthCheckNone {
		return true
	}
	target, err := url.Parse(rawURL)
	if err != nil || u == nil {
		return false
	}
	// The real credential, even when ctx is already tagged with a check:
	// forging a forged one would judge the wrong token.
	real := context.WithValue(ctx, authCheckKey{}, "")
	_, forged := forge(check, c.credentials(real, method, target, u, c.current(u)))
	return forged
}

// forge rewrites creds as check says; it reports whether any credential
// was forged (for AuthCheckNone, none is left).
func forge(check string, creds []cred) ([]cred, bool) {
	if check == config.AuthCheckNone {
		return nil, true
	}
	out := make([]cred, 0, len(creds))
	forged := false
	for _, cr := range creds {
		prefix, token := "", cr.value
		if cr.kind == "header" && strings.HasPrefix(cr.value, "Bearer ") {
			prefix, token = "Bearer ", strings.TrimPrefix(cr.value, "Bearer ")
		}
		parts := strings.Split(token, ".")
		if cr.secret && isJWT(parts) {
			expr := strings.TrimPrefix(cr.shown, prefix) // "$ALICE_TOKEN"
			switch check {
			case config.AuthCheckTampered:
				cr.value = prefix + parts[0] + "." + parts[1] + "." + rotate(parts[2])
				cr.shown = prefix + `$(printf %s "` + expr + `" | cut -d. -f1,2).$(printf %s "` + expr + `" | cut -d. -f3 | tr A-Za-z0-9 B-ZAb-za1-90)`
			case config.AuthCheckAlgNone:
				cr.value = prefix + algNoneHeader + "." + parts[1] + "."
				cr.shown = prefix + algNoneHeader + `.$(printf %s "` + expr + `" | cut -d. -f2).`
			}
			forged = true
		}
		out = append(out, cr)
	}
	return out, forged
}

// isJWT says whether parts are a JWS in compact form: three parts whose
// first decodes to a JSON header naming an algorithm, and a signature.
func isJWT(parts []string) bool {
	if len(parts) != 3 || parts[2] == "" {
		return false
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return false
	}
	var h struct {
		Alg string `json:"alg"`
	}
	return json.Unmarshal(raw, &h) == nil && h.Alg != "" && !strings.EqualFold(h.Alg, "none")
}

// rotate shifts every letter and digit of a signature by one (Z to A, 9 to
// 0), as `tr A-Za-z0-9 B-ZAb-za1-90` does, so every such character differs
// and the curl line can do the same.
func rotate(sig string) string {
	b := []byte(sig)
	for i, ch := range b {
		switch {
		case ch == 'Z', ch == 'z':
			b[i] = ch - 25
		case ch == '9':
			b[i] = '0'
		case ch >= 'A' && ch < 'Z', ch >= 'a' && ch < 'z', ch >= '0' && ch < '9':
			b[i] = ch + 1
		}
	}
	return string(b)
}

// senderKey is the context key of the user an attempt is sent as.
type senderKey struct{}

// SenderOf says, for the context of a request the client sends (as a
// transport hook such as Options.Wrap sees it), which user it is sent as
// and, for an ignored-authentication check, how that user's credential was
// altered ("none", "tampered", "alg-none"; "" when sent as is). The user is
// "" for a login request.
func SenderOf(ctx context.Context) (user, check string) {
	user, _ = ctx.Value(senderKey{}).(string)
	return user, authCheckOf(ctx)
}
