package oracle

import (
	"fmt"

	"github.com/bolaharness/bolaharness/harness/jsonbody"
)

// JudgeFunction judges a function-level trial: t.Attacker is a user whose
// role the policy does not allow, t.Victim the allowed user whose call
// (t.Control) succeeded, and t.Attack the attacker's call with the same
// inputs. It is a leak only when the answer is a 2xx that carries what the
// allowed user got and that names someone: the allowed user's identity, or
// another configured user's (t.Others less the attacker), as a strong
// value (an email, a UUID: a short number may match by chance). An answer that
// names no one (a status page, a public catalogue) is what any role may
// get, so content alone is never a finding here; nor is the attacker's
// own data.
func JudgeFunction(t Trial) Verdict {
	if v, done := judgeStatus(t.Attack); done {
		return v
	}
	if t.Victim == nil || t.Control == nil {
		return Verdict{Outcome: NoVerdict, Reasons: []string{"no control: no allowed user's call succeeded"}}
	}
	v := *t.Victim
	if !IsSuccess(*t.Control) {
		return Verdict{Outcome: NoVerdict, Victim: v.Name, Reasons: []string{ControlFailed(v.Name, *t.Control)}}
	}
	attack := jsonbody.Parse(t.Attack.Body)
	attack.Leaves = append(attack.Leaves, headerLeaves(t.Attack.Header)...)
	control := jsonbody.Parse(t.Control.Body)
	control.Leaves = append(control.Leaves, headerLeaves(t.Control.Header)...)
	denied := deniedBody(attack) != ""
	ex := exclusions{sent: sentSet(t.Sent), values: identitySet(t.Attacker)}
	var ev []Evidence
	seen := map[string]bool{t.Attacker.Name: true}
	for _, p := range append([]Party{v}, t.Others...) {
		if seen[p.Name] || (p.Name != v.Name && sameIdentity(p, t.Attacker)) {
			continue
		}
		seen[p.Name] = true
		// What the attacker got must be what the allowed user got: a value
		// only the attacker's answer holds is not the function's output.
		for _, e := range identityEvidence(attack, p, ex, denied) {
			if len(identityEvidence(control, p, ex, false)) > 0 && len(ev) < maxEvidence {
				ev = append(ev, e)
			}
		}
	}
	if !hasStrong(ev) {
		if denied {
			return Verdict{Outcome: Safe, Victim: v.Name, Reasons: []string{fmt.Sprintf("status %d but the body is an access-denied answer", t.Attack.Status)}}
		}
		return Verdict{Outcome: Safe, Victim: v.Name, Reasons: []string{fmt.Sprintf(
			"status %d names no configured user but %s: an answer any role may get (what names no one is not judged a function-level leak)",
			t.Attack.Status, t.Attacker.Name)}}
	}
	return Verdict{Outcome: Leak, Victim: v.Name, Evidence: ev, Reasons: []string{fmt.Sprintf(
		"status %d to %s (outside the operation's roles) carries the users' data that %s (an allowed role) got; %s's call succeeded (status %d)",
		t.Attack.Status, t.Attacker.Name, v.Name, v.Name, t.Control.Status)}}
}

// sameIdentity reports whether two parties are one person's credentials.
func sameIdentity(a, b Party) bool {
	if len(a.Identity) == 0 || len(a.Identity) != len(b.Identity) {
		return false
	}
	for k, v := range a.Identity {
		if b.Identity[k] != v {
			return false
		}
	}
	return true
}
