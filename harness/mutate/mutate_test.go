package mutate

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/prop"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/unicode/norm"
)

const testUUID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"

var numericKinds = []string{KindLeadingZeros, KindPlusSign, KindFloat, KindExponent}

func TestBuildWire_EachTransform(t *testing.T) {
	tests := []struct {
		name  string
		base  string
		ts    []Transform
		att   string
		want  string
		kinds []string // the transforms that applied, in order
	}{
		{"leading zeros", "8", []Transform{{KindLeadingZeros, 2}}, "", "008", []string{KindLeadingZeros}},
		{"plus sign", "8", []Transform{{Kind: KindPlusSign}}, "", "+8", []string{KindPlusSign}},
		{"float", "8", []Transform{{Kind: KindFloat}}, "", "8.0", []string{KindFloat}},
		{"exponent", "8", []Transform{{Kind: KindExponent}}, "", "8e0", []string{KindExponent}},
		{"pct-encode-all", "8", []Transform{{Kind: KindPctEncodeAll}}, "", "%38", []string{KindPctEncodeAll}},
		{"double-encode", "8", []Transform{{Kind: KindDoubleEncode}}, "", "%2538", []string{KindDoubleEncode}},
		{"pct-encode-one", "52", []Transform{{KindPctEncodeOne, 1}}, "", "5%32", []string{KindPctEncodeOne}},
		{"pct-encode-one index past end is clamped", "52", []Transform{{KindPctEncodeOne, 9}}, "", "5%32", []string{KindPctEncodeOne}},
		{"pct-encode-one of an escaped byte changes nothing", "a b", []Transform{{KindPctEncodeOne, 1}}, "", "a%20b", nil},
		{"uuid upper-case", testUUID, []Transform{{Kind: KindUpperCase}}, "", strings.ToUpper(testUUID), []string{KindUpperCase}},
		{"lower-case that changes nothing is skipped", "abc", []Transform{{Kind: KindLowerCase}}, "", "abc", nil},
		{"swap-case", "bob", []Transform{{Kind: KindSwapCase}}, "", "Bob", []string{KindSwapCase}},
		{"suffix-json", "52", []Transform{{Kind: KindSuffixJSON}}, "", "52.json", []string{KindSuffixJSON}},
		{"trailing-slash", "52", []Transform{{Kind: KindTrailingSlash}}, "", "52/", []string{KindTrailingSlash}},
		{"suffix-semicolon", "52", []Transform{{Kind: KindSuffixSemicolon}}, "", "52;x", []string{KindSuffixSemicolon}},
		{"trailing-space", "52", []Transform{{Kind: KindTrailingSpace}}, "", "52%20", []string{KindTrailingSpace}},
		{"null-byte", "52", []Transform{{Kind: KindNullByte}}, "", "52%00", []string{KindNullByte}},
		{"comma-list", "8", []Transform{{Kind: KindCommaList}}, "7", "7,8", []string{KindCommaList}},
		{"comma-list needs an attacker id", "8", []Transform{{Kind: KindCommaList}}, "", "8", nil},
		{"array", "8", []Transform{{Kind: KindArray}}, "", "%5B8%5D", []string{KindArray}},
		{"comma-list inside array", "8", []Transform{{Kind: KindArray}, {Kind: KindCommaList}}, "7", "%5B7,8%5D",
			[]string{KindCommaList, KindArray}},
		{"encoding last, suffix untouched", "8", []Transform{{Kind: KindPctEncodeAll}, {KindLeadingZeros, 3}, {Kind: KindTrailingSlash}}, "",
			"%30%30%30%38/", []string{KindLeadingZeros, KindTrailingSlash, KindPctEncodeAll}},
		{"uuid never gets leading zeros", testUUID, []Transform{{KindLeadingZeros, 2}, {Kind: KindPlusSign}, {Kind: KindFloat}}, "", testUUID, nil},
		{"slug never gets leading zeros", "my-slug", []Transform{{KindLeadingZeros, 1}}, "", "my-slug", nil},
		{"plain id is path-escaped", "a/b?c", nil, "", "a%2Fb%3Fc", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wire, applied := buildWire(tt.base, tt.ts, tt.att)
			assert.Equal(t, tt.want, wire)
			var kinds []string
			for _, a := range applied {
				kinds = append(kinds, a.Kind)
			}
			assert.Equal(t, tt.kinds, kinds)
		})
	}
}

