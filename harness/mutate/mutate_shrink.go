package mutate

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/leanovate/gopter"
)

// Transform kinds, as they appear in Case.Mutation and in reports.
const (
	KindLeadingZeros    = "leading-zeros"    // N zeros before a decimal id
	KindPlusSign        = "plus-sign"        // "+" before a decimal id
	KindFloat           = "float"            // ".0" after an integer
	KindExponent        = "exponent"         // "e0" after an integer
	KindUpperCase       = "upper-case"       // letters upper-cased
	KindLowerCase       = "lower-case"       // letters lower-cased
	KindSwapCase        = "swap-case"        // the first letter's case flipped
	KindCommaList       = "comma-list"       // attacker's own id, ",", then the id
	KindArray           = "array"            // "[" id "]" sent as %5B id %5D
	KindTrailingSlash   = "trailing-slash"   // "/" after the id
	KindSuffixJSON      = "suffix-json"      // ".json" after the id
	KindSuffixSemicolon = "suffix-semicolon" // ";x" after the id (matrix parameter)
	KindTrailingSpace   = "trailing-space"   // "%20" after the id
	KindNullByte        = "null-byte"        // "%00" after the id
	KindPctEncodeOne    = "pct-encode-one"   // byte N of the id as %XX
	KindPctEncodeAll    = "pct-encode-all"   // every byte of the id as %XX
	KindDoubleEncode    = "double-encode"    // byte N of the id as %25XX
)

// Groups order the transforms of a chain (text changes first, encodings last)
// and a chain holds at most one kind per group, since two suffixes or two
// encodings stacked test nothing a single one does not.
const (
	groupZeros = iota
	groupSign
	groupNumber
	groupCase
	groupScript // text keys: fullwidth, homoglyph, nfd, nfc (mutate_text.go)
	groupSpace  // text keys: leading-space, inner-space (mutate_text.go)
	groupList
	groupArray
	groupSuffix
	groupEncode
)

// wireParts is an id being transformed: the id itself (plain text until an
// encoding turns it into wire text) between wire-text prefix and suffix, so
// that encodings touch the id and never the "/" or ".json" around it.
type wireParts struct {
	prefix, core, suffix string
	encoded              bool
	attacker             string // the attacker's id as wire text, for comma-list
}

func (p wireParts) wire() string {
	core := p.core
	if !p.encoded {
		core = url.PathEscape(core)
	}
	return p.prefix + core + p.suffix
}

// kindSpec is one transform kind: where it sits in a chain, which ids it
// applies to, and what it does. apply reports the N it used and whether the
// text changed; a kind that changes nothing is left out of the chain.
type kindSpec struct {
	kind  string
	group int
	shape func(base string) bool
	apply func(p *wireParts, n int) (int, bool)
}

// kindSpecs are every transform kind: the id kinds below, then the kinds
// suited to text keys (mutate_text.go).
var kindSpecs = append(slices.Clip(idKindSpecs), textKindSpecs...)

var idKindSpecs = []kindSpec{
	{KindLeadingZeros, groupZeros, idIsDecimal, func(p *wireParts, n int) (int, bool) {
		n = max(n, 1)
		p.core = strings.Repeat("0", n) + p.core
		return n, true
	}},
	{KindPlusSign, groupSign, idIsDecimal, prependCore("+")},
	{KindFloat, groupNumber, idIsInteger, appendCore(".0")},
	{KindExponent, groupNumber, idIsInteger, appendCore("e0")},
	{KindUpperCase, groupCase, func(b string) bool { return strings.ToUpper(b) != b }, recase(strings.ToUpper)},
	{KindLowerCase, groupCase, func(b string) bool { return strings.ToLower(b) != b }, recase(strings.ToLower)},
	{KindSwapCase, groupCase, func(b string) bool { return idFirstLetter(b) >= 0 }, swapFirstLetter},
	{KindCommaList, groupList, anyShape, func(p *wireParts, _ int) (int, bool) {
		if p.attacker == "" {
			return 0, false
		}
		p.prefix = p.attacker + "," + p.prefix
		return 0, true
	}},
	{KindArray, groupArray, anyShape, func(p *wireParts, _ int) (int, bool) {
		p.prefix, p.suffix = "%5B"+p.prefix, "%5D"+p.suffix
		return 0, true
	}},
	{KindTrailingSlash, groupSuffix, anyShape, appendSuffix("/")},
	{KindSuffixJSON, groupSuffix, anyShape, appendSuffix(".json")},
	{KindSuffixSemicolon, groupSuffix, anyShape, appendSuffix(";x")},
	{KindTrailingSpace, groupSuffix, anyShape, appendSuffix("%20")},
	{KindNullByte, groupSuffix, anyShape, appendSuffix("%00")},
	{KindPctEncodeOne, groupEncode, anyShape, encodeOne("")},
	{KindPctEncodeAll, groupEncode, anyShape, encodeAll},
	{KindDoubleEncode, groupEncode, anyShape, encodeOne("%25")},
}

