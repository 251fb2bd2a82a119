package oracle

import (
	"fmt"
	"sort"
	"strings"

	"github.com/bolaharness/bolaharness/harness/client"
	"github.com/bolaharness/bolaharness/harness/jsonbody"
)

// Existence leaks (kind existence-leak, CWE-204): an API that refuses
// another user's object unlike an id that does not exist (403 against 404,
// another body shape) tells any caller which ids exist. JudgeExistence
// compares two answers the run already has, both to the attacker: the plain
// swap (another user's object) and the decoy (an id nobody owns).

// JudgeExistence decides whether other (the attacker's answer for another
// user's object, which control proves exists) and missing (its answer for
// an id nobody owns) tell the two apart. Only a refusal is judged: an
// object that was served is a matter for the content oracle, not this one.
// Answers that say nothing about the object (a transport error, 429, 5xx,
// a decoy refused as malformed) give no verdict.
func JudgeExistence(other, missing client.Exchange, control *client.Exchange) Verdict {
	switch {
	case control == nil || control.Err != "" || control.Status < 200 || control.Status > 299:
		return Verdict{Outcome: NoVerdict, Reasons: []string{"the owner's own request did not succeed, so the object is not known to exist"}}
	case other.Err != "" || missing.Err != "":
		return Verdict{Outcome: NoVerdict, Reasons: []string{"a request failed: " + strings.TrimSpace(other.Err+" "+missing.Err)}}
	case uninformative(other.Status) || uninformative(missing.Status):
		return Verdict{Outcome: NoVerdict, Reasons: []string{fmt.Sprintf(
			"status %d for the object and %d for the missing id: a rate limit or server error says nothing about existence", other.Status, missing.Status)}}
	case missing.Status == 400 || missing.Status == 422:
		return Verdict{Outcome: NoVerdict, Reasons: []string{fmt.Sprintf(
			"the id nobody owns was refused as malformed (status %d), so it cannot stand for a missing object", missing.Status)}}
	}
	ob, mb := jsonbody.Parse(other.Body), jsonbody.Parse(missing.Body)
	if other.Status >= 200 && other.Status <= 299 && deniedBody(ob) == "" {
		return safe(fmt.Sprintf("status %d: the object was not refused; its content is judged as a leak of data, not of existence", other.Status))
	}
	if other.Status != missing.Status {
		return Verdict{Outcome: Leak, Evidence: []Evidence{{Path: "status", Value: fmt.Sprintf("%d / %d", other.Status, missing.Status),
			Why: fmt.Sprintf("another user's object answers %d, an id nobody owns %d", other.Status, missing.Status)}},
			Reasons: []string{fmt.Sprintf("status %d for another user's object against %d for a missing one: the status tells which ids exist",
				other.Status, missing.Status)}}
	}
	if ev := shapeDifference(ob, mb); len(ev) > 0 {
		return Verdict{Outcome: Leak, Evidence: ev, Reasons: []string{fmt.Sprintf(
			"both status %d, but the bodies have another shape: the body tells which ids exist", other.Status)}}
	}
	return safe(fmt.Sprintf("uniform answer: status %d with the same body shape for another user's object and for a missing one", other.Status))
}

// uninformative statuses are about the server or the client's pace, not
// about the object.
func uninformative(status int) bool { return status == 429 || status >= 500 || status < 100 }

// shapeDifference lists the body paths one answer has and the other not
// (array indexes folded), or a JSON body against a text one; values are not
// compared, since error bodies carry request ids, times and the id echoed.
func shapeDifference(a, b jsonbody.Parsed) []Evidence {
	if a.JSON != b.JSON {
		return []Evidence{{Path: "body", Value: fmt.Sprintf("JSON: %t / %t", a.JSON, b.JSON),
			Why: "one answer is a JSON document, the other is not"}}
	}
	if !a.JSON {
		return nil
	}
	pa, pb := shape(a), shape(b)
	var out []Evidence
	for _, p := range sortedKeys(pa) {
		if !pb[p] && len(out) < maxEvidence {
			out = append(out, Evidence{Path: p, Value: "present", Why: "only in the answer for another user's object"})
		}
	}
	for _, p := range sortedKeys(pb) {
		if !pa[p] && len(out) < maxEvidence {
			out = append(out, Evidence{Path: p, Value: "present", Why: "only in the answer for an id nobody owns"})
		}
	}
	return out
}

// shape is the set of a JSON body's leaf paths, array indexes folded.
func shape(b jsonbody.Parsed) map[string]bool {
	out := map[string]bool{}
	for _, l := range b.Leaves {
		out[indexRe.ReplaceAllString(l.Path, "[]")] = true
	}
	return out
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
