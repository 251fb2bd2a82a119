package plan

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/bolaharness/bolaharness/harness/words"

	"github.com/bolaharness/bolaharness/harness/spec"
)

// Which GETs harvesting may call.
//
// A GET is meant to be safe, but in the wild it is not always: `/admin/createdb`,
// `/logout`, `/sessions/reset`, `/export/run` and `/cache/purge` change state
// on a GET. The rules read words, never letters inside a word, and weigh
// the path and operationId above the summary:
//
//   - destructive verbs (`delete`, `purge`, `reset`, `logout`, `createdb`,
//     `exec`, and `watch`, which streams forever) refuse a GET wherever they
//     stand as a whole word of a literal segment (`/cache_purge`,
//     `/api/v1/watch/pods`), as a compound (`purgeCache`), or as two words
//     that join into one (`log-out`);
//   - other verbs (`send`, `sync`, `run`, `connect`) refuse it only when they
//     open the last literal segment of the path (`/invoices/{id}/send`,
//     `/sendInvoice`, `/exports/{id}/run`): a noun that merely holds the
//     letters or the word (`email_send_logs`, `/connect/{id}/logs`) is a
//     listing. A verb that is also a noun (`connect`, `export`, `run`) at the
//     end gives way when the operationId names a read (`getConnectConfigs`);
//   - operationId: its first word is a verb and no read verb (`get`,
//     `list`, ...) follows it (`runNightlyJob`, not
//     `ConnectConfigurations_GetConnectConfigs`), or it holds a destructive verb;
//   - summary (harvesting only): it names a destructive verb, or opens with
//     a verb while neither the operationId reads as a read nor the path ends
//     on an item (`GET /things/{id}` summarised "Remove a thing" is a
//     copy-paste).
//
// Plural nouns built on verbs (`runs`, `exports`, `cancellations`) are
// listings and stay allowed. A refusal is never a failure: the operation is
// listed in the harvest plan with the word that caused it.

// destructiveVerbs refuse a GET wherever they stand as a whole word.
var destructiveVerbs = words.WordSet(
	"create", "delete", "remove", "destroy", "erase", "reset", "logout", "logoff", "signout",
	"purge", "exec", "execute", "shutdown", "reboot", "restart", "kill", "terminate", "truncate",
	"flush", "wipe", "createdb", "dropdb", "initdb", "impersonate", "uninstall", "undeploy",
	"deprovision", "rollback", "revoke", "migrate", "watch", "portforward", "attach", "evict",
)

// actionVerbs are verbs that are not used as nouns in API paths: at the
// start of the path's last literal segment or of an operationId, they mark
// an action.
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
	"invalidate", "evict", "expire", "authorize", "refresh", "reload", "clear",
	"unblock", "unmute", "kick", "recover", "reverse", "redeem", "unlink", "detach", "attach",
	"portforward",
)

// nounVerbs are verbs that are also nouns (`/runs`, `/exports/{id}`,
// DocuSign's `connect` feature): at the end of a path they mark an action
// unless the operationId names a read.
var nounVerbs = words.WordSet(
	"run", "rerun", "export", "import", "drop", "seed", "start", "stop", "charge", "refund",
	"transfer", "capture", "void", "merge", "backup", "restore", "archive", "block", "close",
	"process", "dispatch", "apply", "verify", "pay", "share", "like", "star", "vote", "move",
	"copy", "clone", "fork", "upload", "set", "edit", "change", "save", "scale", "resize",
	"init", "setup", "commit", "push", "mark", "join", "leave", "exit", "quit", "watch",
	"lock", "ban", "mute", "follow", "publish", "test", "proxy", "exchange", "ping", "check",
	"delegate", "perform", "toggle", "invite", "connect",
)

// readVerbs are the words with which an operationId says it reads.
var readVerbs = words.WordSet("get", "list", "read", "fetch", "retrieve", "show", "find", "search",
	"describe", "query", "lookup", "view", "download")

// summaryVerbs are action words that a listing's summary never contains,
// wherever they stand in it.
var summaryVerbs = words.WordSet("logout", "logoff", "signout", "purge", "reset", "shutdown", "restart",
	"reboot", "migrate", "truncate", "wipe", "createdb", "dropdb", "impersonate", "destroy", "execute")

// inflections are endings that turn a verb into a noun or a participle:
// `runs`, `exports`, `cancellations`, `settings`, `shared`.
var inflections = []string{"s", "es", "d", "ed", "ing", "ings", "er", "ers", "or", "ors",
	"ion", "ions", "ation", "ations", "ment", "ments", "al", "als", "able", "ee", "ees", "ive", "ives", "ution", "utions"}

// ActionReason says why op reads like an action, or "" when it does not.
func ActionReason(op spec.Operation) string { return (*actionMemo)(nil).reason(op) }

// pathActionReason checks a path template with no operationId to weigh.
func pathActionReason(path string) string { return pathActionReasonFor(path, "") }

