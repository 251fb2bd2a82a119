package oracle

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/bolaharness/bolaharness/harness/internal/sortedkeys"

	"github.com/bolaharness/bolaharness/harness/client"
	"github.com/bolaharness/bolaharness/harness/jsonbody"
)

// The write oracle judges a write by what happened, not by its status: the
// object's owner reads it back before and after another user's write, and
// a change the owner did not make is a leak, even when the write answered
// 204 or the very body a refusal would. A marker the write carried
// (bolaharness-<seed>-<n>) proves it landed; without one (a DELETE, an
// action), any change of the object outside its volatile fields does.

// WriteTrial is everything one write judgement needs.
type WriteTrial struct {
	Attacker, Victim Party
	// Method is the write's method, for the reasons.
	Method string
	// Attack is the write as the attacker sent it.
	Attack client.Exchange
	// Before and After are the owner's read-backs around the write.
	Before, After client.Exchange
	// Marker is the text the write put in a harmless field ("" for none).
	Marker string
	// Volatile are leaf paths that change between two plain reads (a
	// timestamp, a view counter): never evidence.
	Volatile map[string]bool
}

// JudgeWrite decides whether the attacker's write changed the victim's object.
func JudgeWrite(t WriteTrial) Verdict {
	v := t.Victim.Name
	what := fmt.Sprintf("%s's %s (status %s)", t.Attacker.Name, t.Method, StatusText(t.Attack))
	if !IsSuccess(t.Before) {
		return Verdict{Outcome: NoVerdict, Victim: v, Reasons: []string{ControlFailed(v, t.Before) + " (read-back before the write)"}}
	}
	if Gone(t.After) {
		return Verdict{Outcome: Leak, Victim: v, Evidence: []Evidence{{Path: "status", Value: fmt.Sprint(t.After.Status),
			Why: fmt.Sprintf("%s's object is gone after %s; it read %d before", v, what, t.Before.Status)}},
			Reasons: []string{fmt.Sprintf("%s deleted %s's object: %s's read-back answers %d", what, v, v, t.After.Status)}}
	}
	if !IsSuccess(t.After) {
		return Verdict{Outcome: NoVerdict, Victim: v, Reasons: []string{ControlFailed(v, t.After) + " (read-back after the write)"}}
	}
	if ev := ChangedLeaves(t.Before, t.After, t.Marker, t.Volatile, what); len(ev) > 0 {
		return Verdict{Outcome: Leak, Victim: v, Evidence: ev, Reasons: []string{
			fmt.Sprintf("%s changed %s's object, which %s did not change: %s's read-back differs from before in %s", what, v, v, v, countOf(len(ev), "value"))}}
	}
	return Verdict{Outcome: Safe, Victim: v, Reasons: []string{
		fmt.Sprintf("%s's object is unchanged after %s: the write did not land", v, what)}}
}

// countOf writes n things: "1 value", "3 values".
func countOf(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

func StatusText(x client.Exchange) string {
	if x.Status == 0 {
		return "no answer: " + x.Err
	}
	return fmt.Sprint(x.Status)
}

func IsSuccess(x client.Exchange) bool { return x.Err == "" && x.Status >= 200 && x.Status < 300 }

// gone is a read-back that says the object no longer exists.
func Gone(x client.Exchange) bool {
	return x.Err == "" && (x.Status == http.StatusNotFound || x.Status == http.StatusGone)
}

// changedLeaves lists what differs between two read-backs: the marker
// wherever it now stands first, then the other values that changed.
func ChangedLeaves(before, after client.Exchange, marker string, volatile map[string]bool, what string) []Evidence {
	was := leafMap(before.Body)
	now := leafMap(after.Body)
	var out []Evidence
	for _, path := range sortedkeys.Of(now) {
		if marker != "" && strings.Contains(now[path], marker) && !strings.Contains(was[path], marker) {
			out = append(out, Evidence{Path: path, Value: now[path], Why: fmt.Sprintf("written by %s; it read %q before", what, truncate(was[path], 60))})
		}
	}
	paths := map[string]bool{}
	for p := range was {
		paths[p] = true
	}
	for p := range now {
		paths[p] = true
	}
	keys := make([]string, 0, len(paths))
	for p := range paths {
		keys = append(keys, p)
	}
	sort.Strings(keys)
	for _, p := range keys {
		if len(out) == maxEvidence {
			break
		}
		if volatile[p] || was[p] == now[p] || (marker != "" && strings.Contains(now[p], marker)) {
			continue
		}
		out = append(out, Evidence{Path: p, Value: truncate(now[p], 120), Why: fmt.Sprintf("changed by %s; it read %q before", what, truncate(was[p], 60))})
	}
	return out
}

// leafMap is a body's leaves by path (a text body as one leaf "body").
func leafMap(raw []byte) map[string]string {
	b := jsonbody.ParseNow(raw)
	out := map[string]string{}
	if !b.JSON {
		if t := strings.TrimSpace(string(raw)); t != "" {
			out["body"] = t
		}
		return out
	}
	for _, l := range b.Leaves {
		out[l.Path] = l.Value
	}
	return out
}

// volatilePaths are the leaf paths whose values differ between two plain
// reads of the same object.
func VolatilePaths(a, b client.Exchange) map[string]bool {
	out := map[string]bool{}
	x, y := leafMap(a.Body), leafMap(b.Body)
	for p, v := range x {
		if y[p] != v {
			out[p] = true
		}
	}
	for p, v := range y {
		if x[p] != v {
			out[p] = true
		}
	}
	return out
}
