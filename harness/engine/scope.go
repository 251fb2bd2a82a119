package engine

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/mutate"
	"github.com/bolaharness/bolaharness/harness/oracle"
	"github.com/bolaharness/bolaharness/harness/plan"
	"github.com/bolaharness/bolaharness/harness/report"
	"github.com/bolaharness/bolaharness/harness/spec"
)

// Token scopes (kind scope-bypass): a user marked readOnly is a credential
// that must only read. On each planned write (the config's methods allow
// it, a GET reads the object back), that credential writes to one of its
// own objects between two of its own read-backs; a change is a finding,
// and is written back as every write is (write_restore.go). A DELETE goes
// only to an object the config's destroy key names.

// KindScopeBypass is the finding kind of the read-only checks.
const KindScopeBypass = "scope-bypass"

// scopeBypass runs the read-only check on one planned write.
func (s *Scan) scopeBypass(ctx context.Context, t TB, op plan.PlannedOperation) {
	if op.Write == nil {
		return
	}
	var readers []*config.User
	for i := range s.Cfg.Users {
		if s.Cfg.Users[i].ReadOnly {
			readers = append(readers, &s.Cfg.Users[i])
		}
	}
	if len(readers) == 0 {
		return
	}
	t.Run(KindScopeBypass, func(t TB) {
		for _, r := range readers {
			t.Run(r.Name, func(t TB) {
				for _, p := range op.IDs {
					t.Run(spec.ParamTestName(p), func(t TB) { s.scopeCase(ctx, t, op, p, r) })
				}
			})
		}
	})
}

// scopeCase writes once as the read-only user r to r's own object.
func (s *Scan) scopeCase(ctx context.Context, t TB, op plan.PlannedOperation, p spec.IDParam, r *config.User) {
	g := newGroup(s, op, p, r, r)
	id, why := s.scopeTarget(g)
	if why == "" {
		why = g.why
	}
	if why != "" {
		t.Skip("not sent: " + why)
		return
	}
	if left := s.client.Remaining(); left >= 0 && left < writeCost+3 {
		t.Skip(fmt.Sprintf("not sent: %d requests left in the budget cannot cover a write, its read-backs and its restore", left))
		return
	}
	w := &writeRun{s: s, g: g, rb: op.Write.ReadbackOp, states: map[string]*objectState{}}
	c := g.PlainCase(id)
	mutate.NumberNames([]mutate.Case{c})
	o := w.runCase(ctx, c)
	var f *report.Finding
	if o.Verdict.Outcome == oracle.Leak {
		f = s.finding(g, o, t.Name())
		f.Kind, f.Mutation, f.CWE = KindScopeBypass, KindScopeBypass, report.CWEOf(KindScopeBypass)
		f.Remediation = report.Remediation(KindScopeBypass)
		f.Reasons = append([]string{fmt.Sprintf("%s is a read-only credential (readOnly: true) and its %s to its own object landed", r.Name, op.Op.Method)}, f.Reasons...)
	}
	s.rec.checkOutcome(o, f)
	switch {
	case f != nil:
		s.fail(t, f, s.describeLeak(f, o))
	case o.Verdict.Outcome == oracle.NoVerdict:
		t.Skip(s.redact("no verdict: " + strings.Join(o.Verdict.Reasons, "; ")))
	default:
		t.Logf("%s", s.redact(fmt.Sprintf("safe: %s %s as %s (read-only) → %s", op.Op.Method, o.url, r.Name, strings.Join(o.Verdict.Reasons, "; "))))
	}
}

// scopeTarget is the read-only user's own object the write goes to, or
// why there is none.
func (s *Scan) scopeTarget(g *group) (string, string) {
	ids := ownedIDs(g.a, g.p)
	if len(ids) == 0 {
		return "", fmt.Sprintf("%s owns no %q (list one under owns, or give %s the identity of the full credential it belongs to)", g.a.Name, g.p.Name, g.a.Name)
	}
	if g.op.Op.Method != http.MethodDelete {
		return ids[0], ""
	}
	for _, id := range ids {
		if s.Cfg.Destroys(g.p.Name, id) {
			return id, ""
		}
	}
	return "", fmt.Sprintf("DELETE is sent only to objects the config's destroy key names; none of %s's %q ids is listed", g.a.Name, g.p.Name)
}