func bigInput() CaseInput {
	in := CaseInput{Param: "invoice_id", Victim: "bob", AttackerIDs: []string{"7", "9"}}
	for i := 100; i < 140; i++ {
		in.VictimIDs = append(in.VictimIDs, strconv.Itoa(i))
	}
	return in
}

func TestGenerateCases_Deterministic(t *testing.T) {
	in := bigInput()
	a := GenerateCases(in, 120, 42)
	require.Len(t, a, 120)
	assert.Equal(t, a, GenerateCases(in, 120, 42), "same seed must give the same list")
	assert.NotEqual(t, a, GenerateCases(in, 120, 43), "another seed must give another list")
}

func TestGenerateCases_Invariants(t *testing.T) {
	tests := []struct {
		name string
		in   CaseInput
		n    int
	}{
		{"numeric", CaseInput{Param: "id", Victim: "bob", VictimIDs: []string{"8", "12"}, AttackerIDs: []string{"7"}}, 40},
		{"uuid", CaseInput{Param: "id", Victim: "bob", VictimIDs: []string{testUUID}, AttackerIDs: []string{"0e4b1c7a-0000-4000-8000-000000000001"}}, 40},
		{"slug", CaseInput{Param: "slug", Victim: "bob", VictimIDs: []string{"bobs-post"}}, 30},
		{"victim id the attacker shares", CaseInput{Param: "id", Victim: "bob", VictimIDs: []string{"7", "8"}, AttackerIDs: []string{"7"}}, 50},
		{"integer schema, no ids", CaseInput{Param: "id", Schema: openapi3.NewIntegerSchema()}, 10},
		{"n smaller than the swaps", bigInput(), 5},
		{"big", bigInput(), 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cases := GenerateCases(tt.in, tt.n, 7)
			require.LessOrEqual(t, len(cases), tt.n)
			require.NotEmpty(t, cases)
			attacker := map[string]bool{}
			for _, id := range tt.in.AttackerIDs {
				attacker[id] = true
			}
			var swaps []string
			for _, id := range tt.in.VictimIDs {
				if !attacker[id] && len(swaps) < tt.n {
					swaps = append(swaps, id)
				}
			}
			for i, id := range swaps {
				assert.Equal(t, "swap", cases[i].Mutation(), "case %d", i)
				assert.Equal(t, id, cases[i].Wire)
				assert.Equal(t, "bob", cases[i].Owner)
			}
			wires, names := map[string]bool{}, map[string]bool{}
			for _, c := range cases {
				assert.False(t, wires[c.Wire], "duplicate wire %q", c.Wire)
				wires[c.Wire] = true
				assert.False(t, names[c.Name()], "duplicate name %q", c.Name())
				names[c.Name()] = true
				assert.NotContains(t, c.Name(), "/")
				assert.Equal(t, tt.in.Param, c.Param)
				if len(c.Transforms) == 0 {
					assert.False(t, attacker[c.Wire], "attacker's own id %q sent as is", c.Wire)
				}
				checkSource(t, tt.in, c)
			}
		})
	}
}

