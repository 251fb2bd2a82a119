package engine

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/bolaharness/bolaharness/harness/client"
	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/mutate"
	"github.com/bolaharness/bolaharness/harness/oracle"
	"github.com/bolaharness/bolaharness/harness/plan"
	"github.com/bolaharness/bolaharness/harness/report"
	"github.com/bolaharness/bolaharness/harness/spec"

	"github.com/getkin/kin-openapi/openapi3"
)

// Function-level authorization (kind function-level): for each operation
// the policy restricts (plan.PlanPolicy), the first allowed user whose call
// succeeds gives the control; every user outside the operation's roles
// then sends the very same request. Reads only (the plan keeps writes
// out); oracle.JudgeFunction decides.

// KindFunctionLevel is the finding kind of the function-level check.
const KindFunctionLevel = "function-level"

// functionChecks runs the policy's checks after the object-level attack.
func (s *Scan) functionChecks(ctx context.Context, t TB, untested string) {
	pp := s.plan.Policy
	if pp == nil || len(pp.Checks) == 0 {
		return
	}
	s.Log("%s", pp.Note)
	for _, fc := range pp.Checks {
		if untested != "" {
			s.rec.skipCheck(fc.Operation, "function-level not checked: nothing could be tested ("+untested+")")
			continue
		}
		if why := s.stopReason(ctx); why != "" {
			s.rec.skipCheck(fc.Operation, "function-level not checked: "+why)
			continue
		}
		before := s.client.Requests()
		octx := client.WithOperation(ctx, fc.Operation)
		t.Run(fc.Op.TestName(), func(t TB) {
			t.Run(KindFunctionLevel, func(t TB) { s.functionCheck(octx, t, fc) })
		})
		s.Log("function-level %s: %d requests", fc.Operation, s.client.Requests()-before)
	}
}

// skipCheck records a check the run did not make; unlike skip it leaves
// the count of operations attacked alone, since a function-level check is
// not one of the planned operations.
func (r *recorder) skipCheck(op, why string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.skipped = append(r.skipped, plan.Skip{Operation: op, Why: why})
}

// functionCheck gets the control and sends it again as each denied user.
func (s *Scan) functionCheck(ctx context.Context, t TB, fc plan.FunctionCheck) {
	var allowed *config.User
	var req client.Request
	var control client.Exchange
	var whyNot []string
	for _, name := range fc.Allowed {
		u := s.user(name)
		r, why := s.functionRequest(fc, u)
		if why != "" {
			whyNot = append(whyNot, why)
			continue
		}
		x := s.send(ctx, u, r)
		if oracle.IsSuccess(x) {
			allowed, req, control = u, r, x
			break
		}
		whyNot = append(whyNot, oracle.ControlFailed(u.Name, x))
	}
	if allowed == nil {
		s.rec.checkOutcome(&Outcome{Verdict: oracle.Verdict{Outcome: oracle.NoVerdict}}, nil)
		t.Skip(s.redact("no verdict: no allowed user's call succeeded: " + strings.Join(whyNot, "; ")))
		return
	}
	for _, name := range fc.Denied {
		d := s.user(name)
		t.Run(d.Name+"-vs-"+allowed.Name, func(t TB) { s.functionCase(ctx, t, fc, d, allowed, req, control) })
	}
}

// functionCase sends the allowed user's request as d and reports it.
func (s *Scan) functionCase(ctx context.Context, t TB, fc plan.FunctionCheck, d, allowed *config.User, req client.Request, control client.Exchange) {
	x := s.client.DoRequest(ctx, d, req)
	victim := party(allowed)
	o := &Outcome{url: req.URL, Req: req, attack: x}
	o.Verdict = oracle.JudgeFunction(oracle.Trial{Attacker: party(d), Victim: &victim, Others: s.others(d),
		Sent: functionSent(req), Attack: x, Control: &control})
	var f *report.Finding
	if o.Verdict.Outcome == oracle.Leak {
		f = s.functionFinding(fc, o, d, allowed, t.Name())
	}
	s.rec.checkOutcome(o, f)
	switch {
	case f != nil:
		s.fail(t, f, s.describeFunction(f))
	case o.Verdict.Outcome == oracle.NoVerdict:
		t.Skip(s.redact("no verdict: " + strings.Join(o.Verdict.Reasons, "; ")))
	default:
		t.Logf("%s", s.redact(fmt.Sprintf("safe: %s as %s (role %s) → %s", req.URL, d.Name, d.RoleOf(), strings.Join(o.Verdict.Reasons, "; "))))
	}
}

