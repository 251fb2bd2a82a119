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
	"github.com/bolaharness/bolaharness/harness/spec"

	"github.com/getkin/kin-openapi/openapi3"
)

// Writes: PUT, PATCH, POST and DELETE against another user's object, sent
// only when the config's methods allow them and only to objects the run
// owns (the config's owns, harvested ids, or the victim's own identity for a
// body field that names the user and is the write's only key, as in
// PUT /profile {"username": "bob"}): never to
// neighbours or boundaries, whose owners are unknown. DELETE goes only to objects the
// config's destroy key names. Each case is judged by the owner's read-back
// (write_oracle.go) and every change is written back (write_restore.go).

// maxWriteCases bounds the writes one user pair sends to one parameter:
// the plain swaps, then the core variants and placements.
const maxWriteCases = 6

// writeCost is the requests one write case may need besides the write:
// the owner's read-back after it, the restore, the read-back that confirms
// it, and the same again for the attacker's own object.
const writeCost = 8

// writeResult is what one write case did, as the owner saw it.
type writeResult struct {
	readback string // the owner's read-back URL: the write's control
	marker   string
	restored []string // what was written back, for the log
	notes    []string // what could not be
}

// writeRun is one write group: the object states it has seen and how to
// read them.
type writeRun struct {
	s        *Scan
	g        *group
	rb       spec.Operation
	callerOf bool // the read-back names no id: it reads the caller's own object
	states   map[string]*objectState
}

// objectState is an object's last known read-back and its volatile fields.
type objectState struct {
	x        client.Exchange
	volatile map[string]bool
}

// attackWrite runs a write group: each case is one write as the attacker,
// between two read-backs as the owner.
func (s *Scan) attackWrite(ctx context.Context, t TB, g *group, tried func(why string)) {
	w := &writeRun{s: s, g: g, rb: g.op.Write.ReadbackOp, states: map[string]*objectState{}}
	w.callerOf = g.p.In != openapi3.ParameterInPath || !strings.Contains(w.rb.Path, "{"+g.p.Name+"}")
	cases, why := w.cases()
	if len(cases) == 0 {
		tried(why)
		t.Skip("not attacked: " + why)
		return
	}
	tried("")
	for _, r := range w.run(ctx, cases) {
		r := r
		t.Run(r.C.Name(), func(t TB) { s.reportCase(t, g, r) })
	}

}

// cases are the victim's owned ids (for DELETE: those destroy names), the
// plain swaps first, then variants and placements, at most maxWriteCases.
func (w *writeRun) cases() ([]mutate.Case, string) {
	g := w.g
	var victims []string
	for _, id := range writeIDs(g.v, g.p, g.op) {
		if slices.Contains(writeIDs(g.a, g.p, g.op), id) || w.s.Cfg.SharedWith(g.p.Name, id, g.a.Name) {
			continue
		}
		if g.op.Op.Method == http.MethodDelete && !w.s.Cfg.Destroys(g.p.Name, id) {
			continue
		}
		victims = append(victims, id)
	}
	if len(victims) == 0 {
		if g.op.Op.Method == http.MethodDelete {
			return nil, fmt.Sprintf("DELETE is sent only to objects the config's destroy key names; none of %s's %q ids is listed (destroy: [{param: %s, id: ...}])", g.v.Name, g.p.Name, g.p.Name)
		}
		return nil, fmt.Sprintf("writes are sent only to objects the run owns; %s lists no %q under owns (none was harvested, and no identity value names it)", g.v.Name, g.p.Name)
	}
	in := mutate.CaseInput{Param: g.p.Name, Schema: g.p.Schema, VictimIDs: victims, AttackerIDs: writeIDs(g.a, g.p, g.op), Victim: g.v.Name}
	var out []mutate.Case
	seen := map[string]bool{}
	for _, c := range mutate.GenerateCases(in, g.s.Cfg.Cases, g.seed()) {
		if c.Source != mutate.SourceVictim {
			continue // an id of unknown owner is never written to
		}
		pc, ok := g.placed(c)
		if key := pc.Wire + "\x00" + pc.Placed; ok && !seen[key] {
			seen[key] = true
			out = append(out, pc)
		}
	}
	out = append(out, g.placements(in)...)
	if len(out) > maxWriteCases {
		out = out[:maxWriteCases]
	}
	mutate.NumberNames(out)
	return out, ""
}