func specOf(kind string) (kindSpec, bool) {
	for _, s := range kindSpecs {
		if s.kind == kind {
			return s, true
		}
	}
	return kindSpec{}, false
}

// groupsFor lists, in chain order, the groups with a kind that applies to base.
func groupsFor(base string, hasAttacker bool) []int { return appendGroups(nil, base, hasAttacker) }

// appendGroups appends groupsFor's groups to gs.
func appendGroups(gs []int, base string, hasAttacker bool) []int {
	for _, s := range kindSpecs {
		if s.kind == KindCommaList && !hasAttacker {
			continue
		}
		if s.shape(base) && !slices.Contains(gs, s.group) {
			gs = append(gs, s.group)
		}
	}
	return gs
}

// kindsFor lists the kinds of group g that apply to base.
func kindsFor(g int, base string) []string { return appendKinds(nil, g, base) }

// appendKinds appends kindsFor's kinds to ks.
func appendKinds(ks []string, g int, base string) []string {
	for _, s := range kindSpecs {
		if s.group == g && s.shape(base) {
			ks = append(ks, s.kind)
		}
	}
	return ks
}

// applyKind applies one kind to parts; see kindSpec.apply.
func applyKind(p *wireParts, kind string, n int) (int, bool) {
	s, ok := specOf(kind)
	if !ok {
		return 0, false
	}
	return s.apply(p, n)
}

// buildWire applies ts to base in chain order and returns the wire text and
// the transforms that applied and changed the text (N as used: an index past
// the end is clamped). att is the attacker's id as wire text, for comma-list.
func buildWire(base string, ts []Transform, att string) (string, []Transform) {
	order := slices.Clone(ts)
	slices.SortStableFunc(order, func(a, b Transform) int { return groupOf(a.Kind) - groupOf(b.Kind) })
	parts := wireParts{core: base, attacker: att}
	var applied []Transform
	for _, t := range order {
		s, ok := specOf(t.Kind)
		if !ok || !s.shape(base) {
			continue
		}
		if n, changed := s.apply(&parts, t.N); changed {
			applied = append(applied, Transform{Kind: t.Kind, N: n})
		}
	}
	return parts.wire(), applied
}

func groupOf(kind string) int {
	if s, ok := specOf(kind); ok {
		return s.group
	}
	return -1
}

func prependCore(s string) func(*wireParts, int) (int, bool) {
	return func(p *wireParts, _ int) (int, bool) { p.core = s + p.core; return 0, true }
}

func appendCore(s string) func(*wireParts, int) (int, bool) {
	return func(p *wireParts, _ int) (int, bool) { p.core += s; return 0, true }
}

func appendSuffix(s string) func(*wireParts, int) (int, bool) {
	return func(p *wireParts, _ int) (int, bool) { p.suffix += s; return 0, true }
}

func recase(f func(string) string) func(*wireParts, int) (int, bool) {
	return func(p *wireParts, _ int) (int, bool) {
		out := f(p.core)
		changed := out != p.core
		p.core = out
		return 0, changed
	}
}

func swapFirstLetter(p *wireParts, _ int) (int, bool) {
	i := idFirstLetter(p.core)
	if i < 0 {
		return 0, false
	}
	b := []byte(p.core)
	b[i] ^= 0x20 // ASCII letters differ in case by this one bit
	p.core = string(b)
	return 0, true
}

// encodeOne writes byte n of the id as %XX, or with extra "%25" as %25XX
// (double-encoded); the other bytes are escaped as usual.
// Plain encoding needs a byte that would otherwise be sent as itself.
func encodeOne(extra string) func(*wireParts, int) (int, bool) {
	if extra == "" {
		extra = "%"
	}
	return func(p *wireParts, n int) (int, bool) {
		if p.encoded || p.core == "" {
			return 0, false
		}
		n = min(max(n, 0), len(p.core)-1)
		if extra == "%" && pathEscapes(p.core[n]) {
			return n, false
		}
		var sb strings.Builder
		for i := 0; i < len(p.core); i++ {
			if i == n {
				sb.WriteString(extra + pctByte(p.core[i])[1:])
				continue
			}
			sb.WriteString(pathByte(p.core[i]))
		}
		p.core, p.encoded = sb.String(), true
		return n, true
	}
}

func encodeAll(p *wireParts, _ int) (int, bool) {
	if p.encoded {
		return 0, false
	}
	var sb strings.Builder
	for i := 0; i < len(p.core); i++ {
		sb.WriteString(pctByte(p.core[i]))
	}
	changed := sb.String() != url.PathEscape(p.core)
	p.core, p.encoded = sb.String(), true
	return 0, changed
}

func pctByte(b byte) string { return fmt.Sprintf("%%%02X", b) }

