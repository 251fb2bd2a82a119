package oracle

import (
	"github.com/bolaharness/bolaharness/harness/client"
)

// guardVerdict keeps the oracle honest on odd answers: a "safe" verdict on
// an attack or control whose body could not be read whole, or was garbage,
// becomes a no-verdict with the reason. A leak stands (evidence seen in
// part of a body is still evidence), and so does any other verdict.
func GuardVerdict(v Verdict, attack client.Exchange, control *client.Exchange) Verdict {
	if v.Outcome != Safe {
		return v
	}
	why := attack.Oddity()
	if why != "" {
		why = "attack: " + why
	} else if control != nil && attack.Status >= 200 && attack.Status <= 299 {
		if why = control.Oddity(); why != "" {
			why = "control: " + why
		}
	}
	if why == "" {
		return v
	}
	// The safe verdict's own reasons are dropped: they may quote the body.
	return Verdict{Outcome: NoVerdict, Victim: v.Victim, Reasons: []string{"cannot call it safe: " + why}}
}