// run sends the cases in order, one at a time (a write must not race its
// own read-backs), and stops writing once one lands.
func (w *writeRun) run(ctx context.Context, cases []mutate.Case) []*Outcome {
	out := make([]*Outcome, len(cases))
	var landed *Outcome
	for i, c := range cases {
		why := ""
		switch left := w.s.client.Remaining(); {
		case landed != nil:
			why = "not sent: the write " + landed.C.Mutation() + " already landed; another variant would only repeat it"
		case ctx.Err() != nil:
			why = "not sent: the run was stopped"
		case left >= 0 && left < writeCost+3:
			why = fmt.Sprintf("not sent: %d requests left in the budget cannot cover a write, its read-backs and its restore", left)
		}
		if why != "" {
			out[i] = &Outcome{C: c, fill: w.g.fill, skipped: why}
			continue
		}
		out[i] = w.runCase(ctx, c)
		if out[i].Verdict.Outcome == oracle.Leak {
			landed = out[i]
		}
	}
	return out
}

// runCase sends one write as the attacker between two read-backs as the
// owner, judges it, and writes back whatever it changed.
func (w *writeRun) runCase(ctx context.Context, c mutate.Case) *Outcome {
	g, owner := w.g, w.g.v
	before := w.state(ctx, owner, c.Base)
	res := &writeResult{readback: w.readRequest(owner, c.Base).URL}
	o := &Outcome{C: c, fill: g.fill, write: res}
	if !oracle.IsSuccess(before.x) {
		o.Verdict = oracle.Verdict{Outcome: oracle.NoVerdict, Victim: owner.Name, Reasons: []string{oracle.ControlFailed(owner.Name, before.x) + " (read-back before the write)"}}
		return o
	}
	var mine *objectState
	if w.callerOf {
		mine = w.state(ctx, g.a, w.ownID())
	}
	marker := w.s.writes.marker(w.s.seed)
	doc, marked, why := w.writeBody(before.x, marker)
	if marked {
		res.marker = marker
	}
	if why != "" {
		o.Verdict = oracle.Verdict{Outcome: oracle.NoVerdict, Victim: owner.Name, Reasons: []string{why}}
		return o
	}
	o.Req = g.request(c, g.fill, via{}, doc)
	o.url = o.Req.URL
	o.attack = w.s.client.DoRequest(ctx, g.a, o.Req)
	w.s.writes.sent()
	// Once a write is out, reading back and restoring must happen even if
	// the run's time is up or the operation's breaker opened.
	ctx = context.WithValue(context.WithoutCancel(ctx), client.OperationKey{}, "")
	after := w.read(ctx, owner, c.Base)
	o.Verdict = oracle.JudgeWrite(oracle.WriteTrial{Attacker: party(g.a), Victim: party(owner), Method: o.Req.Method,
		Attack: o.attack, Before: before.x, After: after, Marker: res.marker, Volatile: before.volatile})
	if o.Verdict.Outcome == oracle.Leak {
		w.undo(ctx, owner, c.Base, *before, after, res)
	}
	if mine != nil && oracle.IsSuccess(mine.x) {
		w.undoOwn(ctx, mine, res, o)
	}
	if o.Verdict.Outcome != oracle.Leak {
		// A leak's finding carries these (report_place.go); here the log does.
		o.Verdict.Reasons = append(append(o.Verdict.Reasons, res.restored...), res.notes...)
	}
	return o
}

