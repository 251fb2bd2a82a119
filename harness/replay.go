package harness

import (
	"context"
	"fmt"
	"net/url"
	"strings"
)

// ReplayResult is one finding sent again: the attacker's request, the
// victim's control, and the oracle's verdict on them now.
type ReplayResult struct {
	// Finding is the finding as the report had it.
	Finding Finding
	// URL is the attacker's request as sent now (on this run's base URL).
	URL string
	// Control is the victim's own request as sent now ("" when none).
	Control string
	// Status and ControlStatus are the statuses now (0 when no response).
	Status, ControlStatus int
	// Verdict is the oracle's judgement now.
	Verdict Verdict
}

// StillLeaks reports whether the flaw is still there.
func (r ReplayResult) StillLeaks() bool { return r.Verdict.Outcome == Leak }

// Replay sends one finding of an earlier report again, as the same
// attacker, with the victim's control request, and judges the answer with
// the scan's oracle. reportBase is the base URL the report was made on: the
// finding's URLs are moved from it to this scan's base URL, since a fixture
// API or a review app may listen elsewhere now.
func (s *Scan) Replay(ctx context.Context, f Finding, reportBase string) (ReplayResult, error) {
	g, err := s.replayGroup(f)
	if err != nil {
		return ReplayResult{}, err
	}
	res := ReplayResult{Finding: f, URL: rebaseURL(f.URL, reportBase, s.baseURL)}
	method := g.op.Op.Method
	attack := s.client.Do(ctx, g.a, attackMethod(f, method), res.URL)
	res.Status = attack.Status
	trial := Trial{Attacker: party(g.a), Others: s.others(g.a), Sent: sentTexts(res.URL, f.Value),
		Attack: attack, AttackerOwn: g.own(ctx)}
	victim := party(g.v)
	trial.Victim = &victim
	res.Control = s.replayControl(g, f, reportBase)
	if res.Control != "" {
		control := s.client.Do(ctx, g.v, method, res.Control)
		res.ControlStatus = control.Status
		trial.Control = &control
	}
	res.Verdict = s.oracle.Judge(trial)
	res.Verdict.Evidence = redactEvidence(res.Verdict.Evidence, s.cfg.Secrets())
	for i, r := range res.Verdict.Reasons {
		res.Verdict.Reasons[i] = s.redact(r)
	}
	return res, nil
}

// replayGroup finds the finding's operation, parameter and users in this
// scan's plan and config.
func (s *Scan) replayGroup(f Finding) (*group, error) {
	if f.Kind == "write" || f.In == InBody || f.In == "header" {
		return nil, fmt.Errorf("replay: %s: a finding with its id in a %s (kind %s) is not replayed; send its curl line again, or rerun the case with the replay line of its test", f.Operation, f.In, f.Kind)
	}
	var op *PlannedOperation
	for i := range s.plan.Operations {
		if s.plan.Operations[i].Operation == f.Operation {
			op = &s.plan.Operations[i]
		}
	}
	if op == nil {
		return nil, fmt.Errorf("replay: %s is not among the operations %s plans to attack (spec %s); pass the config the report was made with (-config)",
			f.Operation, s.cfg.File, s.cfg.Spec)
	}
	var p *IDParam
	for i := range op.IDs {
		if op.IDs[i].Name == f.Parameter {
			p = &op.IDs[i]
		}
	}
	if p == nil {
		return nil, fmt.Errorf("replay: %s: parameter %q is not taken for an object id by this plan; pass the config the report was made with (-config)", f.Operation, f.Parameter)
	}
	a, v := s.cfg.User(f.Attacker), s.cfg.User(f.Victim)
	if a == nil || v == nil {
		return nil, fmt.Errorf("replay: %s: users %q and %q must both be in %s; pass the config the report was made with (-config)", f.Operation, f.Attacker, f.Victim, s.cfg.File)
	}
	return newGroup(s, *op, *p, a, v), nil
}

// replayControl is the victim's control: the one the report recorded, or
// for reports without one, the victim's own id that the mutated value was
// made from (the longest one it contains) with the victim's other ids.
func (s *Scan) replayControl(g *group, f Finding, reportBase string) string {
	if f.Control != "" {
		return rebaseURL(f.Control, reportBase, s.baseURL)
	}
	fill, ok := g.ownFill(g.v)
	if !ok {
		return ""
	}
	base := f.Value
	wire := strings.ToLower(f.Value)
	if dec, err := url.PathUnescape(f.Value); err == nil {
		wire = strings.ToLower(dec)
	}
	best := ""
	for _, id := range g.v.Owns[g.p.Name] {
		if strings.Contains(wire, strings.ToLower(id)) && len(id) > len(best) {
			best = id
		}
	}
	if best != "" {
		base = best
	}
	return g.url(url.PathEscape(base), fill)
}

// attackMethod is the method the finding was sent with: the operation's,
// or another one for a leak through another method ("method-HEAD").
func attackMethod(f Finding, opMethod string) string {
	if m, ok := strings.CutPrefix(f.Mutation, "method-"); ok && m != "" {
		return strings.ToUpper(m)
	}
	return opMethod
}

// rebaseURL moves raw from the report's base URL to this run's, keeping
// the rest of it byte for byte (the wire form of the id matters).
func rebaseURL(raw, from, to string) string {
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
func sentTexts(raw, value string) []string {
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