// checkSource asserts what each source promises about Base, From, Offset, Owner.
func checkSource(t *testing.T, in CaseInput, c Case) {
	t.Helper()
	switch c.Source {
	case SourceVictim:
		assert.Contains(t, in.VictimIDs, c.Base)
		assert.Equal(t, in.Victim, c.Owner)
	case SourceNeighbour:
		from, err := strconv.ParseInt(c.From, 10, 64)
		require.NoError(t, err)
		v, err := strconv.ParseInt(c.Base, 10, 64)
		require.NoError(t, err)
		assert.Equal(t, from+int64(c.Offset), v)
		assert.NotContains(t, in.AttackerIDs, c.Base)
		assert.NotContains(t, in.VictimIDs, c.Base, "a neighbour that is a victim id must be a victim case")
		assert.GreaterOrEqual(t, v, int64(0))
		assert.Empty(t, c.Owner)
	case SourceBoundary:
		assert.Contains(t, []string{"0", "-1", "9223372036854775807"}, c.Wire)
		assert.Empty(t, c.Transforms)
	default:
		t.Errorf("unknown source %q", c.Source)
	}
}

func TestGenerateCases_SmallInputEndsQuickly(t *testing.T) {
	start := time.Now()
	cases := GenerateCases(CaseInput{Param: "id", VictimIDs: []string{"8"}, Victim: "bob"}, 100000, 1)
	assert.Less(t, time.Since(start), 5*time.Second)
	assert.Less(t, len(cases), 100000)
	assert.Greater(t, len(cases), 20, "a single numeric id still has many variants")
	seen := map[string]bool{}
	for _, c := range cases {
		assert.False(t, seen[c.Wire])
		seen[c.Wire] = true
	}
	assert.Empty(t, GenerateCases(CaseInput{Param: "id"}, 10, 1), "nothing to draw from")
	assert.Empty(t, GenerateCases(bigInput(), 0, 1))
}

func TestGenerateCases_ShapeRules(t *testing.T) {
	uuidIn := CaseInput{Param: "id", Victim: "bob", VictimIDs: []string{testUUID}}
	slugIn := CaseInput{Param: "slug", Victim: "bob", VictimIDs: []string{"bobs-post"}}
	for _, in := range []CaseInput{uuidIn, slugIn} {
		for _, c := range GenerateCases(in, 200, 3) {
			assert.Equal(t, SourceVictim, c.Source, "non-numeric ids have no neighbours or boundaries: %s", c.Name())
			for _, tr := range c.Transforms {
				assert.NotContains(t, numericKinds, tr.Kind, "%s got a numeric-only transform", c.Base)
			}
		}
	}
	kinds := map[string]bool{}
	for _, c := range GenerateCases(uuidIn, 200, 3) {
		for _, tr := range c.Transforms {
			kinds[tr.Kind] = true
		}
	}
	assert.True(t, kinds[KindUpperCase], "a lower-case uuid is worth upper-casing")
	assert.False(t, kinds[KindLowerCase], "lower-casing a lower-case uuid changes nothing")
}

func TestGenerateCases_NeighboursAndWeights(t *testing.T) {
	in := CaseInput{Param: "id", Victim: "bob", VictimIDs: []string{"1", "3"}, AttackerIDs: []string{"2", "40"}, Neighbours: 2}
	cases := GenerateCases(in, 300, 5)
	var got []string
	bySource := map[Source]int{}
	for _, c := range cases {
		bySource[c.Source]++
		if c.Source == SourceNeighbour && len(c.Transforms) == 0 {
			got = append(got, c.Wire)
		}
	}
	// 1±1,2 → 0 (negatives dropped, 2 is the attacker's, 3 is a victim id);
	// 3±1,2 → 4, 5; 40±1,2 → 38, 39, 41, 42.
	assert.ElementsMatch(t, []string{"0", "4", "5", "38", "39", "41", "42"}, got)
	assert.Greater(t, bySource[SourceVictim], len(cases)/2, "victim variants make most of the list")
	assert.Positive(t, bySource[SourceBoundary])
}

