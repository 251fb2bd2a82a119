package plan

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/bolaharness/bolaharness/harness/words"

	"github.com/bolaharness/bolaharness/harness/spec"
)

// Which GETs harvesting may call.
//
// A GET is meant to be safe, but in the wild it is not always: `/admin/createdb`,
// `/logout`, `/sessions/reset`, `/export/run` and `/cache/purge` change state
// on a GET. Harvesting calls an operation only when nothing in its name reads
// like an action:
//
//   - path: a literal segment word that is an action verb (`reset`, `purge`,
//     `logout`), a compound that starts with one (`createdb`, `purgeCache`),
//     two words that join into one (`log_out`, `sign-in`), or a segment that is
//     exactly a verb that is also a noun (`/export/run`, `/drop`, `/watch`);
//   - operationId: its first word is an action (`syncCards`, `runExport`), or
//     any of its words is a verb that is never a noun (`adminCreateDb`);
//   - summary: its first word is an action (`Send the monthly report`), or it
//     holds a verb that no listing's summary would use (`logout`, `purge`).
//
// Plural nouns built on verbs (`runs`, `exports`, `cancellations`) are
// listings and stay allowed. A refusal is never a failure: the operation is
// listed in the harvest plan with the word that caused it.

// actionVerbs are verbs that are not used as nouns in API paths: their
// presence anywhere in a path or operationId marks an action.
var actionVerbs = words.WordSet(
	"create", "delete", "remove", "destroy", "erase", "reset", "logout", "logoff", "signout",
	"login", "logon", "signin", "signup", "register", "purge", "exec", "execute", "invoke",
	"sync", "synchronize", "resync", "send", "resend", "approve", "reject", "cancel",
	"abort", "restart", "reboot", "shutdown", "kill", "terminate", "migrate", "truncate", "flush",
	"wipe", "trigger", "enable", "disable", "activate", "deactivate", "revoke", "rotate",
	"regenerate", "generate", "unpublish", "deploy", "undeploy", "install", "uninstall",
	"upgrade", "rollback", "unlock", "suspend", "resume", "pause", "unpause", "unarchive",
	"confirm", "accept", "decline", "submit", "assign", "unassign", "grant", "subscribe",
	"unsubscribe", "unfollow", "notify", "impersonate", "createdb", "dropdb", "initdb",
	"provision", "deprovision", "rebuild", "reindex", "recalculate", "recompute", "enqueue",
	"retry", "replay", "reopen", "finalize", "update", "modify", "rename", "duplicate",
	"invalidate", "evict", "expire", "authorize", "refresh", "reload", "clear", "connect",
	"unblock", "unmute", "kick", "recover", "reverse", "redeem", "unlink", "detach", "attach",
)

// nounVerbs are verbs that are also nouns (`/runs`, `/exports/{id}`); they
// mark an action when a path segment is exactly the verb, or when they open
// an operationId or a summary.
var nounVerbs = words.WordSet(
	"run", "rerun", "export", "import", "drop", "seed", "start", "stop", "charge", "refund",
	"transfer", "capture", "void", "merge", "backup", "restore", "archive", "block", "close",
	"process", "dispatch", "apply", "verify", "pay", "share", "like", "star", "vote", "move",
	"copy", "clone", "fork", "upload", "set", "edit", "change", "save", "scale", "resize",
	"init", "setup", "commit", "push", "mark", "join", "leave", "exit", "quit", "watch",
	"lock", "ban", "mute", "follow", "publish", "test", "proxy", "exchange", "ping", "check",
	"delegate", "perform", "toggle", "invite",
)

// summaryVerbs are action words that a listing's summary never contains,
// wherever they stand in it.
var summaryVerbs = words.WordSet("logout", "logoff", "signout", "purge", "reset", "shutdown", "restart",
	"reboot", "migrate", "truncate", "wipe", "createdb", "dropdb", "impersonate", "destroy", "execute")

// inflections are endings that turn a verb into a noun or a participle:
// `runs`, `exports`, `cancellations`, `settings`, `shared`.
var inflections = []string{"s", "es", "d", "ed", "ing", "ings", "er", "ers", "or", "ors",
	"ion", "ions", "ation", "ations", "ment", "ments", "al", "als", "able", "ee", "ees", "ive", "ives", "ution", "utions"}

// actionReason says why op reads like an action, or "" when it does not.
func ActionReason(op spec.Operation) string {
	if why := pathActionReason(op.Path); why != "" {
		return why
	}
	if why := operationIDActionReason(op.ID); why != "" {
		return why
	}
	if op.Raw != nil {
		return summaryActionReason(op.Raw.Summary)
	}
	return ""
}

