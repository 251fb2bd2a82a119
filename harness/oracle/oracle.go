package oracle

import (
	"fmt"
	"strings"

	"github.com/bolaharness/bolaharness/harness/client"
	"github.com/bolaharness/bolaharness/harness/jsonbody"
)

// Outcome is what a verdict concludes.
type Outcome string

const (
	// Leak means the attacker received data that is the victim's.
	Leak Outcome = "leak"
	// Safe means the response gives the attacker nothing of another user's.
	Safe Outcome = "safe"
	// NoVerdict means the case could not be judged (no control, transport
	// failure, an owner who is not a configured user); the reason says why.
	NoVerdict Outcome = "no-verdict"
)

// Evidence is one value in a response that shows whose data it is.
type Evidence struct {
	Path  string `json:"path"`
	Value string `json:"value"`
	Why   string `json:"why"`
}

// Verdict is the oracle's judgement of one exchange, with its reasons.
type Verdict struct {
	Outcome  Outcome    `json:"outcome"`
	Victim   string     `json:"victim,omitempty"` // whose data the verdict is about
	Reasons  []string   `json:"reasons"`
	Evidence []Evidence `json:"evidence,omitempty"`
}

// Party is a user as the oracle sees it: a name and the values that mark
// that user's own data.
type Party struct {
	Name     string
	Identity map[string]string
}

// Trial is everything one judgement needs.
type Trial struct {
	Attacker Party
	// Victim is the object's owner; nil when it is unknown (neighbours and
	// boundaries), in which case the oracle looks for an owner among Others.
	Victim *Party
	Others []Party // every configured user but the attacker
	// Sent are the texts the request carried (ids, their decoded forms):
	// a value the server merely echoes back is never evidence.
	Sent   []string
	Attack client.Exchange
	// Control is the victim's own request for the object with its plain id.
	Control *client.Exchange
	// AttackerOwn are the attacker's responses for its own objects on the same
	// operation: what those share is not distinguishing.
	AttackerOwn []client.Exchange
	// Peer is the same request sent by another user, when the owner is
	// unknown: an object that everyone sees alike and that names no owner is
	// public.
	Peer *client.Exchange
}

// Oracle judges one trial.
type Oracle interface {
	Judge(t Trial) Verdict
}

// MarkerOracle is the default oracle: it decides by identity markers in
// owner-like fields, strong identity values anywhere, and the content that
// distinguishes the victim's own response from the attacker's objects.
type MarkerOracle struct{}

var _ Oracle = MarkerOracle{}

// Judge implements Oracle.
func (MarkerOracle) Judge(t Trial) Verdict {
	if v, done := judgeStatus(t.Attack); done {
		return v
	}
	attack := jsonbody.Parse(t.Attack.Body)
	headers := headerLeaves(t.Attack.Header)
	attack.Leaves = append(attack.Leaves, headers...)
	if attack.Empty && !carriesIdentity(headers, t) {
		return safe(fmt.Sprintf("status %d with no content (%s)", t.Attack.Status, emptyWhat(t.Attack)))
	}
	if t.Victim == nil {
		return judgeUnknownOwner(t, attack)
	}
	return judgeKnownOwner(t, attack)
}

// judgeStatus settles the cases that the status alone decides.
func judgeStatus(x client.Exchange) (Verdict, bool) {
	switch {
	case x.Err != "":
		return Verdict{Outcome: NoVerdict, Reasons: []string{"request failed: " + x.Err}}, true
	case x.Status < 200 || x.Status > 299:
		return safe(fmt.Sprintf("status %d: not a success", x.Status)), true
	}
	return Verdict{}, false
}

func safe(reasons ...string) Verdict { return Verdict{Outcome: Safe, Reasons: reasons} }

func emptyWhat(x client.Exchange) string {
	if len(strings.TrimSpace(string(x.Body))) == 0 {
		return "empty body"
	}
	return "empty document " + truncate(strings.TrimSpace(string(x.Body)), 40)
}

