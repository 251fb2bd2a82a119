package mutate

import "sort"

// coreCases are the cases every list starts with after the swaps, so that
// the patterns partial fixes miss are tried whatever the seed: each single
// transform of the first victim id, then the neighbours nearest first. The
// gopter draws after them add compositions and the other ids' variants.
func (pl *casePlan) coreCases() []Case {
	// At most one case per transform kind and per neighbour: sized once,
	// since a Case is some 200 bytes and growing the list copied them all.
	out := make([]Case, 0, len(kindSpecs)+len(pl.neighbours))
	if len(pl.victims) > 0 {
		id, att := pl.victims[0], ""
		if len(pl.attackers) > 0 {
			att = pl.attackers[0]
		}
		for _, s := range kindSpecs {
			if s.shape(id) && (s.kind != KindCommaList || att != "") {
				out = append(out, pl.victimCase(id, []Transform{{Kind: s.kind}}, att))
			}
		}
	}
	nbs := append([]neighbour(nil), pl.neighbours...)
	sort.SliceStable(nbs, func(i, j int) bool { return abs(nbs[i].offset) < abs(nbs[j].offset) })
	for _, nb := range nbs {
		if v, ok := parseNumeric(nb.value); ok {
			if id, isVictim := pl.victimByNum[v]; isVictim {
				out = append(out, pl.victimCase(id, nil, ""))
				continue
			}
		}
		out = append(out, Case{Param: pl.in.Param, Source: SourceNeighbour, Base: nb.value, From: nb.from, Offset: nb.offset, Wire: nb.value})
	}
	return out
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
