package mutate

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
)

// Source says where a case's base id comes from.
type Source string

const (
	// SourceVictim is an id the victim owns (a plain swap when no transform).
	SourceVictim Source = "victim"
	// SourceNeighbour is the attacker's or victim's numeric id ± k: sequential
	// ids whose owners are unknown.
	SourceNeighbour Source = "neighbour"
	// SourceBoundary is 0, -1 or the largest int64.
	SourceBoundary Source = "boundary"
)

// DefaultNeighbours is k in ±1..±k when CaseInput.Neighbours is zero.
const DefaultNeighbours = 3

// Transform is one textual change to the wire text of an id.
type Transform struct {
	Kind string
	N    int // a count (leading zeros) or a byte index (pct-encode-one, double-encode); 0 otherwise
}

// Case is one value to try for an id parameter.
type Case struct {
	Param      string // parameter name
	Source     Source
	Base       string // the plain id the case derives from (unencoded); for neighbours the neighbour value itself
	From       string // for neighbours: the id it neighbours; else ""
	Offset     int    // for neighbours: +k or -k
	Owner      string // the user known to own Base ("" when unknown: neighbours, boundaries)
	Transforms []Transform
	Wire       string // exact text for the URL path segment

	// Placement arranges the id in a place other than the path
	// (mutate_place.go): "duplicate-param-mine-first", "array-param",
	// "json-list"...; "" sends the value alone.
	Placement string
	// Mine is the attacker's own id (plain) for placements that send both.
	Mine string
	// Placed is the value as its place carries it, for ids outside the
	// path: query text, a header value, or JSON for a body field. "" for
	// path ids, which send Wire.
	Placed string

	// nameSeq tells Name to append "#nameSeq" because an earlier case of the
	// same list already has the name (wires that differ only in "/" and "%2F").
	nameSeq int
}

// Mutation names the case for reports: "swap", "neighbour+1", "boundary", or
// the transform kinds joined with "+", prefixed with "neighbour+k:" for a
// transformed neighbour.
func (c Case) Mutation() string {
	kinds := make([]string, len(c.Transforms))
	for i, t := range c.Transforms {
		kinds[i] = t.Kind
	}
	chain := strings.Join(kinds, "+")
	if c.Placement != "" {
		if chain == "" {
			return c.Placement
		}
		return c.Placement + ":" + chain
	}
	var head string
	switch c.Source {
	case SourceBoundary:
		head = "boundary"
	case SourceNeighbour:
		head = fmt.Sprintf("neighbour%+d", c.Offset)
	default:
		if chain == "" {
			return "swap"
		}
		return chain
	}
	if chain == "" {
		return head
	}
	return head + ":" + chain
}

// nameEscaper keeps "/" (a subtest level) and spaces out of case names.
var nameEscaper = strings.NewReplacer("/", "%2F", " ", "%20")

// Name is a subtest-safe name: Mutation()+"="+Wire (or Placed, for an id
// outside the path) with "/" written as "%2F" (t.Run would split on it) and
// spaces as "%20". GenerateCases and Shrink number repeats ("#2") so names
// are unique within their list.
func (c Case) Name() string {
	w := c.Wire
	if c.Placed != "" {
		w = c.Placed
	}
	w = nameEscaper.Replace(w)
	name := c.Mutation() + "=" + w
	if c.nameSeq > 1 {
		name += fmt.Sprintf("#%d", c.nameSeq)
	}
	return name
}

// numberNames marks repeated names so that Name is unique within cs. A wire
// never holds a raw "#", so "#n" cannot clash with another case's name.
func NumberNames(cs []Case) {
	count := map[string]int{}
	for i := range cs {
		cs[i].nameSeq = 0
		n := cs[i].Name()
		count[n]++
		if count[n] > 1 {
			cs[i].nameSeq = count[n]
		}
	}
}

// CaseInput is what generation draws from.
type CaseInput struct {
	Param       string
	Schema      *openapi3.Schema // may be nil; type/format hints (integer, uuid)
	VictimIDs   []string         // ids the victim owns for this parameter (may be empty)
	AttackerIDs []string         // ids the attacker owns for this parameter (may be empty)
	Victim      string           // victim user name (Owner of SourceVictim cases)
	Neighbours  int              // k for ±1..±k, DefaultNeighbours when 0
}

// missLimit stops drawing after this many draws in a row found nothing new,
// so an input with few possible cases ends quickly.
const missLimit = 400

