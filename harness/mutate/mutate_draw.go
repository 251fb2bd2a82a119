package mutate

import (
	"math/rand"
	"sort"
	"sync"

	"github.com/leanovate/gopter"
)

// drawer draws one case as CaseGen does: it picks a source by weight, as
// gen.Weighted picks among its generators (the first whose cumulative
// weight reaches 1+Intn(total)), and draws from it. GenerateCases calls it
// directly; CaseGen wraps its cases in gopter's results. Both consume the
// random source alike, so a seed draws the same cases either way.
type drawer struct {
	draws []func(*gopter.GenParameters) Case
	cum   []int // cumulative weights, ascending
}

// drawer combines the sources that have something to offer, favouring
// victim variants, then neighbours, then boundaries; nil when there is
// nothing to draw.
func (pl *casePlan) drawer() *drawer {
	d := &drawer{}
	add := func(weight int, draw func(*gopter.GenParameters) Case) {
		total := weight
		if n := len(d.cum); n > 0 {
			total += d.cum[n-1]
		}
		d.draws, d.cum = append(d.draws, draw), append(d.cum, total)
	}
	if len(pl.victims) > 0 {
		add(12, pl.victimDraw)
	}
	if len(pl.neighbours) > 0 {
		add(5, pl.neighbourDraw)
	}
	if len(pl.boundaries) > 0 {
		add(1, pl.boundaryDraw)
	}
	if len(d.draws) == 0 {
		return nil
	}
	return d
}

// draw draws one case.
func (d *drawer) draw(p *gopter.GenParameters) Case {
	r := 1 + p.Rng.Intn(d.cum[len(d.cum)-1])
	return d.draws[sort.SearchInts(d.cum, r)](p)
}

// gen is the drawer as a gopter generator, its values shrunk by
// CaseShrinker; nil when there is nothing to draw.
func (pl *casePlan) gen() gopter.Gen {
	d := pl.drawer()
	if d == nil {
		return nil
	}
	return func(p *gopter.GenParameters) *gopter.GenResult {
		return gopter.NewGenResult(d.draw(p), CaseShrinker)
	}
}

func (pl *casePlan) victimDraw(p *gopter.GenParameters) Case {
	id := pl.victims[p.Rng.Intn(len(pl.victims))]
	ts, att := pl.drawChain(p, id, victimChainLengths)
	return pl.victimCase(id, ts, att)
}

func (pl *casePlan) neighbourDraw(p *gopter.GenParameters) Case {
	nb := pl.neighbours[p.Rng.Intn(len(pl.neighbours))]
	v, numeric := parseNumeric(nb.value)
	if id, ok := pl.victimByNum[v]; numeric && ok {
		// A neighbour that is a victim id is that victim id, owner known.
		ts, att := pl.drawChain(p, id, neighbourChainLengths)
		return pl.victimCase(id, ts, att)
	}
	ts, att := pl.drawChain(p, nb.value, neighbourChainLengths)
	wire, ts := buildWire(nb.value, ts, att)
	return Case{Param: pl.in.Param, Source: SourceNeighbour, Base: nb.value, From: nb.from,
		Offset: nb.offset, Transforms: ts, Wire: wire}
}

func (pl *casePlan) boundaryDraw(p *gopter.GenParameters) Case {
	b := pl.boundaries[p.Rng.Intn(len(pl.boundaries))]
	return Case{Param: pl.in.Param, Source: SourceBoundary, Base: b, Wire: b}
}

// drawBuf sizes the arrays drawChain keeps its lists in: more than there are
// kinds, so they never grow onto the heap (append would still be right).
const drawBuf = 32

// perm is math/rand's Rand.Perm(n) written into buf: the same draws in the
// same order (Go 1 keeps Perm's sequence fixed), without allocating.
func perm(r *rand.Rand, buf []int, n int) []int {
	m := append(buf[:0], make([]int, n)...)
	for i := 0; i < n; i++ {
		j := r.Intn(i + 1)
		m[i] = m[j]
		m[j] = i
	}
	return m
}

// paramsPool keeps the parameters (and their random source, 5 KB of state)
// of finished generations for the next: building them per parameter group
// was an eighth of what generating cases allocated.
var paramsPool sync.Pool

// genParams are gopter's default parameters with the given seed: what
// DefaultGenParameters().CloneWithSeed(seed) gives, from the pool when it
// has some. The source is math/rand's own, where gopter's wraps the same
// source in a mutex: the draws are the same, and a generation draws from one
// goroutine. Hand them back with releaseParams.
func genParams(seed int64) *gopter.GenParameters {
	if p, ok := paramsPool.Get().(*gopter.GenParameters); ok {
		reseed(p, seed)
		return p
	}
	return &gopter.GenParameters{MaxSize: 100, MaxShrinkCount: 1000, Rng: rand.New(rand.NewSource(seed))}
}

// reseed makes used parameters as new with the given seed. rand.Rand.Seed
// reseeds the source and drops the bytes Read had buffered, so the draws
// that follow are those of a fresh source.
func reseed(p *gopter.GenParameters, seed int64) {
	rng := p.Rng
	rng.Seed(seed)
	*p = gopter.GenParameters{MaxSize: 100, MaxShrinkCount: 1000, Rng: rng}
}

// releaseParams hands parameters back once nothing draws from them.
func releaseParams(p *gopter.GenParameters) { paramsPool.Put(p) }
