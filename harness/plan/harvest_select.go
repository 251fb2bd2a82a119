package plan

import (
	"container/heap"
	"fmt"
	"strings"

	"github.com/bolaharness/bolaharness/harness/internal/sortedkeys"

	"github.com/bolaharness/bolaharness/harness/config"
)

// selectCalls picks calls greedily, like a set cover: each time the
// candidate that adds the most, where a first strong source for a parameter
// counts most, then a first name-only source, then a further strong source
// (up to maxSourcesPerParam). So the calls that the budget reaches first
// cover the most parameters. Candidates that add nothing are ignored.
//
// A gain only falls as calls are picked, so the greedy choice is made lazily
// (callHeap): the candidate on top is rescored, and taken when its score has
// not fallen, since every other candidate's score is at most the one it is
// filed under. This picks what rescoring every candidate each time picked,
// in time near-linear in the candidates rather than quadratic.
func (hp *HarvestPlan) selectCalls(cands []HarvestCall, round int) {
	strong, weak := countFeeds(hp.Calls)
	h := &callHeap{calls: cands}
	for i, c := range cands {
		if g := callGain(c.FeedList, strong, weak); g > 0 {
			h.items = append(h.items, callItem{i, g})
		}
	}
	heap.Init(h)
	picked := make([]bool, len(cands))
	for h.Len() > 0 {
		top := h.items[0]
		g := callGain(cands[top.i].FeedList, strong, weak)
		switch {
		case g == top.gain:
			heap.Pop(h)
			c := cands[top.i]
			c.Round = round
			picked[top.i] = true
			hp.Calls = append(hp.Calls, c)
			addFeeds(c.FeedList, strong, weak)
		case g == 0:
			heap.Pop(h)
		default:
			h.items[0].gain = g
			heap.Fix(h, 0)
		}
	}
	for i, c := range cands {
		if !picked[i] {
			hp.Ignored = append(hp.Ignored, HarvestSkip{Operation: c.Operation,
				Why: "other listings already feed " + feedParams(c.FeedList)})
		}
	}
}

// callItem is a candidate call (its index) filed under a gain that is at
// least its present gain.
type callItem struct {
	i, gain int
}

// callHeap orders candidates as the greedy choice does: the highest gain,
// then the stronger best match, then the path (betterCall).
type callHeap struct {
	calls []HarvestCall
	items []callItem
}

func (h *callHeap) Len() int { return len(h.items) }
func (h *callHeap) Less(a, b int) bool {
	x, y := h.items[a], h.items[b]
	if x.gain != y.gain {
		return x.gain > y.gain
	}
	return betterCall(h.calls[x.i], h.calls[y.i])
}
func (h *callHeap) Swap(a, b int) { h.items[a], h.items[b] = h.items[b], h.items[a] }
func (h *callHeap) Push(x any)    { h.items = append(h.items, x.(callItem)) }
func (h *callHeap) Pop() any {
	last := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return last
}

// countFeeds counts the strong and the name-only sources of each parameter
// among calls.
func countFeeds(calls []HarvestCall) (strong, weak map[string]int) {
	strong, weak = map[string]int{}, map[string]int{}
	for _, c := range calls {
		addFeeds(c.FeedList, strong, weak)
	}
	return strong, weak
}

// addFeeds counts one more call's feeds.
func addFeeds(feeds []feedMatch, strong, weak map[string]int) {
	for _, f := range feeds {
		if f.strong() {
			strong[f.Param]++
		} else {
			weak[f.Param]++
		}
	}
}

// callGain is what calling one more listing would add.
func callGain(feeds []feedMatch, strong, weak map[string]int) int {
	g := 0
	for _, f := range feeds {
		switch {
		case f.strong() && strong[f.Param] == 0:
			g += 100
		case f.strong() && strong[f.Param] < maxSourcesPerParam:
			g++
		case !f.strong() && strong[f.Param] == 0 && weak[f.Param] == 0:
			g += 10
		}
	}
	return g
}

// betterCall breaks ties: the stronger best match, then the path.
func betterCall(a, b HarvestCall) bool {
	ra, rb := matchRank[a.FeedList[0].kind], matchRank[b.FeedList[0].kind]
	if ra != rb {
		return ra < rb
	}
	return a.Operation < b.Operation
}

// selectNested places the nested listings round by round: a listing joins
// the first round whose earlier rounds (or the config's owns) fill all its
// path parameters. Those never filled within MaxRounds are refused.
func (hp *HarvestPlan) selectNested(cands []HarvestCall, cfg *config.Config) {
	listed := cfg.OwnsKeys()
	for round := 2; round <= hp.MaxRounds && len(cands) > 0; round++ {
		strong, weak := countFeeds(hp.Calls)
		fed := func(n string) bool { return strong[n] > 0 || weak[n] > 0 || listed[n] }
		var ready, later []HarvestCall
		for _, c := range cands {
			if unfilledPath(c, fed) == "" {
				ready = append(ready, c)
			} else {
				later = append(later, c)
			}
		}
		if len(ready) == 0 {
			break
		}
		hp.selectCalls(ready, round)
		cands = later
	}
	strong, weak := countFeeds(hp.Calls)
	fed := func(n string) bool { return strong[n] > 0 || weak[n] > 0 || listed[n] }
	for _, c := range cands {
		why := unfilledPath(c, fed)
		if why == "" {
			why = fmt.Sprintf("its path parameters (%s) come only from listings nested %d deep, the most harvesting nests",
				strings.Join(c.PathParams, ", "), hp.MaxRounds)
		}
		hp.Refused = append(hp.Refused, HarvestSkip{Operation: c.Operation, Why: "cannot fill its parameters: " + why})
	}
}

// unfilledPath says which path parameter of c fed cannot fill, or "".
func unfilledPath(c HarvestCall, fed func(string) bool) string {
	for _, p := range c.Op.Params {
		if p.In == "path" {
			if why := unfillableParam(c.Op, p, fed); why != "" {
				return why
			}
		}
	}
	return ""
}

func feedParams(feeds []feedMatch) string {
	names := make([]string, len(feeds))
	for i, f := range feeds {
		names[i] = "{" + f.Param + "}"
	}
	return strings.Join(names, ", ")
}

// harvestParams lists every target with the calls that feed it, in call
// order.
func harvestParams(targets map[string]*harvestTarget, calls []HarvestCall) []HarvestParam {
	sources := map[string][]string{}
	for _, c := range calls {
		for _, f := range c.Feeds {
			sources[f.Param] = append(sources[f.Param], fmt.Sprintf("%s %s (%s)", c.Operation, f.Field, f.Match))
		}
	}
	out := make([]HarvestParam, 0, len(targets))
	for _, name := range sortedkeys.Of(targets) {
		hp := HarvestParam{Name: name, Operations: targets[name].ops, Sources: []string{}}
		hp.Sources = append(hp.Sources, sources[name]...)
		out = append(out, hp)
	}
	return out
}
