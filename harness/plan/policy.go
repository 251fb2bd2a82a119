package plan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/spec"
)

// Function-level authorization (kind function-level): the config's policy
// says which roles may call which operations; each user outside an
// operation's roles calls it with the inputs an allowed user used. Without
// a policy the plan proposes one from the spec (policy_propose.go) and only
// the operations the proposal marks are checked. Reads only: GET and HEAD.

// Where a policy comes from (PolicyPlan.Source).
const (
	// PolicyFromConfig is a policy the config's `policy` key wrote.
	PolicyFromConfig = "config"
	// PolicyProposed is a policy the plan proposed from the spec.
	PolicyProposed = "proposed"
)

// FunctionCheck is one operation the function-level check calls as the
// users outside its allowed roles.
type FunctionCheck struct {
	Operation string `json:"operation"`
	TestName  string `json:"testName"`
	// Roles may call the operation; Allowed are the users that carry one
	// of them (the first whose call succeeds gives the control); Denied
	// are the users that carry none, who each call it with the same inputs.
	Roles   []string `json:"roles"`
	Allowed []string `json:"allowed"`
	Denied  []string `json:"denied"`
	// Because says which policy rule (or proposal reason) marked it.
	Because string `json:"because"`
	// Op and IDs carry the operation and its id parameters to the runner.
	Op  spec.Operation `json:"-"`
	IDs []spec.IDParam `json:"-"`
}

// PolicyPlan is what the function-level check will try: the operations it
// calls and as whom, the marked operations it leaves out and why.
type PolicyPlan struct {
	// Source is PolicyFromConfig or PolicyProposed.
	Source string `json:"source"`
	// Note says in a sentence what the run checks, for plan and report.
	Note   string          `json:"note"`
	Checks []FunctionCheck `json:"checks"`
	// Writes are the restricted writes the object-level write check sends
	// as the users outside the roles to the allowed users' objects (read
	// back and restored as every write); a change is reported as
	// function-level (policy_writes.go).
	Writes  []FunctionCheck `json:"writes,omitempty"`
	Skipped []Skip          `json:"skipped,omitempty"`
}

// marked is one operation a policy (given or proposed) restricts.
type marked struct {
	op      spec.Operation
	roles   []string
	because string
}

// PlanPolicy decides, sending nothing, which operations the function-level
// check calls and as whom. It returns nil when the config has no policy and
// the spec has no operation the proposal marks.
//
// A restricted write is checked only where the object-level plan (p)
// attacks it as a write: it is then sent by the users outside the roles to
// the allowed users' objects, and judged by their read-back.
func PlanPolicy(sp *spec.Spec, cfg *config.Config, p Plan) *PolicyPlan {
	pp := &PolicyPlan{Source: PolicyFromConfig, Checks: []FunctionCheck{}}
	var marks []marked
	if len(cfg.Policy) > 0 {
		marks = configMarks(sp, cfg.Policy)
	} else {
		pp.Source = PolicyProposed
		marks = proposedMarks(sp, cfg)
		if len(marks) == 0 {
			return nil
		}
	}
	allowed := methodSet(cfg.Methods)
	for _, m := range marks {
		if why := functionSkip(m, cfg, allowed); why != "" {
			pp.Skipped = append(pp.Skipped, Skip{Operation: m.op.Key(), Why: why})
			continue
		}
		fc := FunctionCheck{Operation: m.op.Key(), TestName: m.op.TestName(), Roles: m.roles, Because: m.because,
			Op: m.op, IDs: spec.DetectPlaceIDs(m.op, cfg.OwnsKeys())}
		for _, u := range cfg.Users {
			if slices.Contains(m.roles, u.RoleOf()) {
				fc.Allowed = append(fc.Allowed, u.Name)
			} else {
				fc.Denied = append(fc.Denied, u.Name)
			}
		}
		switch {
		case len(fc.Allowed) == 0:
			pp.Skipped = append(pp.Skipped, Skip{Operation: fc.Operation, Why: fmt.Sprintf(
				"no user carries an allowed role (%s), so no control can be had; give that role's user `role: %s`", strings.Join(m.roles, ", "), m.roles[0])})
		case len(fc.Denied) == 0:
			pp.Skipped = append(pp.Skipped, Skip{Operation: fc.Operation, Why: "every user carries an allowed role (" + strings.Join(m.roles, ", ") + "): no one to call it from outside"})
		case m.op.Method == "GET" || m.op.Method == "HEAD":
			pp.Checks = append(pp.Checks, fc)
		case plannedWrite(p, fc.Operation):
			pp.Writes = append(pp.Writes, fc)
		default:
			pp.Skipped = append(pp.Skipped, Skip{Operation: fc.Operation, Why: "a write the object-level plan does not attack (see left out): " +
				"a restricted write is judged only by an allowed user's read-back of its own object"})
		}
	}
	pp.Note = policyNote(pp, cfg)
	return pp
}

