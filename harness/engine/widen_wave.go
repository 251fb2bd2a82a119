package engine

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/bolaharness/bolaharness/harness/client"
	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/mutate"
	"github.com/bolaharness/bolaharness/harness/oracle"
)

// wave is what one attacker-victim pair has learned about its handler while
// its cases run in two waves: first the plain ids and one rewriting of each
// kind alone, then the rest, less what the first wave (or an earlier pair,
// widen.go) settled.
type wave struct {
	g    *group
	swap *Outcome    // this pair's refused plain swap (nil: nothing is settled)
	from *widenFirst // an earlier pair whose answers settle this pair's, or nil
	// kindsFrom is the earlier pair whose kinds count here: from, or, on a
	// pair with no plain swap of its own (the victim owns no id here, so
	// only neighbours are tried), the first pair that learned kinds.
	kindsFrom *widenFirst
	// kinds holds what this pair saw: kind → each of its rewritings alone
	// was answered like the plain form of the same id, or refused
	// (answeredLike).
	kinds map[string]bool
	plain map[string]*Outcome // the plain ids sent on this pair, by id
	// ignores is why no neighbour or boundary is worth sending: the handler
	// answered the plain swap and the decoy with the attacker's own object.
	ignores string
}

// newWave starts g's wave from its first judged plain swap (answered; nil
// when none was), which settles something only when it was refused.
func newWave(g *group, answered *Outcome, from, kindsFrom *widenFirst, own []client.Exchange) *wave {
	w := &wave{g: g, from: from, kindsFrom: kindsFrom, kinds: map[string]bool{}, plain: map[string]*Outcome{}}
	if answered != nil && answered.Verdict.Outcome == oracle.Safe {
		w.swap = answered
	}
	w.ignores = ignoresID(g, w.swap, own)
	return w
}

// ignoresID says, when it is so, that g's handler does not read the id: the
// refused plain swap and the request for an id nobody owns both answered
// with the attacker's own object, byte for byte. Neighbours and boundaries
// would only fetch it again.
func ignoresID(g *group, swap *Outcome, own []client.Exchange) string {
	if swap == nil || len(own) < 2 {
		return ""
	}
	mine, decoy := own[0], own[len(own)-1]
	for _, x := range []client.Exchange{swap.attack, mine, decoy} {
		if x.Err != "" || x.Status < 200 || x.Status > 299 || len(x.Body) == 0 || x.Truncated {
			return ""
		}
	}
	if !bytes.Equal(swap.attack.Body, mine.Body) || !bytes.Equal(decoy.Body, mine.Body) || !namesUser(mine.Body, g.a) {
		return ""
	}
	return fmt.Sprintf("not sent: the handler ignores this id: the plain swap %s and the id nobody owns %s were both answered with %s's own object, byte for byte",
		swap.url, decoy.URL, g.a.Name)
}

// namesUser says whether body carries one of u's identity values: the
// answer is u's own object, not an empty list or a generic page that every
// id, owned or not, would get alike (a neighbour owned by someone else may
// still hold data there).
func namesUser(body []byte, u *config.User) bool {
	for _, v := range u.Identity {
		if len(v) >= 3 && bytes.Contains(body, []byte(v)) {
			return true
		}
	}
	return false
}

// rewriting is a case that sends a rewritten id alone (not a placement).
func rewriting(c mutate.Case) bool { return len(c.Transforms) > 0 && c.Placement == "" }

// split puts the cases of rest into the first wave (plain ids, placements,
// and the first rewriting of each kind alone on a victim's id) and the
// second (compositions, repeats of a kind, rewritten neighbours).
func split(cases []mutate.Case, rest []int) (one, two []int) {
	alone := map[string]bool{}
	for _, i := range rest {
		c := cases[i]
		switch {
		case !rewriting(c):
			one = append(one, i)
		case c.Source == mutate.SourceVictim && len(c.Transforms) == 1 && !alone[c.Transforms[0].Kind]:
			alone[c.Transforms[0].Kind] = true
			one = append(one, i)
		default:
			two = append(two, i)
		}
	}
	return one, two
}

// refused is an outcome that was sent, answered (not transient) and
// judged safe.
func refused(o *Outcome) bool {
	return o != nil && o.skipped == "" && o.attack.Err == "" && o.Verdict.Outcome == oracle.Safe && !transient(o.attack.Status)
}

// answeredLike says whether a rewriting o of an id was answered as its
// plain form base was, or refused outright: either way the server did not
// hand the object over, and rewriting the id that way again (with other
// rewritings that each fail alone, or on another pair refused the same
// way) is not expected to change that. A refusal is a 4xx that tells what
// the handler decided (handlerStatus); a 401 counts when the plain form
// got it too, since the same credential was then taken elsewhere.
func answeredLike(o, base *Outcome) bool {
	if !refused(o) || !refused(base) {
		return false
	}
	st := o.attack.Status
	return st == base.attack.Status || (st >= 400 && st < 500 && handlerStatus(st))
}