// functionFinding is the report entry of a function-level leak: Attacker
// is the user outside the roles, Victim the allowed user whose control it
// repeated.
func (s *Scan) functionFinding(fc plan.FunctionCheck, o *Outcome, d, allowed *config.User, test string) *report.Finding {
	f := &report.Finding{
		Operation: fc.Operation, Attacker: d.Name, Victim: allowed.Name, Mutation: KindFunctionLevel,
		URL: o.url, Status: o.attack.Status, Severity: "high", CWE: report.CWEOf(KindFunctionLevel),
		Evidence: redactEvidence(o.Verdict.Evidence, s.Cfg.Secrets()), Kind: KindFunctionLevel,
		Reasons: append([]string{fmt.Sprintf("%s (role %s) is outside the roles %s that %s allows (%s)",
			d.Name, d.RoleOf(), strings.Join(fc.Roles, ", "), fc.Operation, fc.Because)}, o.Verdict.Reasons...),
		Test: test, Origin: fc.Op.Origin, Control: o.url,
		Curl: s.client.Curl(client.WithOperation(context.Background(), fc.Operation), o.Req, d),
	}
	f.Remediation = report.Remediation(f.Kind)
	f.Confidence = Confidence(f.Evidence)
	return f
}

// describeFunction is the failure text of a function-level finding.
func (s *Scan) describeFunction(f *report.Finding) string {
	var b strings.Builder
	fmt.Fprintf(&b, "LEAK (%s, %s): %s got what %s (an allowed role) gets from %s → status %d\n", f.Kind, f.CWE, f.Attacker, f.Victim, f.Operation, f.Status)
	fmt.Fprintf(&b, "  url: %s\n", f.URL)
	for _, r := range f.Reasons {
		fmt.Fprintf(&b, "  why: %s\n", r)
	}
	b.WriteString("  evidence:\n")
	for _, e := range f.Evidence {
		fmt.Fprintf(&b, "    %s = %q  (%s)\n", e.Path, e.Value, e.Why)
	}
	fmt.Fprintf(&b, "  reproduce: %s\n", f.Curl)
	fmt.Fprintf(&b, "  replay: %s", s.replayLine(f.Test))
	return b.String()
}

// user is the configured user of that name (the plan names only them).
func (s *Scan) user(name string) *config.User {
	for i := range s.Cfg.Users {
		if s.Cfg.Users[i].Name == name {
			return &s.Cfg.Users[i]
		}
	}
	return &config.User{Name: name}
}

// functionRequest is u's call of the operation: u's own ids for its id
// parameters, the spec's examples for its other required parameters. why
// says when u cannot call it.
func (s *Scan) functionRequest(fc plan.FunctionCheck, u *config.User) (client.Request, string) {
	ids := map[string]spec.IDParam{}
	for _, p := range fc.IDs {
		ids[p.In+"\x00"+p.Name] = p
	}
	rp := mutate.ReqParts{Path: map[string]string{}, Header: http.Header{}}
	for _, p := range fc.Op.Params {
		v, ok := "", false
		if idp, isID := ids[p.In+"\x00"+p.Name]; isID {
			if own := idsOf(u, idp); len(own) > 0 {
				v, ok = own[0], true
			}
		}
		if !ok {
			if p.In != openapi3.ParameterInPath && !p.Required {
				continue
			}
			if v, ok = spec.ExampleValue(p); !ok {
				return client.Request{}, fmt.Sprintf("%s has no id for the %s parameter %q and the spec gives no example", u.Name, p.In, p.Name)
			}
		}
		switch p.In {
		case openapi3.ParameterInPath:
			rp.Path[p.Name] = url.PathEscape(v)
		case openapi3.ParameterInQuery:
			rp.Query = append(rp.Query, url.QueryEscape(p.Name)+"="+url.QueryEscape(v))
		case openapi3.ParameterInHeader:
			rp.Header.Set(p.Name, v)
		}
	}
	return rp.Build(s.baseURL, fc.Op.Method, fc.Op.Path), ""
}

// functionSent are the texts the request carried (its path and query
// values): a value the server echoes back is never evidence.
func functionSent(r client.Request) []string {
	u, err := url.Parse(r.URL)
	if err != nil {
		return nil
	}
	var out []string
	for _, seg := range strings.Split(u.Path, "/") {
		if seg != "" {
			out = append(out, seg)
		}
	}
	for _, vs := range u.Query() {
		out = append(out, vs...)
	}
	return out
}

// functionWrite files a write finding as function-level when the policy
// restricts the operation, the writer is outside its roles and the owner
// inside (plan.PolicyPlan.Writes): the object-level write check sent it
// and the owner's read-back proved the change.
func (s *Scan) functionWrite(f *report.Finding, g *group) {
	pp := s.plan.Policy
	if pp == nil || f.Kind != "write" {
		return
	}
	for _, c := range pp.Writes {
		if c.Operation != g.op.Operation || !slices.Contains(c.Denied, g.a.Name) || !slices.Contains(c.Allowed, f.Victim) {
			continue
		}
		f.Kind, f.CWE, f.Remediation = KindFunctionLevel, report.CWEOf(KindFunctionLevel), report.Remediation(KindFunctionLevel)
		f.Reasons = append([]string{fmt.Sprintf("%s (role %s) is outside the roles %s that %s allows (%s)",
			g.a.Name, g.a.RoleOf(), strings.Join(c.Roles, ", "), c.Operation, c.Because)}, f.Reasons...)
		return
	}
}
