package plan

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/internal/sortedkeys"

	"github.com/stretchr/testify/require"
)

// bruteShapeMatches is shapeMatches without the index: every target
// compared with every shape, as planning did before the index.
func bruteShapeMatches(t *testing.T, shapes []itemShape, targets map[string]*harvestTarget, own map[string]bool, match func(itemShape, *harvestTarget) *feedMatch) []feedMatch {
	t.Helper()
	var out []feedMatch
	for _, name := range sortedkeys.Of(targets) {
		if own[name] {
			continue
		}
		var best *feedMatch
		for _, s := range shapes {
			if m := match(s, targets[name]); m != nil && (best == nil || betterMatch(*m, *best)) {
				best = m
			}
		}
		if best != nil {
			out = append(out, *best)
		}
	}
	return out
}

// TestTargetIndexFindsEveryMatch: on real specs, matching a listing with
// the targets the index names gives exactly the feeds of matching it with
// every target, for every GET.
func TestTargetIndexFindsEveryMatch(t *testing.T) {
	if testing.Short() {
		t.Skip("loads multi-megabyte specs; run without -short")
	}
	for _, name := range []string{"stripe.yaml", "box.json", "asana.yaml", "openai.yaml", "petstorev3.json"} {
		t.Run(name, func(t *testing.T) {
			sp := corpusSpec(t, name)
			targets := harvestTargets(sp, BuildPlan(sp, PlanOptions{}), &config.Config{})
			ix := newTargetIndex(targets)
			compared, fed := 0, 0
			for _, op := range sp.Operations {
				ref, _ := responseSchema(op)
				if op.Method != "GET" || ref == nil {
					continue
				}
				own := map[string]bool{}
				for _, p := range op.Params {
					if p.In == "path" {
						own[p.Name] = true
					}
				}
				shapes := itemShapes(ref)
				got := shapeMatches(op, shapes, targets, ix, own)
				want := bruteShapeMatches(t, shapes, targets, own, func(s itemShape, tg *harvestTarget) *feedMatch { return shapeMatch(op, s, tg) })
				require.Equal(t, want, got, op.Key())
				compared++
				fed += len(got)
			}
			require.Positive(t, fed, "no GET fed anything: the comparison proved nothing")
			t.Logf("%d GETs, %d feeds", compared, fed)
		})
	}
}

// naiveSelect is the greedy choice as it was first written: rescore every
// candidate after each pick.
func naiveSelect(hp *HarvestPlan, cands []HarvestCall, round int) {
	left := append([]HarvestCall(nil), cands...)
	for len(left) > 0 {
		strong, weak := countFeeds(hp.Calls)
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
	}
	for _, c := range left {
		hp.Ignored = append(hp.Ignored, HarvestSkip{Operation: c.Operation, Why: "other listings already feed " + feedParams(c.FeedList)})
	}
}

// TestSelectCallsLazyIsGreedy: on random candidates sharing a few
// parameters (ties, strong and name-only feeds, earlier calls), the lazy
// choice picks the calls, in the order, that rescoring everything picks.
func TestSelectCallsLazyIsGreedy(t *testing.T) {
	kinds := []string{"link", "schema", "path", "resource", "name", "name"}
	rng := rand.New(rand.NewSource(7))
	for trial := 0; trial < 300; trial++ {
		params := 1 + rng.Intn(8)
		var prior, cands []HarvestCall
		for i := 0; i < rng.Intn(40); i++ {
			var feeds []feedMatch
			for j := 0; j < 1+rng.Intn(3); j++ {
				feeds = append(feeds, feedMatch{Param: fmt.Sprintf("p%d", rng.Intn(params)), kind: kinds[rng.Intn(len(kinds))]})
			}
			c := HarvestCall{Operation: fmt.Sprintf("GET /l%02d", rng.Intn(100)*100+i), FeedList: feeds}
			if rng.Intn(5) == 0 {
				prior = append(prior, c)
			} else {
				cands = append(cands, c)
			}
		}
		lazy, naive := &HarvestPlan{Calls: append([]HarvestCall(nil), prior...)}, &HarvestPlan{Calls: append([]HarvestCall(nil), prior...)}
		lazy.selectCalls(cands, 2)
		naiveSelect(naive, cands, 2)
		require.Equal(t, naive.Calls, lazy.Calls, "trial %d", trial)
		require.Equal(t, naive.Ignored, lazy.Ignored, "trial %d", trial)
	}
}
