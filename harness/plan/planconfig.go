package plan

import (
	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/spec"
)

// ConfigPlan is the plan a scan of cfg makes from spec: the config's
// methods and owns keys, without the operations it declares public and
// without GETs that read like actions, and only the operations its
// include and exclude keys select; with the read-only writes and the
// function-level checks of its policy (or of the proposal, which the
// warnings then mention). Prepare and the CLI's plan verb
// share it, so `plan` shows what `scan` attacks.
func ConfigPlan(spec *spec.Spec, cfg *config.Config) Plan {
	plan := BuildPlan(spec, PlanOptions{Methods: cfg.Methods, OwnsKeys: cfg.OwnsKeys(), Users: cfg.Users})
	plan = applySelection(plan, cfg.Include, cfg.Exclude)
	plan = applyAuthChecks(applyActions(applyPublic(plan, cfg.Public), cfg.Actions), cfg)
	plan.Scopes = planScopes(plan, cfg)
	plan.Policy = PlanPolicy(spec, cfg, plan)
	if pp := plan.Policy; pp != nil && pp.Source == PolicyProposed && len(pp.Checks)+len(pp.Writes) > 0 {
		// The report must say that roles were checked against a guess.
		plan.Warnings = append(plan.Warnings, pp.Note)
	}
	return plan
}
