package engine

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/bolaharness/bolaharness/harness/client"
	"github.com/bolaharness/bolaharness/harness/mutate"
	"github.com/bolaharness/bolaharness/harness/oracle"
	"github.com/bolaharness/bolaharness/harness/plan"
	"github.com/bolaharness/bolaharness/harness/report"
	"github.com/bolaharness/bolaharness/harness/spec"

	"github.com/getkin/kin-openapi/openapi3"
)

// Existence leaks (kind existence-leak, CWE-204, low severity): the
// attacker's answer for another user's object (the plain swap) against its
// answer for an id nobody owns (the decoy that own already sent). Both are
// requests the attack on a read sends anyway, so the judgement costs no
// request; it is made once per operation, parameter and attacker (against
// the first other user who owns an id there), and reported when the
// operation is done, never where a leak of content was found.

// KindExistenceLeak is the finding kind of an existence leak.
const KindExistenceLeak = "existence-leak"

// existenceMutation is an existence-leak finding's Mutation, which replay
// reads.
const existenceMutation = "existence"

// existenceQueue holds the existence judgements of the operation under
// attack until its pairs are done: only then is it known whether a content
// leak was found there, which the existence leak must not be mixed with.
type existenceQueue struct {
	mu      sync.Mutex
	pending []pendingExistence
}

// pendingExistence is one judged plain swap against its decoy.
type pendingExistence struct {
	g           *group
	o           *Outcome
	decoyURL    string
	decoyStatus int
}

// judgeExistence judges one group's plain swap against its decoy and
// queues the verdict for reportExistence; it sends nothing (the victim's
// control was sent for the swap's judgement and the memo answers it).
func (s *Scan) judgeExistence(ctx context.Context, g *group, results []*Outcome, own []client.Exchange) {
	if !g.op.ExistenceLeaks || g.op.Write != nil || len(own) == 0 || firstLeak(results) != nil || !s.firstVictim(g) {
		return
	}
	swap := plainSwapSent(results)
	if swap == nil || !equalMaps(swap.fill, g.decoyFill()) {
		return // the two requests must differ in the attacked id alone
	}
	decoy := own[len(own)-1]
	o := &Outcome{C: swap.C, url: swap.url, Req: swap.Req, attack: swap.attack, fill: swap.fill}
	o.Verdict = oracle.JudgeExistence(swap.attack, decoy, g.control(ctx, g.v, swap.C.Base))
	o.Verdict.Victim = g.v.Name
	s.existence.mu.Lock()
	defer s.existence.mu.Unlock()
	s.existence.pending = append(s.existence.pending, pendingExistence{g: g, o: o, decoyURL: g.decoyRequest().URL, decoyStatus: decoy.Status})
}

// reportExistence reports op's queued judgements as the subtests
// <operation>/existence-leak/<attacker>-vs-<victim>/<param>, unless a leak
// of content was found on op: that says more than existence, and a low
// finding beside it would only blur it.
func (s *Scan) reportExistence(t TB, op plan.PlannedOperation) {
	s.existence.mu.Lock()
	var mine, rest []pendingExistence
	for _, p := range s.existence.pending {
		if p.g.op.Operation == op.Operation {
			mine = append(mine, p)
		} else {
			rest = append(rest, p)
		}
	}
	s.existence.pending = rest
	s.existence.mu.Unlock()
	if len(mine) == 0 {
		return
	}
	if s.rec.contentLeak(op.Operation) {
		s.Log("%s: existence not judged: a leak of content was found there", op.Operation)
		return
	}
	t.Run(KindExistenceLeak, func(t TB) {
		for _, p := range mine {
			t.Run(p.g.a.Name+"-vs-"+p.g.v.Name, func(t TB) {
				t.Run(spec.ParamTestName(p.g.p), func(t TB) { s.reportExistenceCase(t, p) })
			})
		}
	})
}