// pathActionReason checks every literal segment of a path template.
func pathActionReason(path string) string {
	for _, seg := range strings.Split(path, "/") {
		lit := spec.IdTemplateParam.ReplaceAllString(seg, " ")
		if strings.TrimSpace(lit) == "" {
			continue
		}
		if nounVerbs[strings.ToLower(lit)] {
			return fmt.Sprintf("path segment %q is the action %q", seg, strings.ToLower(lit))
		}
		words := words.NameWords(lit)
		if w := actionWord(words); w != "" && w == strings.ToLower(lit) {
			return fmt.Sprintf("path segment %q is the action %q", seg, w)
		} else if w != "" {
			return fmt.Sprintf("path segment %q holds the action %q", seg, w)
		}
	}
	return ""
}

// operationIDActionReason checks an operationId's words.
func operationIDActionReason(id string) string {
	words := words.NameWords(id)
	if len(words) == 0 {
		return ""
	}
	if actionVerbs[words[0]] || nounVerbs[words[0]] {
		return fmt.Sprintf("operationId %q starts with the action %q", id, words[0])
	}
	if w := actionWord(words); w != "" {
		return fmt.Sprintf("operationId %q reads like an action (%q)", id, w)
	}
	return ""
}

// summaryActionReason checks a summary's first word and its strongest verbs.
func summaryActionReason(summary string) string {
	words := strings.FieldsFunc(strings.ToLower(summary), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	if len(words) == 0 {
		return ""
	}
	// "Resets the cache" opens with the verb in the third person.
	for _, w := range []string{words[0], singular(words[0])} {
		if actionVerbs[w] || nounVerbs[w] {
			return fmt.Sprintf("summary %q starts with the action %q", spec.FirstLine(summary, 80), w)
		}
	}
	for i, w := range words {
		joined := ""
		if i+1 < len(words) {
			joined = w + words[i+1]
		}
		if summaryVerbs[w] || summaryVerbs[joined] {
			return fmt.Sprintf("summary %q names the action %q", spec.FirstLine(summary, 80), w)
		}
	}
	return ""
}

// actionWord finds an action among words: a verb that is never a noun, a
// compound that starts with one, or two adjacent words that join into one.
func actionWord(words []string) string {
	for i, w := range words {
		if actionVerbs[w] {
			return w
		}
		if v := compoundVerb(w); v != "" {
			return w
		}
		if i+1 < len(words) && actionVerbs[w+words[i+1]] {
			return w + " " + words[i+1]
		}
	}
	return ""
}

// compoundVerb returns the verb a word starts with when the rest is another
// word rather than an inflection: `createdb` → create, `purgecache` → purge,
// but `runs`, `cancellations` and `created` are nouns and participles.
func compoundVerb(w string) string {
	for v := range actionVerbs {
		if len(v) < 4 || len(w) <= len(v) || !strings.HasPrefix(w, v) {
			continue
		}
		rest := w[len(v):]
		if len(rest) < 2 || isInflection(rest) || (rest[0] == v[len(v)-1] && isInflection(rest[1:])) {
			continue
		}
		if strings.HasSuffix(v, "e") && isInflection("e"+rest) {
			continue
		}
		return v
	}
	return ""
}

func isInflection(s string) bool {
	for _, in := range inflections {
		if s == in {
			return true
		}
	}
	return false
}

// unfillableParam says why a required parameter of a harvesting GET cannot
// be filled, or "" when it can. Path parameters are filled from ids already
// harvested (fillable reports which); required query parameters from the
// spec's examples, defaults or enums, unless they name an object, whose value
// an example would only guess.
func unfillableParam(op spec.Operation, p spec.Param, fillable func(string) bool) string {
	switch p.In {
	case "path":
		if fillable(p.Name) {
			return ""
		}
		return fmt.Sprintf("path parameter %q is fed by no listing (harvesting nests listings %d deep at most) and by no config owns", p.Name, DefaultHarvestRounds)
	case "query":
		if !p.Required {
			return ""
		}
		if _, ok := spec.ClassifyParam(p, spec.PathPositions(op.Path), nil); ok {
			return fmt.Sprintf("required query parameter %q names an object that no listing provides", p.Name)
		}
		if _, ok := spec.ExampleValue(p); ok {
			return ""
		}
		return fmt.Sprintf("required query parameter %q has no example, default or enum to fill it with", p.Name)
	default:
		if !p.Required || strings.EqualFold(p.Name, "Authorization") {
			return ""
		}
		return fmt.Sprintf("required %s parameter %q cannot be sent by the harness", p.In, p.Name)
	}
}
