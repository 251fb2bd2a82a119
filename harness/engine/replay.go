package engine

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/bolaharness/bolaharness/harness/client"
	"github.com/bolaharness/bolaharness/harness/oracle"
	"github.com/bolaharness/bolaharness/harness/plan"
	"github.com/bolaharness/bolaharness/harness/report"
	"github.com/bolaharness/bolaharness/harness/spec"

	"github.com/getkin/kin-openapi/openapi3"
)

// ReplayResult is one finding sent again: the attacker's request, the
// victim's control, and the oracle's verdict on them now.
type ReplayResult struct {
	// Finding is the finding as the report had it.
	Finding report.Finding
	// URL is the attacker's request as sent now (on this run's base URL).
	URL string
	// Control is the victim's own request as sent now ("" when none).
	Control string
	// Request and ControlRequest are the two requests in full (method,
	// id-carrying headers, body; never a credential) when the id travels in
	// a header or a JSON body; nil for an id in the path or query.
	Request, ControlRequest *report.SentRequest
	// Status and ControlStatus are the statuses now (0 when no response).
	Status, ControlStatus int
	// Verdict is the oracle's judgement now.
	Verdict oracle.Verdict
}

// StillLeaks reports whether the flaw is still there.
func (r ReplayResult) StillLeaks() bool { return r.Verdict.Outcome == oracle.Leak }

// Replay sends one finding of an earlier report again, as the same
// attacker, with the victim's control request, and judges the answer with
// the scan's oracle. reportBase is the base URL the report was made on: the
// finding's URLs are moved from it to this scan's base URL, since a fixture
// API or a review app may listen elsewhere now. Ids in the path, the query,
// a header or a JSON body are replayed; writes are not (see replayGroup).
func (s *Scan) Replay(ctx context.Context, f report.Finding, reportBase string) (ReplayResult, error) {
	if f.Kind == KindFunctionLevel && !IsWriteFinding(f) {
		return s.replayFunction(ctx, f, reportBase)
	}
	g, err := s.ReplayGroup(f)
	if err != nil {
		return ReplayResult{}, err
	}
	attack, err := s.replayAttack(g, f, reportBase)
	if err != nil {
		return ReplayResult{}, err
	}
	res := ReplayResult{Finding: f, URL: attack.URL, Request: s.placedRequest(f, attack)}
	if f.Kind == KindExistenceLeak {
		return s.replayExistence(ctx, g, f, res, attack, reportBase), nil
	}
	var trial oracle.Trial
	if check := authCheckOf(f); check != "" {
		// The owner's own request with the credential dropped or forged:
		// nobody's own objects to compare with, every user's data counts.
		// The same check for an id nobody owns stands for the caller's own
		// objects, as in the run (authcheck.go): a catch-all answer is not
		// the owner's.
		forged := client.WithAuthCheck(ctx, check)
		sent := s.client.DoRequest(forged, g.v, attack)
		decoy := s.client.DoRequest(forged, g.v, g.decoyRequest())
		trial = oracle.Trial{Attacker: anonymous(check), Others: s.parties(), Attack: sent, AttackerOwn: []client.Exchange{decoy}}
	} else {
		sent := s.client.DoRequest(ctx, g.a, attack)
		trial = oracle.Trial{Attacker: party(g.a), Others: s.others(g.a), Attack: sent, AttackerOwn: g.own(ctx)}
	}
	trial.Sent = append(SentTexts(res.URL, f.Value), recordedTexts(res.Request)...)
	res.Status = trial.Attack.Status
	victim := party(g.v)
	trial.Victim = &victim
	if control, ok := s.replayControl(g, f, reportBase); ok {
		res.Control, res.ControlRequest = control.URL, s.placedRequest(f, control)
		x := s.client.DoRequest(ctx, g.v, control)
		res.ControlStatus = x.Status
		trial.Control = &x
	}
	res.Verdict = s.oracle.Judge(trial)
	if res.Verdict.Outcome != oracle.Leak {
		// "Fixed" needs proof that the victim still reads the object: with
		// a failed control (an expired token, a server down) a refused
		// attack proves nothing.
		switch {
		case trial.Control == nil:
			res.Verdict = oracle.Verdict{Outcome: oracle.NoVerdict, Victim: g.v.Name,
				Reasons: []string{"no control could be sent for " + g.v.Name + ", so a refused attack cannot be called fixed"}}
		case trial.Control.Err != "" || trial.Control.Status < 200 || trial.Control.Status > 299:
			res.Verdict = oracle.Verdict{Outcome: oracle.NoVerdict, Victim: g.v.Name,
				Reasons: []string{oracle.ControlFailed(g.v.Name, *trial.Control) + "; it cannot be called fixed until the victim's own request succeeds (expired credentials?)"}}
		}
	}
	res.Verdict.Evidence = redactEvidence(res.Verdict.Evidence, s.Cfg.Secrets())
	for i, r := range res.Verdict.Reasons {
		res.Verdict.Reasons[i] = s.redact(r)
	}
	return res, nil
}

// placedRequest is r as ReplayResult shows it, for ids outside the URL.
func (s *Scan) placedRequest(f report.Finding, r client.Request) *report.SentRequest {
	if f.In != openapi3.ParameterInHeader && f.In != spec.InBody {
		return nil
	}
	return SentRequest(r, s.Cfg.Secrets())
}

