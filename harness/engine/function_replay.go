package engine

import (
	"context"
	"fmt"
	"strings"

	"github.com/bolaharness/bolaharness/harness/client"
	"github.com/bolaharness/bolaharness/harness/oracle"
	"github.com/bolaharness/bolaharness/harness/report"
)

// replayFunction sends a function-level finding again: the allowed user's
// request as the control, the same request as the user outside the roles,
// judged by the function oracle. Like every replay, a refused attack is
// called fixed only when the control still succeeds.
func (s *Scan) replayFunction(ctx context.Context, f report.Finding, reportBase string) (ReplayResult, error) {
	pp := s.plan.Policy
	var method string
	if pp != nil {
		for _, c := range pp.Checks {
			if c.Operation == f.Operation {
				method = c.Op.Method
			}
		}
	}
	if method == "" {
		return ReplayResult{}, fmt.Errorf("replay: %s is not among the operations the function-level check calls with %s; pass the config the report was made with (-config)",
			f.Operation, s.Cfg.File)
	}
	a, v := s.Cfg.User(f.Attacker), s.Cfg.User(f.Victim)
	if a == nil || v == nil {
		return ReplayResult{}, fmt.Errorf("replay: %s: users %q and %q must both be in %s; pass the config the report was made with (-config)", f.Operation, f.Attacker, f.Victim, s.Cfg.File)
	}
	req := client.Request{Method: method, URL: RebaseURL(f.URL, reportBase, s.baseURL)}
	ctx = client.WithOperation(ctx, f.Operation)
	control := s.client.DoRequest(ctx, v, req)
	attack := s.client.DoRequest(ctx, a, req)
	victim := party(v)
	res := ReplayResult{Finding: f, URL: req.URL, Control: req.URL, Status: attack.Status, ControlStatus: control.Status}
	res.Verdict = oracle.JudgeFunction(oracle.Trial{Attacker: party(a), Victim: &victim, Others: s.others(a),
		Sent: functionSent(req), Attack: attack, Control: &control})
	if res.Verdict.Outcome != oracle.Leak && !oracle.IsSuccess(control) {
		res.Verdict = oracle.Verdict{Outcome: oracle.NoVerdict, Victim: v.Name, Reasons: []string{
			oracle.ControlFailed(v.Name, control) + "; it cannot be called fixed until the allowed user's own call succeeds (expired credentials?)"}}
	}
	res.Verdict.Evidence = redactEvidence(res.Verdict.Evidence, s.Cfg.Secrets())
	for i, r := range res.Verdict.Reasons {
		res.Verdict.Reasons[i] = s.redact(r)
	}
	return res, nil
}

// IsWriteFinding reports whether f was found by a write (an object-level
// write, a read-only credential's write, a restricted write sent from
// outside its roles): such a finding is never replayed, since sending it
// again would change the object again.
func IsWriteFinding(f report.Finding) bool {
	m, _, _ := strings.Cut(f.Operation, " ")
	return f.Kind == "write" || f.Kind == KindScopeBypass || (f.Kind == KindFunctionLevel && m != "GET" && m != "HEAD")
}