// judgeKnownOwner decides whether the victim's data reached the attacker.
func judgeKnownOwner(t Trial, attack jsonbody.Parsed) Verdict {
	v := *t.Victim
	if t.Control == nil {
		return Verdict{Outcome: NoVerdict, Victim: v.Name, Reasons: []string{"no control: " + v.Name + "'s own request for the object could not be made"}}
	}
	if t.Control.Err != "" || t.Control.Status < 200 || t.Control.Status > 299 {
		return Verdict{Outcome: NoVerdict, Victim: v.Name, Reasons: []string{ControlFailed(v.Name, *t.Control)}}
	}
	ex := newExclusions(t)
	denied := deniedBody(attack)
	ev := identityEvidence(attack, v, ex, denied != "")
	if len(ev) == 0 {
		ev = contentEvidence(attack, jsonbody.Parse(t.Control.Body), ex, v.Name, t.Attacker.Name)
	}
	if own := identityEvidence(attack, t.Attacker, exclusions{sent: ex.sent}, denied != ""); len(own) > 0 && !hasStrong(ev) {
		return Verdict{Outcome: Safe, Victim: v.Name, Evidence: own, Reasons: []string{
			fmt.Sprintf("the response names %s (the attacker) as owner and carries nothing of %s's that is unique", t.Attacker.Name, v.Name)}}
	}
	if len(ev) > 0 {
		return Verdict{Outcome: Leak, Victim: v.Name, Evidence: ev, Reasons: []string{
			fmt.Sprintf("status %d to %s carries %s's data; %s's own request for the object succeeded (status %d)",
				t.Attack.Status, t.Attacker.Name, v.Name, v.Name, t.Control.Status)}}
	}
	if denied != "" {
		return Verdict{Outcome: Safe, Victim: v.Name, Reasons: []string{fmt.Sprintf("status %d but the body is an access-denied answer (%s)", t.Attack.Status, denied)}}
	}
	return Verdict{Outcome: Safe, Victim: v.Name, Reasons: []string{
		fmt.Sprintf("status %d carries nothing that is %s's (no identity value, no content of %s's own response absent from %s's objects)",
			t.Attack.Status, v.Name, v.Name, t.Attacker.Name)}}
}

func ControlFailed(name string, c client.Exchange) string {
	if c.Err != "" {
		return fmt.Sprintf("control failed: %s's own request for the object failed (%s)", name, c.Err)
	}
	return fmt.Sprintf("control failed: %s's own request for the object returned status %d; check that %s owns it", name, c.Status, name)
}

// judgeUnknownOwner handles neighbours and boundaries: the runner asks the
// owner in turn when FindOwner names one, so here no owner was found.
func judgeUnknownOwner(t Trial, attack jsonbody.Parsed) Verdict {
	denied := deniedBody(attack)
	if own := identityEvidence(attack, t.Attacker, exclusions{sent: sentSet(t.Sent)}, denied != ""); len(own) > 0 {
		return Verdict{Outcome: Safe, Evidence: own, Reasons: []string{"the response carries only " + t.Attacker.Name + "'s own data"}}
	}
	if denied != "" {
		return safe(fmt.Sprintf("status %d but the body is an access-denied answer (%s)", t.Attack.Status, denied))
	}
	named := strangerOwners(attack)
	if t.Peer != nil && len(named) == 0 && samePeer(t.Attack, *t.Peer) {
		return safe(fmt.Sprintf("public object: %s gets the same response and it names no owner", t.Peer.User))
	}
	if len(named) > 0 {
		return Verdict{Outcome: NoVerdict, Evidence: named, Reasons: []string{
			"the object names an owner who is not a configured user; no control can be had (add that user to the config to judge it)"}}
	}
	return Verdict{Outcome: NoVerdict, Reasons: []string{
		fmt.Sprintf("status %d carries no configured user's identity and its owner is unknown; no control can be had", t.Attack.Status)}}
}

// FindOwner returns the configured user (other than the attacker) whose
// identity the response carries, with the evidence, or "" when none or more
// than one does. The runner then asks that user for the object in turn.
func FindOwner(t Trial) (string, []Evidence) {
	if t.Attack.Err != "" || t.Attack.Status < 200 || t.Attack.Status > 299 {
		return "", nil
	}
	attack := jsonbody.Parse(t.Attack.Body)
	headers := headerLeaves(t.Attack.Header)
	attack.Leaves = append(attack.Leaves, headers...)
	if attack.Empty && !carriesIdentity(headers, t) {
		return "", nil
	}
	denied := deniedBody(attack) != ""
	found, evidence := "", []Evidence(nil)
	for _, p := range t.Others {
		ex := exclusions{sent: sentSet(t.Sent), values: identitySet(t.Attacker)}
		if ev := identityEvidence(attack, p, ex, denied); len(ev) > 0 {
			if found != "" {
				return "", nil // two users' data: a shared object, not one owner's
			}
			found, evidence = p.Name, ev
		}
	}
	return found, evidence
}
