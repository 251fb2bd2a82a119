package mutate

import (
	"math/rand"
	"testing"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// drawInput has victims, neighbours and boundaries, so every source and
// every weight takes part in the draws.
var drawInput = CaseInput{Param: "id", Victim: "bob", VictimIDs: []string{"8", "12", "300"},
	AttackerIDs: []string{"7", "40"}, Neighbours: 3}

// drawCases draws n cases from g with p.
func drawCases(t *testing.T, g gopter.Gen, p *gopter.GenParameters, n int) []Case {
	t.Helper()
	out := make([]Case, 0, n)
	for i := 0; i < n; i++ {
		v, ok := g(p).Retrieve()
		require.True(t, ok)
		out = append(out, v.(Case))
	}
	return out
}

// Parameters that were drawn from (cases, numbers, bytes read) and then
// reseeded draw exactly what fresh parameters of that seed draw, built as
// gopter builds them (its own locked source).
func TestReseededParamsDrawAsFreshOnes(t *testing.T) {
	g := CaseGen(drawInput)
	for _, seed := range []int64{0, 1, 42, -7, 1 << 40} {
		used := genParams(seed + 1000)
		drawCases(t, g, used, 37)
		_, err := used.Rng.Read(make([]byte, 3)) // leaves bytes buffered in the Rand
		require.NoError(t, err)
		used.MaxSize, used.MinSize = 3, 2
		reseed(used, seed)

		fresh := gopter.DefaultGenParameters().CloneWithSeed(seed)
		assert.Equal(t, fresh.MinSize, used.MinSize)
		assert.Equal(t, fresh.MaxSize, used.MaxSize)
		assert.Equal(t, fresh.MaxShrinkCount, used.MaxShrinkCount)
		assert.Equal(t, drawCases(t, g, fresh, 300), drawCases(t, g, used, 300), "seed %d", seed)
		a, b := make([]byte, 11), make([]byte, 11)
		_, err = fresh.Rng.Read(a)
		require.NoError(t, err)
		_, err = used.Rng.Read(b)
		require.NoError(t, err)
		assert.Equal(t, a, b, "seed %d: Read starts afresh", seed)
		assert.Equal(t, fresh.Rng.Int63(), used.Rng.Int63())
	}
}

// GenerateCases gives the same list whether its parameters come fresh or
// from the pool, after other generations drew from them.
func TestGenerateCases_PooledParamsSameCases(t *testing.T) {
	want := GenerateCases(drawInput, 120, 5)
	for i := 0; i < 4; i++ {
		dirty := genParams(int64(i))
		drawCases(t, CaseGen(drawInput), dirty, 50)
		releaseParams(dirty)
		require.Len(t, GenerateCases(drawInput, 80, int64(100+i)), 80)
		assert.Equal(t, want, GenerateCases(drawInput, 120, 5), "round %d", i)
	}
}

// The drawer picks among its sources as gen.Weighted does, so CaseGen and
// GenerateCases draw what the gopter composition of the same sources drew.
func TestDrawerPicksAsGopterWeighted(t *testing.T) {
	pl := newCasePlan(drawInput)
	require.NotEmpty(t, pl.victims)
	require.NotEmpty(t, pl.neighbours)
	require.NotEmpty(t, pl.boundaries)
	wrap := func(draw func(*gopter.GenParameters) Case) gopter.Gen {
		return func(p *gopter.GenParameters) *gopter.GenResult { return gopter.NewGenResult(draw(p), CaseShrinker) }
	}
	weighted := gen.Weighted([]gen.WeightedGen{
		{Weight: 12, Gen: wrap(pl.victimDraw)},
		{Weight: 5, Gen: wrap(pl.neighbourDraw)},
		{Weight: 1, Gen: wrap(pl.boundaryDraw)},
	})
	for _, seed := range []int64{3, 99} {
		want := drawCases(t, weighted, gopter.DefaultGenParameters().CloneWithSeed(seed), 500)
		assert.Equal(t, want, drawCases(t, pl.gen(), genParams(seed), 500), "seed %d", seed)
		sources := map[Source]bool{}
		for _, c := range want {
			sources[c.Source] = true
		}
		assert.Len(t, sources, 3, "every source was drawn from")
	}
}

// perm draws math/rand's Perm: the same permutation, and the source left in
// the same state, whatever the buffer it is given.
func TestPermIsRandPerm(t *testing.T) {
	for n := 0; n < 40; n++ {
		a, b := rand.New(rand.NewSource(int64(n))), rand.New(rand.NewSource(int64(n)))
		buf := make([]int, 3, 5)
		assert.Equal(t, a.Perm(n), perm(b, buf, n), "n=%d", n)
		assert.Equal(t, a.Int63(), b.Int63(), "n=%d", n)
	}
}

// drawChain's arrays hold every kind, so they stay on the stack.
func TestDrawBufHoldsEveryKind(t *testing.T) {
	assert.LessOrEqual(t, len(kindSpecs), drawBuf)
}
