package engine

import (
	"context"
	"fmt"
	"strings"

	"github.com/bolaharness/bolaharness/harness/client"
	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/oracle"
	"github.com/bolaharness/bolaharness/harness/plan"
	"github.com/bolaharness/bolaharness/harness/report"
)

// Ignored authentication (kind ignored-auth): for each attacked read, one
// owner's control is sent again with no credential, with the JWT's signature
// altered and with the JWT re-encoded with alg "none" (config authChecks).
// The owner's data coming back is a finding. Reads only (GET and HEAD), on
// the base origin only (the client's redirect rule), and never on an
// operation the spec lets anyone call.

// KindIgnoredAuth is the finding kind of the ignored-authentication checks.
const KindIgnoredAuth = "ignored-auth"

// authMutationPrefix starts the Mutation of an ignored-auth finding
// ("auth-none", "auth-tampered", "auth-alg-none"), which replay reads.
const authMutationPrefix = "auth-"

// authCheckSubtest names each check's subtest.
var authCheckSubtest = map[string]string{
	config.AuthCheckNone:     "no-credential",
	config.AuthCheckTampered: "tampered-signature",
	config.AuthCheckAlgNone:  "alg-none",
}

// anonymous is the caller of an ignored-auth check as the oracle sees it:
// nobody, with no identity of its own, so every user's data counts.
func anonymous(check string) oracle.Party {
	return oracle.Party{Name: "a caller with " + authCheckCaller(check)}
}

// authCheckCaller says in words what the check sent.
func authCheckCaller(check string) string {
	switch check {
	case config.AuthCheckTampered:
		return "the token's signature altered"
	case config.AuthCheckAlgNone:
		return "the token re-encoded with alg none"
	}
	return "no credential"
}

// ignoredAuth runs the checks on one attacked read, as the first user
// whose own object's control succeeds.
func (s *Scan) ignoredAuth(ctx context.Context, t TB, op plan.PlannedOperation) {
	checks := op.AuthChecks // plan_authchecks.go chose them
	if len(checks) == 0 || op.Write != nil || len(op.IDs) == 0 {
		return
	}
	g, base, control := s.authOwner(ctx, op)
	if g == nil {
		return
	}
	t.Run(KindIgnoredAuth, func(t TB) {
		t.Run(g.v.Name, func(t TB) {
			for _, check := range checks {
				t.Run(authCheckSubtest[check], func(t TB) { s.authCheck(ctx, t, g, base, control, check) })
			}
		})
	})
}

// authOwner finds the owner, object and successful control the checks
// repeat: the first user (in config order) with an own id whose control
// answers 2xx.
func (s *Scan) authOwner(ctx context.Context, op plan.PlannedOperation) (*group, string, *client.Exchange) {
	for _, p := range op.IDs {
		for i := range s.Cfg.Users {
			u := &s.Cfg.Users[i]
			ids := idsOf(u, p)
			if len(ids) == 0 {
				continue
			}
			g := newGroup(s, op, p, u, u)
			if g.why != "" {
				continue
			}
			if c := g.control(ctx, u, ids[0]); c != nil && c.Err == "" && c.Status >= 200 && c.Status < 300 {
				return g, ids[0], c
			}
		}
	}
	return nil, "", nil
}

// authCheck sends one check and reports it as a subtest.
func (s *Scan) authCheck(ctx context.Context, t TB, g *group, base string, control *client.Exchange, check string) {
	fill, _ := g.ownFill(g.v) // authOwner's control proved it fills
	c := g.PlainCase(base)
	req := g.request(c, fill, via{}, nil)
	if !s.client.Forgeable(ctx, check, req.Method, req.URL, g.v) {
		t.Skip("not sent: " + g.v.Name + "'s credential for this operation is not a JWT")
		return
	}
	forged := client.WithAuthCheck(ctx, check)
	x := s.client.DoRequest(forged, g.v, req)
	trial := oracle.Trial{Attacker: anonymous(check), Others: s.parties(), Sent: g.sent(c), Attack: x, Control: control}
	victim := party(g.v)
	trial.Victim = &victim
	o := &Outcome{C: c, url: req.URL, Req: req, attack: x, fill: fill}
	o.Verdict = oracle.GuardVerdict(s.oracle.Judge(trial), x, control)
	if o.Verdict.Outcome == oracle.Leak {
		// The caller owns nothing to compare with, so a catch-all answer (a
		// single-page app's shell, a status document) would pass for the
		// owner's object. The same check for an id nobody owns plays the
		// part of the attacker's own objects: what it also gets is not the
		// owner's. Sent only when a leak is suspected, so a protected
		// operation pays nothing for it.
		decoy := s.client.DoRequest(forged, g.v, g.request(g.PlainCase(g.decoy()), fill, via{}, nil))
		trial.AttackerOwn = []client.Exchange{decoy}
		o.Verdict = oracle.GuardVerdict(s.oracle.Judge(trial), x, control)
	}
	var f *report.Finding
	if o.Verdict.Outcome == oracle.Leak {
		f = s.authFinding(g, o, check, t.Name())
	}
	s.rec.checkOutcome(o, f)
	switch {
	case f != nil:
		s.fail(t, f, s.describeLeak(f, o))
	case o.Verdict.Outcome == oracle.NoVerdict:
		t.Skip(s.redact("no verdict: " + strings.Join(o.Verdict.Reasons, "; ")))
	default:
		t.Logf("%s", s.redact(fmt.Sprintf("safe: %s with %s → %s", req.URL, authCheckCaller(check), strings.Join(o.Verdict.Reasons, "; "))))
	}
}

// authFinding is the report entry of an ignored-auth leak: Attacker names
// the check (no-credential, tampered-signature, alg-none), Victim is the
// user whose credential was dropped or forged and whose object came back.
func (s *Scan) authFinding(g *group, o *Outcome, check, test string) *report.Finding {
	f := &report.Finding{
		Operation: g.op.Operation, Parameter: g.p.Name, In: g.p.In, Attacker: authCheckSubtest[check], Victim: g.v.Name,
		Mutation: authMutationPrefix + check, Value: o.C.Wire, URL: o.url, Status: o.attack.Status,
		Severity: "high", CWE: report.CWEOf(KindIgnoredAuth), Evidence: redactEvidence(o.Verdict.Evidence, s.Cfg.Secrets()),
		Kind: KindIgnoredAuth, Reasons: append([]string{"sent with " + authCheckCaller(check)}, o.Verdict.Reasons...),
		Test: test, Origin: g.op.Op.Origin, Control: o.url,
		Curl: s.client.Curl(client.WithAuthCheck(client.WithOperation(context.Background(), g.op.Operation), check), o.Req, g.v),
	}
	f.Remediation = report.Remediation(f.Kind)
	f.Confidence = Confidence(f.Evidence)
	return f
}

// authCheckOf is the check an ignored-auth finding's mutation names, or "".
func authCheckOf(f report.Finding) string {
	if f.Kind != KindIgnoredAuth {
		return ""
	}
	return strings.TrimPrefix(f.Mutation, authMutationPrefix)
}

// parties are every configured user as the oracle sees them.
func (s *Scan) parties() []oracle.Party {
	out := make([]oracle.Party, len(s.Cfg.Users))
	for i := range s.Cfg.Users {
		out[i] = party(&s.Cfg.Users[i])
	}
	return out
}
