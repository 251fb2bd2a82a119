package report

import (
	"fmt"
	"strings"
)

// Kinds of the function-level and read-only checks, whose findings read
// differently: a function-level finding repeats an allowed user's whole
// request (no id was swapped), a scope-bypass one writes to the caller's
// own object.
const (
	kindFunctionLevel = "function-level"
	kindScopeBypass   = "scope-bypass"
)

// headline says in one sentence who reached what, for SARIF messages.
func headline(f Finding) string {
	switch f.Kind {
	case kindFunctionLevel:
		return fmt.Sprintf("%s, whose role the policy does not allow, got what %s (an allowed role) gets from %s: status %d.",
			f.Attacker, f.Victim, f.Operation, f.Status)
	case kindScopeBypass:
		return fmt.Sprintf("%s, a read-only credential, changed its own object through %s with %s=%s: status %d.",
			f.Attacker, f.Operation, f.Parameter, f.Value, f.Status)
	case "ignored-auth":
		return fmt.Sprintf("%s's object was served through %s with %s=%s to a request with %s (%s): status %d.",
			f.Victim, f.Operation, f.Parameter, f.Value, strings.ReplaceAll(f.Attacker, "-", " "), f.Mutation, f.Status)
	case "existence-leak":
		return fmt.Sprintf("%s can tell %s's object from a missing one through %s with %s=%s: status %d (compared with %s).",
			f.Attacker, f.Victim, f.Operation, f.Parameter, f.Value, f.Status, f.Decoy)
	}
	return fmt.Sprintf("%s read %s's object through %s with %s=%s (%s): status %d.",
		f.Attacker, f.Victim, f.Operation, f.Parameter, f.Value, f.Mutation, f.Status)
}

// mdRequest is the Markdown table's request cell.
func mdRequest(f Finding) string {
	if f.Kind == kindFunctionLevel {
		return "the same request as " + mdCell(f.Victim)
	}
	return fmt.Sprintf("`%s=%s` (%s%s)", mdCode(f.Parameter), mdCode(f.Value), mdCell(f.Mutation), mdCell(placeSuffix(f)))
}
