package plan

import (
	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/spec"
)

// ConfigPlan is the plan a scan of cfg makes from spec: the config's
// methods and owns keys, without the operations it declares public and
// without GETs that read like actions, and only the operations its
// include and exclude keys select. Prepare and the CLI's plan verb
// share it, so `plan` shows what `scan` attacks.
func ConfigPlan(spec *spec.Spec, cfg *config.Config) Plan {
	plan := BuildPlan(spec, PlanOptions{Methods: cfg.Methods, OwnsKeys: cfg.OwnsKeys(), Users: cfg.Users})
	plan = applySelection(plan, cfg.Include, cfg.Exclude)
	plan = applyAuthChecks(applyActions(applyPublic(plan, cfg.Public), cfg.Actions), cfg)
	plan.Scopes = planScopes(plan, cfg)
	plan.Policy = PlanPolicy(spec, cfg, plan)
	return plan
}
