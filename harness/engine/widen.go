package engine

import (
	"fmt"
	"sync"

	"github.com/bolaharness/bolaharness/harness/mutate"
	"github.com/bolaharness/bolaharness/harness/oracle"
)

// Requests are what a scan of staging costs (10 a second by default), so
// an answer the server already gave is not asked for again. Within one
// attacker-victim pair, each kind of id rewriting (upper case, leading
// zeros, percent-encoding...) is first tried alone on the victim's id; a
// kind the server answered exactly like the plain swap (same status, judged
// safe) is settled: the handler read the rewritten id as the plain one, so
// the compositions of settled kinds, and the same rewritings of a neighbour
// the server refused plainly, would only be answered the same way again
// (widen_wave.go). Across pairs, the first pair of an operation and
// parameter whose plain swap was refused settles the kinds, the alternate
// routes and the HEAD twin for every later pair whose plain swap is refused
// with the same status: the pair changes the id, not the handler. Every
// case left out this way is still a subtest, skipped with the answer that
// settled it, and counted in the report's stats.settled.
//
// What this trades: a handler whose flaw needs two rewritings together,
// each of which it refuses alone, or whose HEAD or alternate route behaves
// differently for some pairs only, is found only on the pairs that still
// send them. The detection corpus, the examples and the demo keep full
// recall with no false positive (TestCorpus, TestGolden).

// widenMemo remembers, per operation, id parameter and answer to the plain
// swap (its status and verdict), what the first pair with that answer
// learned.
type widenMemo struct {
	mu    sync.Mutex
	first map[string]*widenFirst
	// kinds is, per operation and parameter, the first record that learned
	// kinds of rewriting, for the pairs that have no plain swap to match.
	kinds map[string]*widenFirst
}

// widenFirst is the first pair's record for one operation, parameter and
// answer to the plain swap.
type widenFirst struct {
	pair   string
	status int             // the plain swap's status
	kinds  map[string]bool // kind of rewriting → alone, answered like the plain swap or refused
	ways   map[string]bool // alternate route or method (via.prefix) → settled
	// ids are the plain neighbours and boundaries this pair saw refused:
	// an id whose owner the handler checked for one attacker is checked
	// for the next one too.
	ids map[string]bool
}

// paramKey names g's operation and id parameter.
func paramKey(g *group) string { return g.op.Operation + " " + g.p.In + ":" + g.p.Name }

// widenKey names the record a pair shares with the earlier pairs of its
// operation and parameter whose plain swap got the same status and verdict.
func widenKey(g *group, swap *Outcome) string {
	return fmt.Sprintf("%s %d %s", paramKey(g), swap.attack.Status, swap.Verdict.Outcome)
}

func pairName(g *group) string { return g.a.Name + "-vs-" + g.v.Name }

// plainSwapAnswered is the first plain swap that was sent and judged, leak
// or safe, or nil.
func plainSwapAnswered(out []*Outcome, swaps []int) *Outcome {
	for _, i := range swaps {
		if o := out[i]; o != nil && o.skipped == "" && o.attack.Err == "" && (o.Verdict.Outcome == oracle.Safe || o.Verdict.Outcome == oracle.Leak) {
			return o
		}
	}
	return nil
}

// earlier is the record of an earlier pair whose plain swap got the same
// status and verdict as this pair's swap, or nil.
func (m *widenMemo) earlier(g *group, swap *Outcome) *widenFirst {
	if swap == nil {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	f := m.first[widenKey(g, swap)]
	if f == nil || f.pair == pairName(g) {
		return nil
	}
	return f
}

// anyKinds is the first record of g's operation and parameter that learned
// kinds of rewriting on another pair, or nil.
func (m *widenMemo) anyKinds(g *group) *widenFirst {
	m.mu.Lock()
	defer m.mu.Unlock()
	f := m.kinds[paramKey(g)]
	if f == nil || f.pair == pairName(g) {
		return nil
	}
	return f
}

// transient is a status that says nothing about the next request: a 5xx, a
// rate limit (429), a request the server gave up on (408, 425), or no
// answer at all. None of them settles anything.
func transient(st int) bool {
	return st < 200 || st >= 500 || st == 408 || st == 425 || st == 429
}

// handlerStatus is a status that tells what the handler decided about the
// object whatever else was sent: not transient, and not a credential the
// server did not take (401, 407), which a handler may answer for "not
// yours" but a server also answers for a token it stopped taking. A 401
// still settles a rewriting whose plain form got 401 too (answeredLike).
func handlerStatus(st int) bool {
	return !transient(st) && st != 401 && st != 407
}

// unowned is a plain neighbour or boundary: an id whose owner is unknown.
func unowned(c mutate.Case) bool {
	return (c.Source == mutate.SourceNeighbour || c.Source == mutate.SourceBoundary) && len(c.Transforms) == 0 && c.Placement == ""
}

// wayRefused says whether an earlier pair's answer on the alternate route or
// method v settles it for g's pair, and why.
func (f *widenFirst) wayRefused(v via) string {
	if f == nil || !f.ways[v.prefix()] {
		return ""
	}
	way := "the plain swap sent with " + v.method
	if v.route != "" {
		way = "the plain swap on the route " + v.route
		if v.method != "" {
			way += " with " + v.method
		}
	}
	return fmt.Sprintf("not sent: on %s %s was answered without a leak, and that pair's plain swap got status %d like this pair's", f.pair, way, f.status)
}

// record keeps what the first pair with this answer to the plain swap
// learned, for the later pairs of g's operation and parameter.
func (m *widenMemo) record(g *group, w *wave, answered *Outcome, out []*Outcome) {
	if answered == nil || w.from != nil {
		return // only what a pair learned itself is passed on
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.first == nil {
		m.first, m.kinds = map[string]*widenFirst{}, map[string]*widenFirst{}
	}
	key := widenKey(g, answered)
	if m.first[key] != nil {
		return
	}
	// The wave is done: its kinds are handed over, not copied.
	f := &widenFirst{pair: pairName(g), status: answered.attack.Status, kinds: w.kinds, ways: map[string]bool{}, ids: map[string]bool{}}
	for _, o := range out {
		if o == nil || o.skipped != "" {
			continue
		}
		if o.via == (via{}) {
			if unowned(o.C) && answeredLike(o, w.swap) {
				f.ids[o.C.Base] = true
			}
			continue
		}
		// A way is settled by an answer without a leak that says something
		// about the handler (handlerStatus).
		st := o.attack.Status
		settled := o.attack.Err == "" && o.Verdict.Outcome == oracle.Safe && handlerStatus(st)
		p := o.via.prefix()
		if prev, seen := f.ways[p]; !seen || prev {
			f.ways[p] = settled
		}
	}
	m.first[key] = f
	if pk := paramKey(g); m.kinds[pk] == nil && len(f.kinds) > 0 {
		m.kinds[pk] = f
	}
}
