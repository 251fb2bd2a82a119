package engine

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/bolaharness/bolaharness/harness/words"

	"github.com/bolaharness/bolaharness/harness/internal/sortedkeys"

	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/oracle"
	"github.com/bolaharness/bolaharness/harness/plan"
	"github.com/bolaharness/bolaharness/harness/spec"

	"github.com/getkin/kin-openapi/openapi3"
)

// Which ids a user has for an id parameter. Path ids come from the
// config's owns (or harvesting). Outside the path the same holds, keyed by
// the parameter's name (a header's case-insensitively, a body field's by
// pointer or key); an owner reference without owns (`user_id`, `username`,
// `X-Account-Id`, an added ?user_id) takes the user's own identity value
// whose key matches: the handler looks the data up by the owner itself.
// So does a path parameter that names a user (`/users/{username}`,
// `/users/{userId}/orders`, `/repos/{owner}/{repo}`): the user's own
// identity is the object, and with no owns it is the only value there is.

// idsOf returns u's ids for p: owns first, then a matching identity value.
func idsOf(u *config.User, p spec.IDParam) []string {
	if ids := ownedIDs(u, p); len(ids) > 0 {
		return ids
	}
	if v := identityFor(u, p); v != "" {
		return []string{v}
	}
	return nil
}

// ownedIDs are u's ids for p from owns alone (configured or harvested):
// the only ids writes are ever sent to.
func ownedIDs(u *config.User, p spec.IDParam) []string {
	if ids := u.Owns[p.Scope]; p.Scope != "" && len(ids) > 0 {
		return ids // a path-scoped key wins over the bare parameter name
	}
	if ids := u.Owns[p.Name]; len(ids) > 0 {
		return ids
	}
	switch p.In {
	case openapi3.ParameterInHeader:
		for _, k := range sortedkeys.Of(u.Owns) {
			if spec.HeaderKeyEqual(k, p.Name) {
				return u.Owns[k]
			}
		}
	case spec.InBody:
		return u.Owns[spec.LastToken(p)]
	}
	return nil
}

// writeIDs are the ids a write may be sent to as u's: owns (configured or
// harvested), else u's identity value when p names a user and is the
// write's only key (`{"username": "bob"}` in PUT /profile, no id in the
// path). The identity is then u's own object as surely as an owned id is,
// and it is read back and restored the same way. A write that a path id
// already aims keeps to owns, so an owner field in its body is not
// rewritten on the attacker's own objects; a DELETE keeps to owns and the
// destroy key, since there it would remove an account.
func writeIDs(u *config.User, p spec.IDParam, op plan.PlannedOperation) []string {
	if ids := ownedIDs(u, p); len(ids) > 0 || op.Op.Method == http.MethodDelete {
		return ids
	}
	for _, other := range op.IDs {
		if other.In == openapi3.ParameterInPath {
			return nil
		}
	}
	if v := identityFor(u, p); v != "" {
		return []string{v}
	}
	return nil
}

// identityFor is u's identity value that p refers to, or "": the value
// whose key reads like p's name (user_id ↔ userId), else by p's last word:
// an id-like name takes identity id (or a key ending in id), a name-like
// one username, login, handle or name, an email-like one email.
func identityFor(u *config.User, p spec.IDParam) string {
	name := spec.LastToken(p)
	if !words.OwnerLikeName(name) && !(p.In == openapi3.ParameterInQuery && p.Name == spec.AddedParamName) {
		return ""
	}
	ws := words.NameWords(name)
	if len(ws) > 1 && ws[0] == "x" {
		ws = ws[1:]
	}
	keys := sortedkeys.Of(u.Identity)
	for _, k := range keys {
		if strings.Join(words.NameWords(k), "_") == strings.Join(ws, "_") {
			return u.Identity[k]
		}
	}
	var prefer []string
	switch last := ws[len(ws)-1]; {
	case last == "email":
		prefer = []string{"email"}
	case last == "name" || last == "username" || last == "login" || last == "handle":
		prefer = []string{"username", "login", "handle", "name"}
	default: // id, uuid, a bare owner word, …_by
		prefer = []string{"id", "user_id", "uid", "sub", "username"}
	}
	for _, want := range prefer {
		for _, k := range keys {
			if strings.Join(words.NameWords(k), "_") == want {
				return u.Identity[k]
			}
		}
	}
	if ws[len(ws)-1] == "id" {
		return idLikeIdentity(u, keys)
	}
	return ""
}

// idLikeIdentity is the value of the one identity key that ends in id
// (customerId, account_id), or "" when there is none or several.
func idLikeIdentity(u *config.User, keys []string) string {
	var found []string
	for _, k := range keys {
		if w := words.NameWords(k); len(w) > 0 && w[len(w)-1] == "id" {
			found = append(found, u.Identity[k])
		}
	}
	sort.Strings(found)
	if len(found) == 1 {
		return found[0]
	}
	return ""
}

// publicByIdentity says why a leak verdict is a public record instead, or
// "": the key is the victim's own identity (`/users/{username}` fed by no
// owns), and the answer names nobody — no owner field, no personal value,
// only content such as a display name and a bio that every user sees alike.
// A private record keyed the same way (`/users/{username}/profile`) carries
// the victim's email or id and stays a leak.
func publicByIdentity(g *group, victim *config.User, v oracle.Verdict) string {
	if v.Outcome != oracle.Leak || victim == nil || Confidence(v.Evidence) == ConfidenceCertain ||
		len(ownedIDs(victim, g.p)) > 0 || identityFor(victim, g.p) == "" {
		return ""
	}
	return fmt.Sprintf("public record: {%s} is %s's identity (not listed under owns) and the answer names nobody, "+
		"as a public profile every user sees alike; list the key under owns to judge it as a private object", g.p.Name, victim.Name)
}
