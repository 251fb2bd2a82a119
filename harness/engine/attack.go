package engine

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/bolaharness/bolaharness/harness/client"
	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/mutate"
	"github.com/bolaharness/bolaharness/harness/oracle"
)

// maxShrinkSteps bounds the requests one leaking case may spend on finding
// its simplest form.
const maxShrinkSteps = 24

// outcome is one case after it ran: the exchange, the verdict and, for a
// leak, the simplest form that still leaks.
type Outcome struct {
	C       mutate.Case
	url     string
	attack  client.Exchange
	Verdict oracle.Verdict
	minimal *Outcome          // the shrunk leak (itself when nothing simpler leaks)
	steps   []string          // the shrink path, for the log
	skipped string            // why the case was not sent
	fill    map[string]string // the other id parameters as sent
	Req     client.Request    // the attack as sent
	write   *writeResult      // for writes: the read-backs and what was restored
	scope   string            // "" or "victim-scope" when the other ids were the victim's too
	via     via               // an alternate route or method the attack used
	// settled marks a case not sent because answers already sent settle
	// it (widen.go), as opposed to one a leaking swap made redundant.
	settled bool
}

// attackParam draws the group's cases, runs them and reports each as a
// subtest. It tells tried whether any case was built ("") or why none was,
// always before it calls Skip: testing's Skip ends the goroutine, so nothing
// after it runs, and a reason returned after Skip would be lost.
func (s *Scan) attackParam(ctx context.Context, t TB, g *group, tried func(why string)) {
	if g.why != "" {
		tried(g.why)
		t.Skip("not attacked: " + g.why)
		return
	}
	if g.op.Write != nil {
		s.attackWrite(ctx, t, g, tried)
		return
	}
	cases := g.cases()
	if len(cases) == 0 {
		why := fmt.Sprintf("no ids to try: %s owns no %q listed in the config and no numeric id of either user has neighbours to try; list ids under owns.%s",
			g.v.Name, g.p.Name, g.p.Name)
		tried(why)
		t.Skip(why)
		return
	}
	tried("")
	own := g.own(ctx)
	results := s.runCases(ctx, g, cases, own)
	for _, r := range results {
		r := r
		name := r.C.Name()
		if r.scope != "" {
			name = r.scope + ":" + name
		}
		name = r.via.prefix() + name
		t.Run(name, func(t TB) { s.reportCase(t, g, r) })
	}
	s.judgeExistence(ctx, g, results, own)
}

// runCases sends the plain swaps first; when one leaks, the variants are not
// sent (they would only shrink to it), which keeps staging traffic low.
// Otherwise the rest go in two waves, and what the answers already settled
// is not sent again (widen.go).
func (s *Scan) runCases(ctx context.Context, g *group, cases []mutate.Case, own []client.Exchange) []*Outcome {
	out := make([]*Outcome, len(cases))
	var swaps, rest []int
	for i, c := range cases {
		if mutate.IsPlainSwap(c) {
			swaps = append(swaps, i)
		} else {
			rest = append(rest, i)
		}
	}
	s.parallel(ctx, swaps, func(i int) { out[i] = s.runCase(ctx, g, cases[i], own, g.fill, true) })
	out = append(out, s.victimScope(ctx, g, cases, own)...)
	leaked := firstLeak(out)
	answered := plainSwapAnswered(out, swaps)
	from := s.widen.earlier(g, answered)
	kindsFrom := from
	if answered == nil {
		kindsFrom = s.widen.anyKinds(g)
	}
	w := newWave(g, answered, from, kindsFrom, own)
	// Alternate routes are another flaw: they neither stop the id variants
	// nor are stopped by a leaking swap on the documented route.
	out = append(out, s.routeCases(ctx, g, cases, own, w.from)...)
	out = append(out, s.methodCases(ctx, g, cases, own, w.from)...)
	if leaked != nil {
		for _, j := range rest {
			out[j] = &Outcome{C: cases[j], fill: g.fill, skipped: "not sent: the plain swap " + leaked.url + " already leaks; this variant could only shrink to it"}
		}
		s.widen.record(g, w, answered, out)
		return out
	}
	w.see(out)
	one, two := split(cases, rest)
	sent := s.runWave(ctx, g, w, cases, one, out, own)
	w.see(out)
	w.learn(out, sent)
	s.runWave(ctx, g, w, cases, two, out, own)
	s.widen.record(g, w, answered, out)
	return out
}

// runWave sends the cases of idx that w does not settle, marks the others
// not sent with the answer that settled them, and returns those it sent.
func (s *Scan) runWave(ctx context.Context, g *group, w *wave, cases []mutate.Case, idx []int, out []*Outcome, own []client.Exchange) []int {
	send := make([]int, 0, len(idx))
	var block []Outcome // the settled cases' outcomes, allocated together: most of a wave is settled
	for _, j := range idx {
		why := w.skip(cases[j])
		if why == "" {
			send = append(send, j)
			continue
		}
		if block == nil {
			block = make([]Outcome, 0, len(idx))
		}
		block = append(block, Outcome{C: cases[j], fill: g.fill, skipped: why, settled: true})
		out[j] = &block[len(block)-1]
	}
	s.parallel(ctx, send, func(i int) { out[i] = s.runCase(ctx, g, cases[i], own, g.fill, true) })
	return send
}

// firstLeak returns the first leaking outcome that was sent.
func firstLeak(out []*Outcome) *Outcome {
	for _, o := range out {
		if o != nil && o.skipped == "" && o.Verdict.Outcome == oracle.Leak {
			return o
		}
	}
	return nil
}

