package plan

import (
	"fmt"
)

// applyActions leaves out the GET and HEAD operations whose path,
// operationId or summary reads like an action (/logout, /exports/{id}/run,
// sendInvoice): a GET that acts would act on another user's object. The
// config's `actions` list opts named operations back in.
func applyActions(plan Plan, allowed []string) Plan {
	kept := plan.Operations[:0:0]
	for _, op := range plan.Operations {
		why := ""
		if op.Op.Method == "GET" || op.Op.Method == "HEAD" {
			// Path and operationId only: a summary is prose ("Sends the
			// headers...") and a weaker sign than harvesting needs. Other
			// methods act by definition; the config's methods gate them.
			why = plan.actions.pathOrID(op.Op)
		}
		if why == "" || namesOperation(allowed, op) != "" {
			kept = append(kept, op)
			continue
		}
		plan.Skipped = append(plan.Skipped, Skip{Operation: op.Operation,
			Why: "reads like an action (" + why + "): a GET that acts is not sent; list it under actions in the config to attack it"})
	}
	plan.Operations = kept
	return plan
}

// namesOperation returns the entry of names that names op, or "".
func namesOperation(names []string, op PlannedOperation) string {
	for _, n := range names {
		if n == op.Operation || (op.Op.ID != "" && n == op.Op.ID) {
			return n
		}
	}
	return ""
}

// applyPublic moves the operations the config declares public from the
// attack to the skipped list, and warns about names that match nothing.
func applyPublic(plan Plan, public []string) Plan {
	if len(public) == 0 {
		return plan
	}
	used := map[string]bool{}
	kept := plan.Operations[:0:0]
	for _, op := range plan.Operations {
		name := namesOperation(public, op)
		if name == "" {
			kept = append(kept, op)
			continue
		}
		used[name] = true
		plan.Skipped = append(plan.Skipped, Skip{Operation: op.Operation, Why: "public by design: listed under public (" + name + ") in the config"})
	}
	plan.Operations = kept
	for _, p := range public {
		if !used[p] {
			plan.Warnings = append(plan.Warnings, fmt.Sprintf("public: %q matches no attacked operation; write it as \"GET /path/{param}\" exactly as the spec does, or as an operationId", p))
		}
	}
	return plan
}