// replayAttack is the attacker's request: the one the finding recorded,
// else its URL with its method, or for an id in a header or a body of an
// older report, the request rebuilt from the value.
func (s *Scan) replayAttack(g *group, f report.Finding, reportBase string) (client.Request, error) {
	if f.Request != nil {
		return SentToRequest(RedactedSent(f.Request, s.Cfg.Secrets()), reportBase, s.baseURL), nil
	}
	if f.In != openapi3.ParameterInHeader && f.In != spec.InBody {
		return client.Request{Method: AttackMethod(f, g.op.Op.Method), URL: RebaseURL(f.URL, reportBase, s.baseURL)}, nil
	}
	r, ok := g.RebuiltAttack(f)
	if !ok {
		return client.Request{}, fmt.Errorf("replay: %s: this %s finding (id in a %s) was reported without its request, and its value alone does not say what was sent; "+
			"send its curl line again, or rerun the case with the replay line of its test (%s)", f.Operation, f.Kind, f.In, f.Test)
	}
	return r, nil
}

// replayGroup finds the finding's operation, parameter and users in this
// scan's plan and config. A write is refused: sending it again would change
// the victim's object again, and undoing that needs the scan's restore.
func (s *Scan) ReplayGroup(f report.Finding) (*group, error) {
	if IsWriteFinding(f) {
		return nil, fmt.Errorf("replay: %s: a write finding is not replayed, since sending it again changes %s's object again; "+
			"check the fix by sending its curl line against a test copy (%s), or rerun the case with the replay line of its test, which restores what it changes",
			f.Operation, f.Victim, f.Curl)
	}
	var op *plan.PlannedOperation
	for i := range s.plan.Operations {
		if s.plan.Operations[i].Operation == f.Operation {
			op = &s.plan.Operations[i]
		}
	}
	if op == nil {
		return nil, fmt.Errorf("replay: %s is not among the operations %s plans to attack (spec %s); pass the config the report was made with (-config)",
			f.Operation, s.Cfg.File, s.Cfg.Spec)
	}
	var p *spec.IDParam
	for i := range op.IDs {
		if op.IDs[i].Name == f.Parameter && (f.In == "" || op.IDs[i].In == f.In) {
			p = &op.IDs[i]
		}
	}
	if p == nil {
		return nil, fmt.Errorf("replay: %s: parameter %q is not taken for an object id by this plan; pass the config the report was made with (-config)", f.Operation, f.Parameter)
	}
	a, v := s.Cfg.User(f.Attacker), s.Cfg.User(f.Victim)
	if f.Kind == KindIgnoredAuth {
		a = v // the victim's own credential, dropped or forged as the mutation says
	}
	if a == nil || v == nil {
		return nil, fmt.Errorf("replay: %s: users %q and %q must both be in %s; pass the config the report was made with (-config)", f.Operation, f.Attacker, f.Victim, s.Cfg.File)
	}
	return newGroup(s, *op, *p, a, v), nil
}

// replayControl is the victim's control: the one the report recorded, or
// for reports without one, the victim's own id that the mutated value was
// made from (the longest one it contains) in the same place, with the
// victim's other ids. false when the victim cannot address the object.
func (s *Scan) replayControl(g *group, f report.Finding, reportBase string) (client.Request, bool) {
	switch {
	case f.ControlRequest != nil:
		return SentToRequest(RedactedSent(f.ControlRequest, s.Cfg.Secrets()), reportBase, s.baseURL), true
	case f.Control != "" && f.In != openapi3.ParameterInHeader && f.In != spec.InBody:
		return client.Request{Method: g.op.Op.Method, URL: RebaseURL(f.Control, reportBase, s.baseURL)}, true
	}
	fill, ok := g.ownFill(g.v)
	if !ok {
		return client.Request{}, false
	}
	base := f.Value
	wire := strings.ToLower(f.Value)
	if dec, err := url.PathUnescape(f.Value); err == nil {
		wire = strings.ToLower(dec)
	}
	best := ""
	for _, id := range idsOf(g.v, g.p) {
		if strings.Contains(wire, strings.ToLower(id)) && len(id) > len(best) {
			best = id
		}
	}
	if best != "" {
		base = best
	}
	return g.request(g.PlainCase(base), fill, via{}, nil), true
}

// attackMethod is the method the finding was sent with: the operation's,
// or another one for a leak through another method ("method-HEAD").
func AttackMethod(f report.Finding, opMethod string) string {
	if m, ok := strings.CutPrefix(f.Mutation, "method-"); ok && m != "" {
		return strings.ToUpper(m)
	}
	return opMethod
}

// rebaseURL moves raw from the report's base URL to this run's, keeping
// the rest of it byte for byte (the wire form of the id matters).
func RebaseURL(raw, from, to string) string {
	if from != "" && strings.HasPrefix(raw, from) {
		return strings.TrimRight(to, "/") + raw[len(from):]
	}
	i := strings.Index(raw, "://")
	if i < 0 {
		return raw
	}
	rest := ""
	if j := strings.IndexByte(raw[i+3:], '/'); j >= 0 {
		rest = raw[i+3+j:]
	}
	origin := to
	if k := strings.Index(to, "://"); k >= 0 {
		if j := strings.IndexByte(to[k+3:], '/'); j >= 0 {
			origin = to[:k+3+j]
		}
	}
	return origin + rest
}

// sentTexts are the texts the replayed request carried (its path segments
// and query values, raw and decoded): a server echoing them is no proof.
func SentTexts(raw, value string) []string {
	out := []string{value}
	if dec, err := url.PathUnescape(value); err == nil {
		out = append(out, dec, strings.Trim(dec, "/"))
	}
	u, err := url.Parse(raw)
	if err != nil {
		return out
	}
	for _, seg := range strings.Split(u.EscapedPath(), "/") {
		if seg == "" {
			continue
		}
		out = append(out, seg)
		if dec, err := url.PathUnescape(seg); err == nil && dec != seg {
			out = append(out, dec)
		}
	}
	for _, vs := range u.Query() {
		out = append(out, vs...)
	}
	return out
}