// victimScope tries, on operations with several ids, the victim's object
// with the victim's own parent ids: a lookup scoped by a parent the attacker
// owns hides a flaw that the fully swapped path shows.
func (s *Scan) victimScope(ctx context.Context, g *group, cases []mutate.Case, own []client.Exchange) []*Outcome {
	fill, ok := g.ownFill(g.v)
	if len(g.op.IDs) < 2 || !ok || equalMaps(fill, g.fill) {
		return nil
	}
	for _, c := range cases {
		if mutate.IsPlainSwap(c) {
			o := s.runCase(ctx, g, c, own, fill, true)
			o.scope = "victim-scope"
			return []*Outcome{o}
		}
	}
	return nil
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// parallel runs f over idx with at most the config's concurrency; the
// client enforces the real in-flight and rate limits. A few workers take the
// indexes in order, rather than a goroutine per index: each new goroutine
// grew its stack afresh for the deep send path, a visible share of the CPU.
func (s *Scan) parallel(ctx context.Context, idx []int, f func(int)) {
	n := s.Cfg.Concurrency
	if n < 1 {
		n = 1
	}
	n = min(n, len(idx))
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < n; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				k := int(next.Add(1)) - 1
				if k >= len(idx) {
					return
				}
				f(idx[k])
			}
		}()
	}
	wg.Wait()
}

// runCase sends one case as the attacker and judges it; a leak is shrunk
// when shrink is set.
func (s *Scan) runCase(ctx context.Context, g *group, c mutate.Case, own []client.Exchange, fill map[string]string, shrink bool) *Outcome {
	return s.runCaseOn(ctx, g, c, own, fill, via{}, shrink)
}

// runCaseOn is runCase with the attack sent another way (an alternate route
// or method); the control stays on the documented route and method.
func (s *Scan) runCaseOn(ctx context.Context, g *group, c mutate.Case, own []client.Exchange, fill map[string]string, v via, shrink bool) *Outcome {
	req := g.request(c, fill, v, nil)
	o := &Outcome{C: c, url: req.URL, Req: req, fill: fill, via: v}
	o.attack = s.send(ctx, g.a, req)
	trial := oracle.Trial{Attacker: party(g.a), Others: g.others, Sent: g.sent(c), Attack: o.attack, AttackerOwn: own}
	owner := c.Owner
	if owner == "" {
		if found, _ := oracle.FindOwner(trial); found != "" {
			owner = found
		} else if o.attack.Err == "" && o.attack.Status >= 200 && o.attack.Status < 300 {
			peer := s.send(ctx, g.v, req)
			trial.Peer = &peer
		}
	}
	if u := s.Cfg.User(owner); u != nil {
		p := party(u)
		trial.Victim = &p
		trial.Control = g.control(ctx, u, c.Base)
	}
	o.Verdict = oracle.GuardVerdict(s.oracle.Judge(trial), o.attack, trial.Control)
	if why := publicByIdentity(g, s.Cfg.User(owner), o.Verdict); why != "" {
		o.Verdict = oracle.Verdict{Outcome: oracle.Safe, Victim: o.Verdict.Victim, Reasons: []string{why}}
	}
	if o.Verdict.Outcome == oracle.Leak && shrink {
		s.shrink(ctx, g, o, own)
	}
	return o
}

// shrink walks the case's simpler forms, gopter-style: adopt the first that
// still leaks and start again from it, until none does.
func (s *Scan) shrink(ctx context.Context, g *group, o *Outcome, own []client.Exchange) {
	cur, steps := o, 0
	for progressed := true; progressed && steps < maxShrinkSteps; {
		progressed = false
		for _, drawn := range mutate.Shrink(cur.C) {
			if steps == maxShrinkSteps || ctx.Err() != nil {
				break
			}
			if drawn.Base != cur.C.Base || drawn.Source != cur.C.Source {
				continue // a simpler form of the same object only: another id is another finding
			}
			simpler, ok := g.placed(drawn) // shrinking rebuilds path wire text
			if !ok {
				continue
			}
			steps++
			r := s.runCaseOn(ctx, g, simpler, own, o.fill, o.via, false)
			o.steps = append(o.steps, fmt.Sprintf("%s=%s: %s", simpler.Mutation(), simpler.Wire, r.Verdict.Outcome))
			if r.Verdict.Outcome == oracle.Leak && r.Verdict.Victim == cur.Verdict.Victim {
				cur, progressed = r, true
				break
			}
		}
	}
	o.minimal = cur
}

// sent is what the request carried: the server echoing it back proves
// nothing.
func (g *group) sent(c mutate.Case) []string {
	out := []string{c.Wire, c.Base, c.From, c.Mine}
	if dec, err := url.PathUnescape(c.Wire); err == nil {
		out = append(out, dec, strings.Trim(dec, "/"))
	}
	out = append(out, mutate.PlacedTexts(c.Placed)...)
	for _, v := range g.fill {
		out = append(out, v)
	}
	for _, id := range g.v.Owns {
		for _, v := range id {
			if len(g.op.IDs) > 1 && !slices.Contains(idsOf(g.v, g.p), v) {
				out = append(out, v) // the victim's parent ids of a victim-scope case
			}
		}
	}
	for _, v := range g.fixed {
		out = append(out, v)
	}
	return out
}

func party(u *config.User) oracle.Party { return oracle.Party{Name: u.Name, Identity: u.Identity} }

func (s *Scan) others(a *config.User) []oracle.Party {
	var out []oracle.Party
	for i := range s.Cfg.Users {
		if s.Cfg.Users[i].Name != a.Name {
			out = append(out, party(&s.Cfg.Users[i]))
		}
	}
	return out
}
