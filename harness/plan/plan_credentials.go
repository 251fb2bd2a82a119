package plan

import (
	"fmt"
	"strings"

	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/spec"
)

// PlannedCredential is what one user sends to an attacked operation (or,
// with no users known, what the operation takes).
type PlannedCredential struct {
	// User is the user's name; "" when the plan was made from a spec alone.
	User string `json:"user,omitempty"`
	// Uses says which credential serves which scheme: "apiKey as apiKey
	// \"key\" in header \"X-API-Key\"", "basic as http basic \"basicAuth\"".
	Uses string `json:"uses"`
}

// credentialsFor decides who can call op: every user's chosen credential,
// or why fewer than two users can (then op is left out, since an attack
// needs an attacker and a victim). users nil means a plan from a spec
// alone: op then needs only a servable alternative.
func credentialsFor(op spec.Operation, users []config.User) ([]PlannedCredential, string) {
	if users == nil {
		if !op.Servable() {
			return nil, "needs a scheme the harness cannot send: " + op.SecurityWhy
		}
		for _, r := range op.Alternatives {
			if r.Servable() {
				return []PlannedCredential{{Uses: r.String()}}, ""
			}
		}
		return nil, ""
	}
	var out []PlannedCredential
	var lacking []string
	for _, u := range users {
		h := u.Holdings()
		uses, ok := h.Choose(op.Alternatives)
		if !ok {
			lacking = append(lacking, fmt.Sprintf("%s has %s", u.Name, h.Describe()))
			continue
		}
		out = append(out, PlannedCredential{User: u.Name, Uses: describeUses(uses)})
	}
	if len(out) >= 2 {
		return out, ""
	}
	need := needs(op.Alternatives)
	if len(out) == 1 {
		return nil, fmt.Sprintf("only %s can satisfy its security (%s); give a second user that credential to attack it", out[0].User, need)
	}
	return nil, fmt.Sprintf("no user can satisfy its security (%s): %s; %s", need, strings.Join(lacking, "; "), fixFor(op.Alternatives))
}

// describeUses joins a user's uses; none means only the user's headers and
// cookies go (a spec that declares no security, a user without a token).
func describeUses(uses []config.Use) string {
	if len(uses) == 0 {
		return "headers and cookies only"
	}
	parts := make([]string, len(uses))
	for i, u := range uses {
		parts[i] = u.String()
	}
	return strings.Join(parts, " and ")
}

// needs lists the alternatives, "or" between them.
func needs(alts []spec.Requirement) string {
	parts := make([]string, len(alts))
	for i, r := range alts {
		parts[i] = r.String()
	}
	return strings.Join(parts, " or ")
}

// fixFor is the config fix for the first servable alternative.
func fixFor(alts []spec.Requirement) string {
	for _, r := range alts {
		if !r.Servable() {
			continue
		}
		var fixes []string
		for _, s := range r {
			fixes = append(fixes, config.CredentialFix(s))
		}
		return strings.Join(fixes, "; ")
	}
	return "the harness cannot send any of these schemes"
}