// GenerateCases draws up to n distinct cases (by Wire) with gopter from the
// seed. The plain swaps of the victim ids come first, in the order given; the
// rest are drawn. Same input and seed give the same list.
func GenerateCases(in CaseInput, n int, seed int64) []Case {
	if n <= 0 {
		return nil
	}
	pl := newCasePlan(in)
	out := make([]Case, 0, n)
	seen := map[string]bool{}
	add := func(c Case) bool {
		if seen[c.Wire] || (len(c.Transforms) == 0 && pl.attackerWire[c.Wire]) {
			return false
		}
		seen[c.Wire] = true
		out = append(out, c)
		return true
	}
	for _, id := range pl.victims {
		if len(out) == n {
			break
		}
		add(pl.victimCase(id, nil, ""))
	}
	for _, c := range pl.coreCases() {
		if len(out) == n {
			break
		}
		add(c)
	}
	if len(out) == n {
		// The deterministic head filled the list: no draw would be kept, so
		// neither the generator nor its source (5 KB of state) is built.
		NumberNames(out)
		return out
	}
	if d := pl.drawer(); d != nil {
		// The draws are CaseGen's, made without gopter's result wrapping
		// (a GenResult and the Case boxed in it, per draw).
		params := genParams(seed)
		misses := 0
		for try := 0; try < 20*n && len(out) < n && misses < missLimit && !pl.exhausted(seen); try++ {
			if add(d.draw(params)) {
				misses = 0
				continue
			}
			misses++
		}
		releaseParams(params)
	}
	NumberNames(out)
	return out
}

// CaseGen is the gopter generator behind GenerateCases, for property tests and
// for users who compose their own. Its values are Case, shrunk by
// CaseShrinker. With nothing to draw from it fails (no value).
func CaseGen(in CaseInput) gopter.Gen {
	if g := newCasePlan(in).gen(); g != nil {
		return g
	}
	return gen.Fail(reflect.TypeOf(Case{}))
}

// neighbour is a numeric value next to a known id.
type neighbour struct {
	from   string
	offset int
	value  string
}

// casePlan holds what the generators pick from, fixed up front so that draws
// depend only on the seed (no map iteration order).
type casePlan struct {
	in           CaseInput
	victims      []string        // victim ids the attacker does not own, in order, distinct
	attackers    []string        // the attacker's ids as wire text, for comma-list
	attackerWire map[string]bool // the attacker's ids as plain-swap wire text
	victimByNum  map[int64]string
	neighbours   []neighbour
	boundaries   []string
}

func newCasePlan(in CaseInput) *casePlan {
	pl := &casePlan{in: in, attackerWire: map[string]bool{}, victimByNum: map[int64]string{}}
	owned := map[int64]bool{}
	for _, id := range in.AttackerIDs {
		w := PlainWire(id)
		if id == "" || pl.attackerWire[w] {
			continue
		}
		pl.attackerWire[w] = true
		pl.attackers = append(pl.attackers, w)
		if v, ok := parseNumeric(id); ok {
			owned[v] = true
		}
	}
	taken := map[string]bool{}
	for _, id := range in.VictimIDs {
		w := PlainWire(id)
		if id == "" || taken[w] || pl.attackerWire[w] {
			continue
		}
		taken[w] = true
		pl.victims = append(pl.victims, id)
		if v, ok := parseNumeric(id); ok {
			if _, dup := pl.victimByNum[v]; !dup {
				pl.victimByNum[v] = id
			}
		}
	}
	pl.neighbours = neighbourPool(in, owned)
	if integerShaped(in) {
		near := map[string]bool{}
		for _, nb := range pl.neighbours {
			near[nb.value] = true
		}
		for _, b := range []string{"0", "-1", "9223372036854775807"} {
			// A boundary that is also a neighbour is sent as the neighbour,
			// which says more about where it came from.
			if v, _ := parseNumeric(b); !owned[v] && !near[b] {
				pl.boundaries = append(pl.boundaries, b)
			}
		}
	}
	return pl
}

// neighbourPool lists ±1..±k around every numeric id, victim's first, without
// the attacker's own ids and without negatives around a non-negative id.
func neighbourPool(in CaseInput, owned map[int64]bool) []neighbour {
	k := in.Neighbours
	if k <= 0 {
		k = DefaultNeighbours
	}
	var pool []neighbour
	seen := map[int64]bool{}
	ids := append(append([]string{}, in.VictimIDs...), in.AttackerIDs...)
	for _, id := range ids {
		base, ok := parseNumeric(id)
		if !ok {
			continue
		}
		for step := 1; step <= k; step++ {
			for _, off := range []int{step, -step} {
				v, ok := offsetValue(base, off)
				if !ok || owned[v] || seen[v] {
					continue
				}
				seen[v] = true
				pool = append(pool, neighbour{from: id, offset: off, value: formatLike(v, id)})
			}
		}
	}
	return pool
}