// reportExistenceCase fails the subtest for an existence leak, skips it
// without verdict, or logs why the answers were alike.
func (s *Scan) reportExistenceCase(t TB, p pendingExistence) {
	var f *report.Finding
	if p.o.Verdict.Outcome == oracle.Leak {
		f = s.existenceFinding(p.g, p.o, p.decoyURL, p.decoyStatus, t.Name())
	}
	s.rec.checkOutcome(p.o, f)
	switch {
	case f != nil:
		s.fail(t, f, s.describeLeak(f, p.o))
	case p.o.Verdict.Outcome == oracle.NoVerdict:
		t.Skip(s.redact("no verdict: " + strings.Join(p.o.Verdict.Reasons, "; ")))
	default:
		t.Logf("%s", s.redact(fmt.Sprintf("safe: %s against %s → %s", p.o.url, p.decoyURL, strings.Join(p.o.Verdict.Reasons, "; "))))
	}
}

// firstVictim says whether g's victim is the first user, in config order,
// other than the attacker, who owns an id for g's parameter: one judgement
// per attacker, since every victim's refusal is the same code path.
func (s *Scan) firstVictim(g *group) bool {
	for i := range s.Cfg.Users {
		u := &s.Cfg.Users[i]
		if u != g.a && u.Name != g.a.Name && len(idsOf(u, g.p)) > 0 {
			return u.Name == g.v.Name
		}
	}
	return false
}

// plainSwapSent is the first plain swap sent on the documented route with
// the attacker's own other ids: the attacker's answer for the victim's
// object as the spec describes the request.
func plainSwapSent(results []*Outcome) *Outcome {
	for _, o := range results {
		if o != nil && o.skipped == "" && o.scope == "" && o.via == (via{}) && mutate.IsPlainSwap(o.C) && o.C.Owner != "" {
			return o
		}
	}
	return nil
}

// existenceFinding is the report entry of an existence leak: the attacker's
// request for the victim's object (URL, curl line), the victim's control,
// and the decoy it was told apart from.
func (s *Scan) existenceFinding(g *group, o *Outcome, decoyURL string, decoyStatus int, test string) *report.Finding {
	f := &report.Finding{
		Operation: g.op.Operation, Parameter: g.p.Name, In: g.p.In, Attacker: g.a.Name, Victim: g.v.Name,
		Mutation: existenceMutation, Value: o.C.Wire, URL: o.url, Status: o.attack.Status,
		Severity: "low", CWE: report.CWEOf(KindExistenceLeak), Evidence: redactEvidence(o.Verdict.Evidence, s.Cfg.Secrets()),
		Kind: KindExistenceLeak, Test: test, Origin: g.op.Op.Origin, Control: s.controlURL(g, o), Decoy: decoyURL,
		Reasons: append(append([]string{}, o.Verdict.Reasons...),
			fmt.Sprintf("compared with %s's request for an id nobody owns: %s → status %d", g.a.Name, decoyURL, decoyStatus)),
		Curl:       s.curl(g, o.Req),
		Confidence: ConfidenceCertain, // both answers were observed, nothing is inferred
	}
	s.placeFinding(f, g, o)
	f.Remediation = report.Remediation(f.Kind)
	return f
}

// replayExistence sends an existence leak's two requests again as the
// attacker (the victim's object and the id nobody owns) with the victim's
// control, and judges them as the run did: a uniform answer now is fixed.
func (s *Scan) replayExistence(ctx context.Context, g *group, f report.Finding, res ReplayResult, attack client.Request, reportBase string) ReplayResult {
	other := s.client.DoRequest(ctx, g.a, attack)
	res.Status = other.Status
	decoyReq := g.decoyRequest()
	if f.Decoy != "" && f.In != openapi3.ParameterInHeader && f.In != spec.InBody { // else the URL alone does not carry the id
		decoyReq = client.Request{Method: attack.Method, URL: RebaseURL(f.Decoy, reportBase, s.baseURL)}
	}
	missing := s.client.DoRequest(ctx, g.a, decoyReq)
	var control *client.Exchange
	if req, ok := s.replayControl(g, f, reportBase); ok {
		res.Control, res.ControlRequest = req.URL, s.placedRequest(f, req)
		x := s.client.DoRequest(ctx, g.v, req)
		res.ControlStatus, control = x.Status, &x
	}
	res.Verdict = oracle.JudgeExistence(other, missing, control)
	res.Verdict.Victim = g.v.Name
	for i, r := range res.Verdict.Reasons {
		res.Verdict.Reasons[i] = s.redact(r)
	}
	return res
}
