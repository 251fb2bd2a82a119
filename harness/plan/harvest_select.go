package plan

import (
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
func (hp *HarvestPlan) selectCalls(cands []HarvestCall, round int) {
	strong, weak := countFeeds(hp.Calls)
	left := append([]HarvestCall(nil), cands...)
	for len(left) > 0 {
		best, bestGain := -1, 0
		for i, c := range left {
			g := callGain(c.FeedList, strong, weak)
			if g > bestGain || (g == bestGain && g > 0 && betterCall(c, left[best])) {
				best, bestGain = i, g
			}
		}
		if best < 0 {
			break
		}
		c := left[best]
		c.Round = round
		left = append(left[:best], left[best+1:]...)
		hp.Calls = append(hp.Calls, c)
		strong, weak = countFeeds(hp.Calls)
	}
	for _, c := range left {
		hp.Ignored = append(hp.Ignored, HarvestSkip{Operation: c.Operation,
			Why: "other listings already feed " + feedParams(c.FeedList)})
	}
}

// countFeeds counts the strong and the name-only sources of each parameter
// among calls.
func countFeeds(calls []HarvestCall) (strong, weak map[string]int) {
	strong, weak = map[string]int{}, map[string]int{}
	for _, c := range calls {
		for _, f := range c.FeedList {
			if f.strong() {
				strong[f.Param]++
			} else {
				weak[f.Param]++
			}
		}
	}
	return strong, weak
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

// harvestParams lists every target with the calls that feed it.
func harvestParams(targets map[string]*harvestTarget, calls []HarvestCall) []HarvestParam {
	out := make([]HarvestParam, 0, len(targets))
	for _, name := range sortedkeys.Of(targets) {
		hp := HarvestParam{Name: name, Operations: targets[name].ops, Sources: []string{}}
		for _, c := range calls {
			for _, f := range c.Feeds {
				if f.Param == name {
					hp.Sources = append(hp.Sources, fmt.Sprintf("%s %s (%s)", c.Operation, f.Field, f.Match))
				}
			}
		}
		out = append(out, hp)
	}
	return out
}
