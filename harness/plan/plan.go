package plan

import (
	"fmt"
	"strings"

	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/spec"
)

// PlannedParam is one id parameter in a plan. In is path, query, header or
// body; a body field's Name is its JSON pointer ("/owner_id").
type PlannedParam struct {
	Name    string   `json:"name"`
	In      string   `json:"in"`
	Reasons []string `json:"reasons"`
	// Added marks a parameter the spec does not list, which the harness
	// adds (plan_places.go).
	Added bool `json:"added,omitempty"`
}

// PlannedOperation is one operation the harness would attack.
type PlannedOperation struct {
	Operation    string         `json:"operation"`
	TestName     string         `json:"testName"`
	Security     string         `json:"security"`
	IDParameters []PlannedParam `json:"idParameters"`
	Origin       spec.Origin    `json:"origin,omitempty"`
	// Write says how a write (PUT, PATCH, POST, DELETE) is judged and
	// undone; nil for reads, POST searches included (write_plan.go).
	Write *PlannedWrite `json:"write,omitempty"`
	// Credentials say what each user sends to the operation, as the spec's
	// security alternatives and the users' credentials decide
	// (plan_credentials.go).
	Credentials []PlannedCredential `json:"credentials,omitempty"`
	// AuthChecks are the ignored-authentication checks the run sends on
	// the operation, as the first user whose own object answers
	// (plan_authchecks.go); AuthChecksWhy says why none when none.
	AuthChecks    []string `json:"authChecks,omitempty"`
	AuthChecksWhy string   `json:"authChecksWhy,omitempty"`
	// ExistenceLeaks says the run compares each attacker's answer for
	// another user's object with its answer for an id nobody owns
	// (kind existence-leak); ExistenceLeaksWhy says why not when not.
	ExistenceLeaks    bool   `json:"existenceLeaks,omitempty"`
	ExistenceLeaksWhy string `json:"existenceLeaksWhy,omitempty"`
	// Op and IDs carry the full operation and id parameters to the runner.
	Op  spec.Operation `json:"-"`
	IDs []spec.IDParam `json:"-"`
}

// Skip is an operation left out, with the reason.
type Skip struct {
	Operation string `json:"operation"`
	Why       string `json:"why"`
}

// Plan is the operations to attack and those left out.
type Plan struct {
	Operations []PlannedOperation `json:"operations"`
	Skipped    []Skip             `json:"skipped"`
	Warnings   []string           `json:"warnings,omitempty"`
	// Policy is what the function-level check calls and as whom
	// (policy.go); nil when there is nothing to check.
	Policy *PolicyPlan `json:"policy,omitempty"`
	// Scopes are the planned writes the read-only credentials send to
	// their own objects (policy_scope.go).
	Scopes []ScopeCheck `json:"scopeChecks,omitempty"`
	// actions keeps the action-word verdicts read while building the plan,
	// for applyActions and harvest planning to reuse (action_memo.go).
	actions *actionMemo
}

// PlanOptions filters a plan; the zero value allows GET and HEAD.
type PlanOptions struct {
	Methods  []string        // allowed methods, upper case; empty = GET, HEAD
	OwnsKeys map[string]bool // the config's `owns` keys, which are always ids
	// Users are the config's users, whose credentials decide which
	// operations can be attacked; nil = a plan from the spec alone, where
	// any operation whose scheme the harness can send is planned.
	Users []config.User
}

// defaultPlanMethods are the methods a plan allows when none are given: they
// read, so attacking them changes no data.
var defaultPlanMethods = []string{"GET", "HEAD"}

// BuildPlan decides, sending nothing, which operations of spec would be
// attacked and why the others are left out. An operation is left out, in
// this order of checks, when its method is not allowed, when it is public,
// when fewer than two users can satisfy its security (or, without users,
// the harness cannot send any of its schemes), when no parameter (path, query, header or JSON
// body field) is taken for an object id and none can be added, or when it
// writes and no GET reads its object back.
func BuildPlan(sp *spec.Spec, opts PlanOptions) Plan {
	methods := opts.Methods
	if len(methods) == 0 {
		methods = defaultPlanMethods
	}
	allowed := map[string]bool{}
	for _, m := range methods {
		allowed[strings.ToUpper(m)] = true
	}
	plan := Plan{Operations: []PlannedOperation{}, Skipped: []Skip{}, actions: newActionMemo()}
	plan.Warnings = append(plan.Warnings, sp.Warnings...)
	for _, op := range sp.Operations {
		if why := skipReason(op, allowed, methods); why != "" {
			plan.Skipped = append(plan.Skipped, Skip{Operation: op.Key(), Why: why})
			continue
		}
		creds, why := credentialsFor(op, opts.Users)
		if why != "" {
			plan.Skipped = append(plan.Skipped, Skip{Operation: op.Key(), Why: why})
			continue
		}
		ids := spec.DetectPlaceIDs(op, opts.OwnsKeys)
		if len(ids) == 0 {
			if added, ok := addedParam(op, plan.actions); ok {
				ids = []spec.IDParam{added}
			}
		}
		if len(ids) == 0 {
			plan.Skipped = append(plan.Skipped, Skip{Operation: op.Key(), Why: "no object-id parameter"})
			continue
		}
		w, why := planWrite(sp, op, allowed)
		if why != "" {
			plan.Skipped = append(plan.Skipped, Skip{Operation: op.Key(), Why: why})
			continue
		}
		po := plannedOperation(op, ids)
		po.Write = w
		po.Credentials = creds
		plan.Operations = append(plan.Operations, po)
	}
	return plan
}

// skipReason checks the method and the security of op; "" means go on.
func skipReason(op spec.Operation, allowed map[string]bool, methods []string) string {
	if !allowed[op.Method] {
		return fmt.Sprintf("method %s not allowed by the config's methods (%s); add it to methods to test it",
			op.Method, strings.Join(upper(methods), ", "))
	}
	switch op.Security {
	case spec.SecurityPublic:
		return "public: " + op.SecurityWhy
	}
	return ""
}

func upper(list []string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = strings.ToUpper(s)
	}
	return out
}

func plannedOperation(op spec.Operation, ids []spec.IDParam) PlannedOperation {
	params := make([]PlannedParam, len(ids))
	for i, p := range ids {
		params[i] = PlannedParam{Name: p.Name, In: p.In, Reasons: append([]string{}, p.Reasons...), Added: spec.IsAdded(op, p)}
	}
	return PlannedOperation{
		Operation:    op.Key(),
		TestName:     op.TestName(),
		Security:     op.Security.String(),
		IDParameters: params,
		Origin:       op.Origin,
		Op:           op,
		IDs:          ids,
	}
}