// pathByte is the byte as url.PathEscape would send it.
func pathByte(b byte) string {
	if pathEscapes(b) {
		return pctByte(b)
	}
	return string(rune(b))
}

func pathEscapes(b byte) bool {
	s := string([]byte{b})
	return url.PathEscape(s) != s
}

// plainWire is an id as a plain swap sends it in a path segment.
func PlainWire(id string) string { return url.PathEscape(id) }

func anyShape(string) bool { return true }

func idIsDecimal(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func idIsInteger(s string) bool { return idIsDecimal(strings.TrimPrefix(s, "-")) }

func idFirstLetter(s string) int {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c >= 'a' && c <= 'z' {
			return i
		}
	}
	return -1
}

// parseNumeric reads a decimal id ("-5", "007") as an int64.
func parseNumeric(id string) (int64, bool) {
	if !idIsInteger(id) {
		return 0, false
	}
	v, err := strconv.ParseInt(id, 10, 64)
	return v, err == nil
}

// offsetValue is base+off, refused on overflow and when it turns a
// non-negative id negative.
func offsetValue(base int64, off int) (int64, bool) {
	v := base + int64(off)
	if (off > 0 && v < base) || (off < 0 && v > base) || (base >= 0 && v < 0) {
		return 0, false
	}
	return v, true
}

// formatLike writes v as decimal, zero-padded to the width of id when id is
// zero-padded ("007" ± 1 gives "006", "008"), as the API writes its ids.
func formatLike(v int64, id string) string {
	s := strconv.FormatInt(v, 10)
	if v >= 0 && len(id) > 1 && id[0] == '0' && idIsDecimal(id) && len(s) < len(id) {
		s = strings.Repeat("0", len(id)-len(s)) + s
	}
	return s
}

// CaseShrinker is the gopter.Shrinker of CaseGen's values: simpler cases to
// try when a case leaks, simplest first — each transform dropped in turn,
// then fewer leading zeros, then a neighbour's offset moved toward ±1. A plain
// swap or a boundary has none.
var CaseShrinker gopter.Shrinker = func(v interface{}) gopter.Shrink {
	c, ok := v.(Case)
	if !ok {
		return gopter.NoShrink
	}
	seen := map[string]bool{c.Wire: true}
	return gopter.ConcatShrinks(
		caseShrink(dropOne(c)), caseShrink(fewerZeros(c)), caseShrink(closerNeighbours(c)),
	).Filter(func(v interface{}) bool {
		w := v.(Case).Wire
		if seen[w] {
			return false
		}
		seen[w] = true
		return true
	})
}

// Shrink returns the simpler cases to try when c leaks, simplest first (the
// stream of CaseShrinker), with unique names.
func Shrink(c Case) []Case {
	var out []Case
	for _, v := range CaseShrinker(c).All() {
		out = append(out, v.(Case))
	}
	NumberNames(out)
	return out
}

func caseShrink(cs []Case) gopter.Shrink {
	i := 0
	return func() (interface{}, bool) {
		if i >= len(cs) {
			return nil, false
		}
		i++
		return cs[i-1], true
	}
}

func dropOne(c Case) []Case {
	var out []Case
	for i := range c.Transforms {
		ts := slices.Delete(slices.Clone(c.Transforms), i, i+1)
		out = append(out, rebuild(c, c.Base, ts))
	}
	return out
}

func fewerZeros(c Case) []Case {
	var out []Case
	for i, t := range c.Transforms {
		if t.Kind != KindLeadingZeros {
			continue
		}
		for n := 1; n < t.N; n++ {
			ts := slices.Clone(c.Transforms)
			ts[i].N = n
			out = append(out, rebuild(c, c.Base, ts))
		}
	}
	return out
}

func closerNeighbours(c Case) []Case {
	from, ok := parseNumeric(c.From)
	if c.Source != SourceNeighbour || !ok {
		return nil
	}
	var out []Case
	for k := 1; k < offsetSize(c.Offset); k++ {
		off := k
		if c.Offset < 0 {
			off = -k
		}
		v, ok := offsetValue(from, off)
		if !ok {
			continue
		}
		n := rebuild(c, formatLike(v, c.From), c.Transforms)
		n.Offset = off
		out = append(out, n)
	}
	return out
}

// rebuild is c with another base and chain, its wire worked out again. The
// attacker's id for comma-list is read back from c's wire, where it is the
// text before the first raw ",": an escaped id holds none.
func rebuild(c Case, base string, ts []Transform) Case {
	att := ""
	if hasKind(c.Transforms, KindCommaList) {
		w := c.Wire
		if hasKind(c.Transforms, KindArray) {
			w = strings.TrimPrefix(w, "%5B")
		}
		if i := strings.IndexByte(w, ','); i > 0 {
			att = w[:i]
		}
	}
	c.Base, c.nameSeq = base, 0
	c.Wire, c.Transforms = buildWire(base, ts, att)
	return c
}

func offsetSize(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
