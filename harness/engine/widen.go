package engine

import (
	"fmt"
	"sync"

	"github.com/bolaharness/bolaharness/harness/mutate"
	"github.com/bolaharness/bolaharness/harness/oracle"
)

// Variants are tried on the first attacker-victim pair of an operation's id
// parameter, and widened to the other pairs only where they could tell
// something the plain swap did not. A variant of the victim's own id (upper
// case, leading zeros, percent-encoding...) that the server refused with
// the very status it refused the plain swap with, on the first pair, is not
// sent again for a later pair whose plain swap was refused the same way:
// the handler treated the variant as the swap, and the pair changes the id,
// not the handler. Neighbours, boundaries and placements are always sent,
// since what they reach depends on the pair's ids. This is a saving of
// requests (about a third on safe operations with two users), not of
// coverage: every variant is sent at least once per operation and
// parameter, and on every pair where the swap was refused differently.

// widenMemo remembers, per operation and id parameter, the first pair's
// refusal of the plain swap and the variants refused the same way.
type widenMemo struct {
	mu    sync.Mutex
	first map[string]*widenFirst
}

// widenFirst is the first pair's record for one operation and parameter.
type widenFirst struct {
	pair    string
	status  int             // the plain swap's status
	refused map[string]bool // variant mutations refused with that status
}

func widenKey(g *group) string { return g.op.Operation + " " + g.p.In + ":" + g.p.Name }

func pairName(g *group) string { return g.a.Name + "-vs-" + g.v.Name }

// widenable is a case whose answer depends on the handler, not the pair: a
// transform of the victim's own id, sent alone.
func widenable(c mutate.Case) bool {
	return c.Source == mutate.SourceVictim && len(c.Transforms) > 0 && c.Placement == ""
}

// plainSwapOutcome is the first plain swap that was sent and refused (judged
// safe with an answer), or nil.
func plainSwapOutcome(out []*Outcome, swaps []int) *Outcome {
	for _, i := range swaps {
		if o := out[i]; o != nil && o.skipped == "" && o.attack.Err == "" && o.Verdict.Outcome == oracle.Safe {
			return o
		}
	}
	return nil
}

// skip says why case c need not be sent for g's pair, or "".
func (m *widenMemo) skip(g *group, c mutate.Case, swap *Outcome) string {
	if swap == nil || !widenable(c) {
		return ""
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	f := m.first[widenKey(g)]
	if f == nil || f.pair == pairName(g) || f.status != swap.attack.Status || !f.refused[c.Mutation()] {
		return ""
	}
	return fmt.Sprintf("not sent: on %s this variant was refused with the plain swap's status %d, and so was this pair's plain swap", f.pair, f.status)
}

// record keeps, for the first pair of g's operation and parameter, the
// variants that were refused like its plain swap.
func (m *widenMemo) record(g *group, swap *Outcome, out []*Outcome, sent []int) {
	if swap == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.first == nil {
		m.first = map[string]*widenFirst{}
	}
	key := widenKey(g)
	if m.first[key] != nil {
		return
	}
	f := &widenFirst{pair: pairName(g), status: swap.attack.Status, refused: map[string]bool{}}
	for _, i := range sent {
		o := out[i]
		if o == nil || !widenable(o.C) {
			continue
		}
		mut := o.C.Mutation()
		if o.attack.Err != "" || o.attack.Status != f.status || o.Verdict.Outcome != oracle.Safe {
			f.refused[mut] = false // answered otherwise once: always sent
		} else if _, seen := f.refused[mut]; !seen {
			f.refused[mut] = true
		}
	}
	m.first[key] = f
}