// integerShaped tells whether boundaries make sense: the schema says integer,
// or it does not say uuid and every known id is a decimal number.
func integerShaped(in CaseInput) bool {
	if s := in.Schema; s != nil {
		if s.Type.Includes("integer") {
			return true
		}
		if strings.EqualFold(s.Format, "uuid") {
			return false
		}
	}
	ids := append(append([]string{}, in.VictimIDs...), in.AttackerIDs...)
	for _, id := range ids {
		if _, ok := parseNumeric(id); !ok {
			return false
		}
	}
	return len(ids) > 0
}

// Chain lengths: victim variants mostly carry one or two transforms (the plain
// swaps come first anyway); neighbours are mostly sent as they are.
var (
	victimChainLengths    = []int{1, 6, 4, 2} // weight of length 0, 1, 2, 3
	neighbourChainLengths = []int{6, 2, 1}
)

// exhausted reports that no draw can add a case any more, so drawing stops
// now rather than after missLimit misses (the same list: each later draw
// would have been dropped). It only knows the boundary-only generator, whose
// cases are its boundary values as they are; the demo's groups without
// victim ids spent most of the generation time on those fruitless draws.
func (pl *casePlan) exhausted(seen map[string]bool) bool {
	if len(pl.victims) > 0 || len(pl.neighbours) > 0 {
		return false
	}
	for _, b := range pl.boundaries {
		if !seen[b] && !pl.attackerWire[b] {
			return false
		}
	}
	return true
}

func (pl *casePlan) victimCase(id string, ts []Transform, att string) Case {
	wire, ts := buildWire(id, ts, att)
	return Case{Param: pl.in.Param, Source: SourceVictim, Base: id, Owner: pl.in.Victim,
		Transforms: ts, Wire: wire}
}

// drawChain draws a chain of transforms for base: a length by weight, that
// many distinct groups, one applicable kind per group, and each kind's N. It
// returns the chain in application order and the attacker wire for comma-list.
func (pl *casePlan) drawChain(p *gopter.GenParameters, base string, lengths []int) ([]Transform, string) {
	att := ""
	if len(pl.attackers) > 0 {
		att = pl.attackers[p.Rng.Intn(len(pl.attackers))]
	}
	// The lists below live in arrays on the stack: per draw they were a
	// good part of what generating cases allocated.
	var groupBuf, permBuf, chosenBuf [drawBuf]int
	var kindBuf [drawBuf]string
	groups := appendGroups(groupBuf[:0], base, att != "")
	n := min(pickWeighted(p, lengths), len(groups))
	chosen := chosenBuf[:0]
	for _, i := range perm(p.Rng, permBuf[:0], len(groups))[:n] {
		chosen = append(chosen, groups[i])
	}
	slices.Sort(chosen)
	parts := wireParts{core: base, attacker: att}
	var ts []Transform
	if n > 0 {
		ts = make([]Transform, 0, n)
	}
	for _, g := range chosen {
		ks := appendKinds(kindBuf[:0], g, base)
		kind := ks[p.Rng.Intn(len(ks))]
		if nn, ok := applyKind(&parts, kind, drawN(p, kind, parts)); ok {
			ts = append(ts, Transform{Kind: kind, N: nn})
		}
	}
	if !hasKind(ts, KindCommaList) {
		att = ""
	}
	return ts, att
}

// drawN picks N for kinds that need one: a count of zeros, or the index of a
// byte that is still sent as itself (so encoding it changes the text).
func drawN(p *gopter.GenParameters, kind string, parts wireParts) int {
	switch kind {
	case KindLeadingZeros:
		return 1 + p.Rng.Intn(3)
	case KindPctEncodeOne, KindDoubleEncode:
		var idx []int
		for i := 0; i < len(parts.core); i++ {
			if kind == KindDoubleEncode || !pathEscapes(parts.core[i]) {
				idx = append(idx, i)
			}
		}
		if len(idx) == 0 {
			return 0
		}
		return idx[p.Rng.Intn(len(idx))]
	}
	return 0
}

// pickWeighted returns an index into weights, drawn in proportion to them.
func pickWeighted(p *gopter.GenParameters, weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	r := p.Rng.Intn(total)
	for i, w := range weights {
		if r < w {
			return i
		}
		r -= w
	}
	return len(weights) - 1
}

func hasKind(ts []Transform, kind string) bool {
	for _, t := range ts {
		if t.Kind == kind {
			return true
		}
	}
	return false
}
