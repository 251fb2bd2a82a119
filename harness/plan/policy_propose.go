package plan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/spec"
	"github.com/bolaharness/bolaharness/harness/words"
)

// ProposedRole is the role a proposed policy allows when no user carries a
// role other than config.DefaultRole: the plan then says which user to give it.
const ProposedRole = "admin"

// adminWords mark an administrative function in a path segment, a tag or
// an operationId. Words that also name ordinary things ("manage", "ops",
// "system", "root") are left out: a proposal that marks a user's own
// settings page would only be noise.
var adminWords = words.WordSet("admin", "admins", "administration", "administrator", "administrators",
	"backoffice", "superuser", "superusers", "sudo", "staff", "internal", "moderation", "moderator")

// proposedMarks are the operations the spec's own words mark as
// administrative, allowed to every role the users carry besides the
// default one (or to ProposedRole when they carry none).
func proposedMarks(sp *spec.Spec, cfg *config.Config) []marked {
	var roles []string
	for _, r := range cfg.Roles() {
		if r != config.DefaultRole {
			roles = append(roles, r)
		}
	}
	if len(roles) == 0 {
		roles = []string{ProposedRole}
	}
	var out []marked
	for _, op := range sp.Operations {
		if why := AdminReason(op); why != "" {
			out = append(out, marked{op: op, roles: slices.Clone(roles), because: "proposed: " + why})
		}
	}
	return out
}

// AdminReason says why op reads like an administrative function (a path
// segment, a tag or its operationId holds an admin word), or "".
func AdminReason(op spec.Operation) string {
	for _, seg := range strings.Split(op.Path, "/") {
		lit := strings.TrimSpace(spec.IdTemplateParam.ReplaceAllString(seg, " "))
		if lit == "" {
			continue
		}
		if w := adminWord(words.NameWords(lit)); w != "" {
			return fmt.Sprintf("path segment %q holds %q", seg, w)
		}
	}
	if op.Raw != nil {
		for _, tag := range op.Raw.Tags {
			if w := adminWord(words.NameWords(tag)); w != "" {
				return fmt.Sprintf("tag %q holds %q", tag, w)
			}
		}
	}
	if w := adminWord(words.NameWords(op.ID)); w != "" {
		return fmt.Sprintf("operationId %q holds %q", op.ID, w)
	}
	return ""
}

// adminWord is the first of ws that marks an administrative function.
func adminWord(ws []string) string {
	for _, w := range ws {
		if adminWords[strings.ToLower(w)] {
			return strings.ToLower(w)
		}
	}
	return ""
}