// undo decodes a wire the way a lenient server might and strips what the
// transforms added, leaving text that must hold the base id; text-key
// variants are folded back as the handlers they probe fold them.
func undo(t *testing.T, c Case) string {
	d, err := url.PathUnescape(c.Wire)
	require.NoError(t, err)
	if hasKind(c.Transforms, KindDoubleEncode) {
		d, err = url.PathUnescape(d)
		require.NoError(t, err)
	}
	d = norm.NFC.String(norm.NFKC.String(unCyrillic(d)))
	return strings.ToLower(strings.ReplaceAll(d, "  ", " "))
}

func TestCaseGen_Properties(t *testing.T) {
	inputs := map[string]CaseInput{
		"numeric": {Param: "id", Victim: "bob", VictimIDs: []string{"8", "1200"}, AttackerIDs: []string{"7"}},
		"uuid":    {Param: "id", Victim: "bob", VictimIDs: []string{testUUID}, AttackerIDs: []string{"ab"}},
		"slug":    {Param: "slug", Victim: "bob", VictimIDs: []string{"Bobs Post?#1"}, AttackerIDs: []string{"x,y"}},
	}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			params := gopter.DefaultTestParametersWithSeed(11)
			params.MinSuccessfulTests = 300
			props := gopter.NewProperties(params)
			props.Property("decoded wire holds the base", prop.ForAll(func(c Case) bool {
				return strings.Contains(undo(t, c), strings.ToLower(c.Base))
			}, CaseGen(in)))
			props.Property("comma-list puts an attacker id before the base", prop.ForAll(func(c Case) bool {
				if !hasKind(c.Transforms, KindCommaList) {
					return true
				}
				d := strings.TrimPrefix(undo(t, c), "[")
				for _, a := range in.AttackerIDs {
					rest, ok := strings.CutPrefix(d, strings.ToLower(a)+",")
					if ok && strings.Contains(rest, strings.ToLower(c.Base)) {
						return true
					}
				}
				return false
			}, CaseGen(in)))
			props.Property("wire has no raw space, ? or #, and no / but a trailing one", prop.ForAll(func(c Case) bool {
				w := strings.TrimSuffix(c.Wire, "/")
				return !strings.ContainsAny(w, " ?#/") && (w == c.Wire) != hasKind(c.Transforms, KindTrailingSlash)
			}, CaseGen(in)))
			props.Property("wire is rebuilt from base and transforms", prop.ForAll(func(c Case) bool {
				r := rebuild(c, c.Base, c.Transforms)
				return r.Wire == c.Wire && assert.ObjectsAreEqual(r.Transforms, c.Transforms)
			}, CaseGen(in)))
			props.TestingRun(t)
		})
	}
}

func mutations(cs []Case) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Mutation()
	}
	return out
}

func TestShrink(t *testing.T) {
	pl := newCasePlan(CaseInput{Param: "id", Victim: "bob", VictimIDs: []string{"8"}})
	zeros := pl.victimCase("8", []Transform{{KindLeadingZeros, 3}, {Kind: KindPctEncodeAll}}, "")
	require.Equal(t, "%30%30%30%38", zeros.Wire)
	require.Equal(t, "leading-zeros+pct-encode-all", zeros.Mutation())

	got := Shrink(zeros)
	require.Len(t, got, 4)
	assert.Equal(t, []string{"pct-encode-all", "leading-zeros", "leading-zeros+pct-encode-all", "leading-zeros+pct-encode-all"}, mutations(got))
	assert.Equal(t, []string{"%38", "0008", "%30%38", "%30%30%38"},
		[]string{got[0].Wire, got[1].Wire, got[2].Wire, got[3].Wire})

	// Following the simplest candidate ends at the plain swap.
	c := zeros
	for steps := 0; len(Shrink(c)) > 0; steps++ {
		require.Less(t, steps, 10)
		c = Shrink(c)[0]
	}
	assert.Equal(t, "swap", c.Mutation())
	assert.Equal(t, "8", c.Wire)

	nb := Case{Param: "id", Source: SourceNeighbour, Base: "10", From: "7", Offset: 3, Wire: "10"}
	got = Shrink(nb)
	assert.Equal(t, []string{"neighbour+1", "neighbour+2"}, mutations(got))
	assert.Equal(t, []string{"8", "9"}, []string{got[0].Base, got[1].Base})
	down := Case{Param: "id", Source: SourceNeighbour, Base: "004", From: "007", Offset: -3,
		Transforms: []Transform{{Kind: KindSuffixJSON}}, Wire: "004.json"}
	assert.Equal(t, []string{"004", "006.json", "005.json"}, []string{Shrink(down)[0].Wire, Shrink(down)[1].Wire, Shrink(down)[2].Wire})
	assert.Equal(t, "neighbour-1:suffix-json", Shrink(down)[1].Mutation())

	assert.Empty(t, Shrink(pl.victimCase("8", nil, "")), "a plain swap has nothing simpler")
	assert.Empty(t, Shrink(Case{Source: SourceBoundary, Base: "0", Wire: "0"}))
}