// see indexes the plain ids sent so far.
func (w *wave) see(out []*Outcome) {
	for _, o := range out {
		if o != nil && o.skipped == "" && len(o.C.Transforms) == 0 && o.C.Placement == "" && o.via == (via{}) && o.scope == "" {
			if _, seen := w.plain[o.C.Base]; !seen {
				w.plain[o.C.Base] = o
			}
		}
	}
}

// learn records, for each rewriting of a victim's id sent alone, whether it
// was answered like the plain form of that id.
func (w *wave) learn(out []*Outcome, sent []int) {
	for _, i := range sent {
		o := out[i]
		k := learnedAs(o)
		if k == "" {
			continue
		}
		like := answeredLike(o, w.plain[o.C.Base])
		if prev, seen := w.kinds[k]; !seen || prev {
			w.kinds[k] = like
		}
	}
}

// learnedAs is the kind an outcome teaches: a rewriting of a victim's id
// alone, or a placement of it ("place:" and its name), or "".
func learnedAs(o *Outcome) string {
	if o == nil || o.skipped != "" || o.C.Source != mutate.SourceVictim {
		return ""
	}
	switch {
	case o.C.Placement != "" && len(o.C.Transforms) == 0:
		return "place:" + o.C.Placement
	case o.C.Placement == "" && len(o.C.Transforms) == 1:
		return o.C.Transforms[0].Kind
	}
	return ""
}

// settledKind says whether kind k is settled, and by which pair.
func (w *wave) settledKind(k string) (bool, string) {
	if like, seen := w.kinds[k]; seen {
		return like, "this pair"
	}
	if w.kindsFrom != nil && w.kindsFrom.kinds[k] {
		return true, w.kindsFrom.pair
	}
	return false, ""
}

// skip says why case c need not be sent, or "".
func (w *wave) skip(c mutate.Case) string {
	if c.Placement != "" {
		return w.skipPlacement(c)
	}
	if w.ignores != "" && (c.Source == mutate.SourceNeighbour || c.Source == mutate.SourceBoundary) {
		return w.ignores
	}
	if unowned(c) && w.from != nil && w.from.ids[c.Base] && !slices.Contains(idsOf(w.g.a, w.g.p), c.Base) {
		return fmt.Sprintf("not sent: on %s the id %s was refused, and that pair's plain swap got status %d like this pair's", w.from.pair, c.Base, w.from.status)
	}
	if !rewriting(c) {
		return ""
	}
	base := w.plain[c.Base]
	if c.Source == mutate.SourceNeighbour && base != nil && base.skipped == "" && base.Verdict.Outcome == oracle.Leak {
		return fmt.Sprintf("not sent: the plain neighbour %s already leaks; a rewriting of it could only shrink to it", base.url)
	}
	plainly := w.plainAnswer(c.Base)
	if plainly == "" {
		return "" // the plain form's answer is unknown: nothing to compare with
	}
	var kinds, by []string
	for _, t := range c.Transforms {
		like, who := w.settledKind(t.Kind)
		if !like {
			return ""
		}
		if !slices.Contains(kinds, t.Kind) {
			kinds = append(kinds, t.Kind)
		}
		if !slices.Contains(by, who) {
			by = append(by, who)
		}
	}
	return fmt.Sprintf("not sent: %s alone was refused or answered like the plain id (on %s), and the plain form %s",
		strings.Join(kinds, " and "), strings.Join(by, " and "), plainly)
}

// plainAnswer says how the plain form of id was answered without a leak,
// on this pair or, for a neighbour or boundary settled by an earlier pair,
// there; "" when that is not known.
func (w *wave) plainAnswer(id string) string {
	if o := w.plain[id]; refused(o) {
		return fmt.Sprintf("%s was answered with status %d and no leak", o.url, o.attack.Status)
	}
	if w.from != nil && w.from.ids[id] {
		return fmt.Sprintf("%s was refused on %s", id, w.from.pair)
	}
	return ""
}

// skipPlacement leaves out a placement of the victim's id (a duplicated or
// array parameter, a JSON list) that an earlier pair with the same answer
// to the plain swap saw refused: how a handler reads a repeated parameter
// does not depend on whose ids are in it.
func (w *wave) skipPlacement(c mutate.Case) string {
	base := w.plain[c.Base]
	if w.from == nil || len(c.Transforms) > 0 || !refused(base) || !w.from.kinds["place:"+c.Placement] {
		return ""
	}
	return fmt.Sprintf("not sent: on %s this placement was refused or answered like the plain swap, and that pair's plain swap got status %d like this pair's", w.from.pair, w.from.status)
}