// plannedWrite reports whether p attacks op as a write.
func plannedWrite(p Plan, op string) bool {
	for _, po := range p.Operations {
		if po.Operation == op && po.Write != nil {
			return true
		}
	}
	return false
}

// configMarks are the operations the config's policy names, each with the
// roles of every rule naming it (their union) and the first rule's words.
func configMarks(sp *spec.Spec, rules []config.PolicyRule) []marked {
	var out []marked
	for _, op := range sp.Operations {
		var m *marked
		for i, r := range rules {
			sel := firstSelector(r.Operations, op)
			if sel == "" {
				continue
			}
			if m == nil {
				out = append(out, marked{op: op, because: fmt.Sprintf("policy[%d] %q (line %d)", i, sel, r.Line)})
				m = &out[len(out)-1]
			}
			for _, role := range r.Roles {
				if !slices.Contains(m.roles, role) {
					m.roles = append(m.roles, role)
				}
			}
		}
	}
	return out
}

// functionSkip says why a marked operation is not called, or "".
func functionSkip(m marked, cfg *config.Config, allowed map[string]bool) string {
	op := m.op
	switch {
	case !allowed[op.Method]:
		return fmt.Sprintf("method %s not allowed by the config's methods", op.Method)
	case op.Security == spec.SecurityPublic:
		return "public in the spec (" + op.SecurityWhy + "): open to every role"
	}
	for _, alt := range op.Alternatives {
		if len(alt) == 0 {
			return "the spec lets anonymous callers in (an empty security requirement): open to every role"
		}
	}
	if name := firstSelector(cfg.Public, op); name != "" {
		return "public by design: listed under public (" + name + ") in the config"
	}
	if len(cfg.Include) > 0 && firstSelector(cfg.Include, op) == "" {
		return "not selected: matches none of include"
	}
	if sel := firstSelector(cfg.Exclude, op); sel != "" {
		return "excluded by exclude (" + sel + ")"
	}
	if read := op.Method == "GET" || op.Method == "HEAD"; read && firstSelector(cfg.Actions, op) == "" {
		why := pathActionReasonFor(op.Path, op.ID)
		if why == "" {
			why = operationIDActionReason(op.ID)
		}
		if why != "" {
			return "reads like an action (" + why + "): a GET that acts is not sent; list it under actions to check it"
		}
	}
	if _, why := credentialsFor(op, cfg.Users); why != "" {
		return why
	}
	return ""
}

// methodSet is the config's methods as a set (GET and HEAD when empty).
func methodSet(methods []string) map[string]bool {
	if len(methods) == 0 {
		methods = defaultPlanMethods
	}
	out := map[string]bool{}
	for _, m := range methods {
		out[strings.ToUpper(m)] = true
	}
	return out
}

// policyNote says what the run checks, in one sentence.
func policyNote(pp *PolicyPlan, cfg *config.Config) string {
	if pp.Source == PolicyFromConfig {
		return fmt.Sprintf("function-level: the config's policy (%s) marks %s; %d called as the users outside their roles%s",
			plural(len(cfg.Policy), "rule"), plural(len(pp.Checks)+len(pp.Writes)+len(pp.Skipped), "operation"), len(pp.Checks), writesNote(pp))
	}
	return fmt.Sprintf("function-level: no policy in the config; the proposal from the spec (admin-like paths, tags and operationIds) marks %s, and only those are checked (%d called%s); write a policy to check others",
		plural(len(pp.Checks)+len(pp.Writes)+len(pp.Skipped), "operation"), len(pp.Checks), writesNote(pp))
}

// writesNote mentions the restricted writes, when there are any.
func writesNote(pp *PolicyPlan) string {
	if len(pp.Writes) == 0 {
		return ""
	}
	return fmt.Sprintf(", %s sent by them to the allowed users' objects and read back", plural(len(pp.Writes), "write"))
}

// plural writes n things: "1 rule", "3 rules".
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// inShard is the part of the policy plan that shard s runs.
func (pp *PolicyPlan) inShard(s Shard) *PolicyPlan {
	if pp == nil {
		return nil
	}
	out := *pp
	out.Checks, out.Skipped = []FunctionCheck{}, nil
	for _, c := range pp.Checks {
		if s.Includes(c.Operation) {
			out.Checks = append(out.Checks, c)
		}
	}
	out.Writes = nil
	for _, c := range pp.Writes {
		if s.Includes(c.Operation) {
			out.Writes = append(out.Writes, c)
		}
	}
	for _, sk := range pp.Skipped {
		if s.Includes(sk.Operation) {
			out.Skipped = append(out.Skipped, sk)
		}
	}
	return &out
}