func TestShrink_KeepsCommaListAttacker(t *testing.T) {
	pl := newCasePlan(CaseInput{Param: "id", Victim: "bob", VictimIDs: []string{"8"}, AttackerIDs: []string{"7"}})
	c := pl.victimCase("8", []Transform{{Kind: KindCommaList}, {Kind: KindArray}, {Kind: KindNullByte}}, "7")
	require.Equal(t, "%5B7,8%5D%00", c.Wire)
	var wires []string
	for _, s := range Shrink(c) {
		wires = append(wires, s.Wire)
	}
	assert.Equal(t, []string{"%5B8%5D%00", "7,8%00", "%5B7,8%5D"}, wires)
}

func TestCaseShrinker_DrivesGopterShrinking(t *testing.T) {
	// A property that fails for every leading-zeros case must be shrunk by
	// gopter, through CaseShrinker, to a single leading zero.
	in := CaseInput{Param: "id", Victim: "bob", VictimIDs: []string{"8"}}
	params := gopter.DefaultTestParametersWithSeed(3)
	params.MinSuccessfulTests = 500
	p := prop.ForAll(func(c Case) bool { return !hasKind(c.Transforms, KindLeadingZeros) }, CaseGen(in))
	res := p.Check(params)
	require.False(t, res.Passed())
	shrunk := res.Args[0].Arg.(Case)
	assert.Equal(t, "leading-zeros", shrunk.Mutation())
	assert.Equal(t, "08", shrunk.Wire)
}

func TestCaseNames(t *testing.T) {
	tests := []struct {
		c    Case
		want string
	}{
		{Case{Source: SourceVictim, Base: "8", Wire: "8"}, "swap=8"},
		{Case{Source: SourceVictim, Base: "8", Transforms: []Transform{{Kind: KindTrailingSlash}}, Wire: "8/"}, "trailing-slash=8%2F"},
		{Case{Source: SourceNeighbour, Base: "9", From: "8", Offset: 1, Wire: "9"}, "neighbour+1=9"},
		{Case{Source: SourceNeighbour, Base: "6", From: "8", Offset: -2, Transforms: []Transform{{Kind: KindPlusSign}}, Wire: "+6"}, "neighbour-2:plus-sign=+6"},
		{Case{Source: SourceBoundary, Base: "-1", Wire: "-1"}, "boundary=-1"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.c.Name())
	}
	// Wires that differ only in "/" versus "%2F" would share a name.
	cs := []Case{
		{Source: SourceVictim, Transforms: []Transform{{Kind: KindTrailingSlash}}, Wire: "a/"},
		{Source: SourceVictim, Transforms: []Transform{{Kind: KindTrailingSlash}}, Wire: "a%2F"},
	}
	NumberNames(cs)
	assert.Equal(t, []string{"trailing-slash=a%2F", "trailing-slash=a%2F#2"}, []string{cs[0].Name(), cs[1].Name()})
}