// pathActionReasonFor checks every literal segment of a path template for
// a destructive verb, and its last literal segment for an opening verb.
func pathActionReasonFor(path, operationID string) string {
	var last string
	for _, seg := range strings.Split(path, "/") {
		lit := strings.TrimSpace(spec.IdTemplateParam.ReplaceAllString(seg, " "))
		if lit == "" {
			continue
		}
		last = seg
		ws := words.NameWords(lit)
		if w := destructiveWord(ws); w != "" {
			if w == strings.ToLower(lit) {
				return fmt.Sprintf("path segment %q is the action %q", seg, w)
			}
			return fmt.Sprintf("path segment %q holds the action %q", seg, w)
		}
	}
	if last == "" {
		return ""
	}
	lit := strings.TrimSpace(spec.IdTemplateParam.ReplaceAllString(last, " "))
	ws := words.NameWords(lit)
	if len(ws) == 0 {
		return ""
	}
	first := ws[0]
	switch {
	case nounVerbs[first] && readsAsRead(operationID):
		return ""
	case len(ws) == 1 && (actionVerbs[first] || nounVerbs[first]):
		return fmt.Sprintf("path segment %q is the action %q", last, first)
	case actionVerbs[first] || nounVerbs[first]:
		return fmt.Sprintf("path segment %q opens with the action %q", last, first)
	case compoundVerb(first) != "":
		return fmt.Sprintf("path segment %q holds the action %q", last, first)
	case len(ws) > 1 && actionVerbs[first+ws[1]]:
		return fmt.Sprintf("path segment %q holds the action %q", last, first+" "+ws[1])
	}
	return ""
}

// readsAsRead is true when an operationId names a read among its words.
func readsAsRead(operationID string) bool {
	for _, w := range words.NameWords(operationID) {
		if readVerbs[w] {
			return true
		}
	}
	return false
}

// destructiveWord finds a destructive verb among words: a whole word, a
// compound that starts with one (`purgecache`), or two words that join into
// one (`log out`).
func destructiveWord(ws []string) string {
	for i, w := range ws {
		if destructiveVerbs[w] {
			return w
		}
		if v := compoundVerb(w); v != "" && destructiveVerbs[v] {
			return w
		}
		if i+1 < len(ws) && destructiveVerbs[w+ws[i+1]] {
			return w + " " + ws[i+1]
		}
	}
	return ""
}

// operationIDActionReason checks an operationId's words.
func operationIDActionReason(id string) string {
	ws := words.NameWords(id)
	if len(ws) == 0 {
		return ""
	}
	if (actionVerbs[ws[0]] || nounVerbs[ws[0]]) && (destructiveVerbs[ws[0]] || !readsAsRead(id)) {
		return fmt.Sprintf("operationId %q starts with the action %q", id, ws[0])
	}
	if w := destructiveWord(ws); w != "" {
		return fmt.Sprintf("operationId %q reads like an action (%q)", id, w)
	}
	return ""
}

// summaryActionReason checks a summary's first word and its strongest
// verbs; an opening verb counts only when neither the operationId nor the
// path says the GET reads.
func summaryActionReason(summary, operationID, path string) string {
	ws := strings.FieldsFunc(strings.ToLower(summary), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	if len(ws) == 0 {
		return ""
	}
	// "Resets the cache" opens with the verb in the third person.
	if !readsAsRead(operationID) && lastPathParam(path) == "" {
		for _, w := range []string{ws[0], singular(ws[0])} {
			if actionVerbs[w] || nounVerbs[w] {
				return fmt.Sprintf("summary %q starts with the action %q", spec.FirstLine(summary, 80), w)
			}
		}
	}
	for i, w := range ws {
		joined := ""
		if i+1 < len(ws) {
			joined = w + ws[i+1]
		}
		if summaryVerbs[w] || summaryVerbs[joined] {
			return fmt.Sprintf("summary %q names the action %q", spec.FirstLine(summary, 80), w)
		}
	}
	return ""
}

// compoundVerb returns the verb a word starts with when the rest is another
// word rather than an inflection: `createdb` → create, `purgecache` → purge,
// but `runs`, `cancellations` and `created` are nouns and participles. Of
// two verbs that both start the word (`sync`, `synchronize`), the longer
// wins.
func compoundVerb(w string) string {
	if len(w) < 5 {
		return "" // a verb of four letters at least, and more after it
	}
	for _, v := range compoundVerbs[w[:4]] {
		if len(w) <= len(v) || !strings.HasPrefix(w, v) {
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

// compoundVerbs indexes the action verbs of four letters or more by their
// first four, longest first: compoundVerb runs on every word of every path
// and operationId, and trying each of the hundred verbs in turn was most of
// the action-word checks' time on large documents.
var compoundVerbs = func() map[string][]string {
	ix := map[string][]string{}
	for v := range actionVerbs {
		if len(v) >= 4 {
			ix[v[:4]] = append(ix[v[:4]], v)
		}
	}
	for _, vs := range ix {
		slices.SortFunc(vs, func(a, b string) int {
			if len(a) != len(b) {
				return len(b) - len(a)
			}
			return strings.Compare(a, b)
		})
	}
	return ix
}()

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
