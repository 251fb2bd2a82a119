package mutate

import (
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/unicode/norm"
)

func TestBuildWire_TextKeyTransforms(t *testing.T) {
	tests := []struct {
		name  string
		base  string
		ts    []Transform
		want  string // decoded wire text
		kinds []string
	}{
		{"fullwidth letters and digits", "bbaker7", []Transform{{Kind: KindFullwidth}}, "ｂｂａｋｅｒ７", []string{KindFullwidth}},
		{"fullwidth keeps punctuation", "bob-1", []Transform{{Kind: KindFullwidth}}, "ｂｏｂ-１", []string{KindFullwidth}},
		{"homoglyph replaces the first look-alike only", "bbaker", []Transform{{Kind: KindHomoglyph}}, "bbаker", []string{KindHomoglyph}},
		{"homoglyph without a look-alike changes nothing", "bbb", []Transform{{Kind: KindHomoglyph}}, "bbb", nil},
		{"nfd decomposes", "Café", []Transform{{Kind: KindNFD}}, "Cafe\u0301", []string{KindNFD}},
		{"nfd of ascii changes nothing", "cafe", []Transform{{Kind: KindNFD}}, "cafe", nil},
		{"nfc composes", "Cafe\u0301", []Transform{{Kind: KindNFC}}, "Café", []string{KindNFC}},
		{"leading space", "bbaker", []Transform{{Kind: KindLeadingSpace}}, " bbaker", []string{KindLeadingSpace}},
		{"inner space doubled", "The Bread Bible", []Transform{{Kind: KindInnerSpace}}, "The  Bread Bible", []string{KindInnerSpace}},
		{"no inner space to double", "bbaker", []Transform{{Kind: KindInnerSpace}}, "bbaker", nil},
		{"upper case then fullwidth", "bob", []Transform{{Kind: KindFullwidth}, {Kind: KindUpperCase}}, "ＢＯＢ", []string{KindUpperCase, KindFullwidth}},
		{"a uuid is no text key", testUUID, []Transform{{Kind: KindFullwidth}, {Kind: KindLeadingSpace}}, testUUID, nil},
		{"a number is no text key", "42", []Transform{{Kind: KindFullwidth}, {Kind: KindHomoglyph}}, "42", nil},
		{"one script kind per chain group order: encoding last", "bob", []Transform{{Kind: KindPctEncodeAll}, {Kind: KindFullwidth}}, "ｂｏｂ", []string{KindFullwidth}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wire, applied := buildWire(tt.base, tt.ts, "")
			got, err := url.PathUnescape(wire)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got, "wire %s", wire)
			var kinds []string
			for _, a := range applied {
				kinds = append(kinds, a.Kind)
			}
			assert.Equal(t, tt.kinds, kinds)
		})
	}
}

// TestTextKinds_FoldBack: each script variant is a different text that the
// fold it targets maps back to the plain id, which is what makes it a
// probe for a check and a lookup that disagree.
func TestTextKinds_FoldBack(t *testing.T) {
	base := "Crème Brûlée"
	folds := map[string]func(string) string{
		KindFullwidth:    norm.NFKC.String,
		KindNFD:          norm.NFC.String,
		KindLeadingSpace: strings.TrimSpace,
		KindInnerSpace:   func(s string) string { return strings.Join(strings.Fields(s), " ") },
		KindHomoglyph:    unCyrillic,
	}
	for kind, fold := range folds {
		wire, applied := buildWire(base, []Transform{{Kind: kind}}, "")
		require.Len(t, applied, 1, kind)
		text, err := url.PathUnescape(wire)
		require.NoError(t, err)
		assert.NotEqual(t, base, text, kind)
		assert.Equal(t, base, fold(text), kind)
	}
}

func unCyrillic(s string) string {
	back := map[rune]rune{}
	for l, c := range cyrillicLookAlike {
		back[c] = l
	}
	return strings.Map(func(r rune) rune {
		if l, ok := back[r]; ok {
			return l
		}
		return r
	}, s)
}

// TestGenerateCases_TextKeyCore: a username's case list tries every text
// kind that applies whatever the seed, and a numeric id's list none.
func TestGenerateCases_TextKeyCore(t *testing.T) {
	for _, seed := range []int64{1, 2, 3} {
		cs := GenerateCases(CaseInput{Param: "username", VictimIDs: []string{"bbaker"}, AttackerIDs: []string{"aarcher"}, Victim: "bob"}, 32, seed)
		got := map[string]bool{}
		for _, c := range cs {
			got[c.Mutation()] = true
		}
		for _, k := range []string{KindFullwidth, KindHomoglyph, KindLeadingSpace, KindUpperCase, KindTrailingSlash, KindPctEncodeOne} {
			assert.True(t, got[k], "seed %d: no %s case in %v", seed, k, cs)
		}
	}
	for _, c := range GenerateCases(CaseInput{Param: "id", VictimIDs: []string{"102"}, AttackerIDs: []string{"101"}, Victim: "bob"}, 64, 1) {
		for _, tr := range c.Transforms {
			assert.NotContains(t, []string{KindFullwidth, KindHomoglyph, KindLeadingSpace, KindInnerSpace, KindNFD, KindNFC}, tr.Kind, c.Name())
		}
	}
}

// TestShrink_TextKind: a fullwidth case that leaks alongside a suffix
// shrinks to each alone, the single fullwidth first in the stream's order.
func TestShrink_TextKind(t *testing.T) {
	c := CaseInput{Param: "username", VictimIDs: []string{"bbaker"}, Victim: "bob"}
	pl := newCasePlan(c)
	leak := pl.victimCase("bbaker", []Transform{{Kind: KindFullwidth}, {Kind: KindTrailingSlash}}, "")
	var names []string
	for _, s := range Shrink(leak) {
		names = append(names, s.Mutation())
	}
	assert.Equal(t, []string{KindTrailingSlash, KindFullwidth}, names)
}