// undoOwn checks, for a write whose read-back reads the caller's own
// object, whether the attacker's own object changed instead (a handler that
// ignores the id and writes the caller's): not a leak, but a change the
// harness made, so it is written back too.
func (w *writeRun) undoOwn(ctx context.Context, mine *objectState, res *writeResult, o *Outcome) {
	a := w.g.a
	after := w.read(ctx, a, w.ownID())
	if len(oracle.ChangedLeaves(mine.x, after, res.marker, mine.volatile, "")) == 0 && !oracle.Gone(after) {
		return
	}
	o.Verdict.Reasons = append(o.Verdict.Reasons, fmt.Sprintf("the write changed %s's own object instead (the handler writes the caller's)", a.Name))
	w.undo(ctx, a, w.ownID(), *mine, after, res)
}

// ownID is the attacker's own id for the parameter, "" when it has none.
func (w *writeRun) ownID() string {
	if ids := idsOf(w.g.a, w.g.p); len(ids) > 0 {
		return ids[0]
	}
	return ""
}

// state is u's last known read-back of object id; the first read is done
// twice, so that fields that change by themselves are known.
func (w *writeRun) state(ctx context.Context, u *config.User, id string) *objectState {
	key := u.Name + "\x00" + id
	if st, ok := w.states[key]; ok {
		return st
	}
	first := w.read(ctx, u, id)
	second := w.read(ctx, u, id)
	st := &objectState{x: second, volatile: oracle.VolatilePaths(first, second)}
	w.states[key] = st
	return st
}

// read sends u's read-back of object id, past the memo: state changes.
func (w *writeRun) read(ctx context.Context, u *config.User, id string) client.Exchange {
	return w.s.client.DoRequest(ctx, u, w.readRequest(u, id))
}

// readRequest is the read-back GET of object id as u: id where the read-back
// takes the attacked parameter, u's own ids for its other parameters.
func (w *writeRun) readRequest(u *config.User, id string) client.Request {
	fill, ok := w.g.ownFill(u)
	if !ok {
		fill = w.g.fill
	}
	rp := mutate.ReqParts{Path: map[string]string{}, Header: http.Header{}}
	for _, p := range w.rb.Params {
		v, ok := fill[p.Name]
		if p.Name == w.g.p.Name && p.In == w.g.p.In {
			v, ok = id, id != ""
		}
		if !ok {
			if p.In != openapi3.ParameterInPath && !p.Required {
				continue
			}
			if v, ok = spec.ExampleValue(p); !ok {
				continue
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
	return rp.Build(w.s.baseURL, http.MethodGet, w.rb.Path)
}

// writeBody is the body of a write to an object whose owner read before:
// the owner's object with the marker in a harmless field (PUT), that field
// alone (PATCH), or the schema's example with the marker (POST). Nil for a
// write without body. marked says the marker went in; why says when no
// write can be judged.
func (w *writeRun) writeBody(before client.Exchange, marker string) (doc any, marked bool, why string) {
	op := w.g.op.Op
	schema := mutate.WriteSchema(op)
	if schema == nil {
		return nil, false, ""
	}
	props, _ := spec.ObjectProperties(schema)
	base := map[string]any{}
	if ex, ok := w.g.body.(map[string]any); ok && op.Method == http.MethodPost {
		base = mutate.CloneJSON(ex).(map[string]any)
	} else if doc, err := mutate.ReadJSONDoc(before.Body); err == nil {
		if obj, ok := mutate.UnwrapObject(doc, props); ok {
			base = mutate.Writable(obj, props)
		}
	}
	field := mutate.MarkerField(base, props, w.g.op.IDs)
	if field == "" {
		if op.Method == http.MethodPost {
			return base, false, "" // an action: judged by any change of the object
		}
		return nil, false, fmt.Sprintf("no harmless text field to mark in %s's request body; a %s that changes nothing cannot be told from one that is refused", op.Key(), op.Method)
	}
	if op.Method == http.MethodPatch {
		base = map[string]any{}
	}
	base[field] = marker
	return base, true, ""
}
