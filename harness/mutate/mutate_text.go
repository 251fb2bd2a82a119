package mutate

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Transforms suited to text keys: usernames, titles, slugs, handles. A
// handler that checks the owner on the text as sent but looks the object up
// after folding it reaches another user's object through a variant the check
// does not recognise. Folds real stacks apply: NFKC (Django's
// normalize_username, IDNA, a utf8mb4_unicode_ci column) maps fullwidth
// letters to ASCII; transliteration (unidecode before a slug lookup) maps a
// Cyrillic look-alike to its Latin twin; NFC/NFD fold the two spellings of
// an accented letter (macOS file names are NFD); trimming and collapsing
// whitespace fold padded and doubled spaces. Case, trailing slash and
// percent-encoding variants are the id kinds (mutate_shrink.go) and apply to
// text keys as well.
const (
	KindFullwidth    = "fullwidth"     // ASCII letters and digits as fullwidth forms (NFKC folds them back)
	KindHomoglyph    = "homoglyph"     // the first Latin letter with a Cyrillic look-alike replaced by it
	KindNFD          = "nfd"           // the id decomposed (é as e + U+0301)
	KindNFC          = "nfc"           // the id composed
	KindLeadingSpace = "leading-space" // "%20" before the id
	KindInnerSpace   = "inner-space"   // the first space inside the id doubled
)

var textKindSpecs = []kindSpec{
	{KindFullwidth, groupScript, textKey, rewriteCore(fullwidth)},
	{KindHomoglyph, groupScript, func(b string) bool { return textKey(b) && homoglyph(b) != b }, rewriteCore(homoglyph)},
	{KindNFD, groupScript, func(b string) bool { return norm.NFD.String(b) != b }, rewriteCore(norm.NFD.String)},
	{KindNFC, groupScript, func(b string) bool { return norm.NFC.String(b) != b }, rewriteCore(norm.NFC.String)},
	{KindLeadingSpace, groupSpace, textKey, func(p *wireParts, _ int) (int, bool) {
		p.prefix += "%20"
		return 0, true
	}},
	{KindInnerSpace, groupSpace, func(b string) bool { return strings.Contains(strings.TrimSpace(b), " ") },
		rewriteCore(doubleInnerSpace)},
}

// textKey is true for an id written in words rather than numbers or a
// UUID: it holds a letter and is not a UUID, so the text kinds are not
// spent on ids no handler folds.
func textKey(s string) bool {
	if idUUIDShape(s) {
		return false
	}
	return strings.IndexFunc(s, unicode.IsLetter) >= 0
}

// idUUIDShape is 8-4-4-4-12 hexadecimal digits.
func idUUIDShape(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if c != '-' {
				return false
			}
		case (c < '0' || c > '9') && (c|0x20 < 'a' || c|0x20 > 'f'):
			return false
		}
	}
	return true
}

// rewriteCore applies f to the id while it is still plain text; an
// encoding already applied (a later group never runs first) leaves it.
func rewriteCore(f func(string) string) func(*wireParts, int) (int, bool) {
	return func(p *wireParts, _ int) (int, bool) {
		if p.encoded {
			return 0, false
		}
		out := f(p.core)
		changed := out != p.core
		p.core = out
		return 0, changed
	}
}

// fullwidth writes ASCII letters and digits as their fullwidth forms
// (U+FF10..U+FF5A), which NFKC maps back to ASCII.
func fullwidth(s string) string {
	var sb strings.Builder
	for _, r := range s {
		if r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			r += 0xFEE0
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

// cyrillicLookAlike maps Latin letters to the Cyrillic letters drawn the
// same (Unicode's confusables), which transliteration maps back.
var cyrillicLookAlike = map[rune]rune{
	'a': 'а', 'c': 'с', 'e': 'е', 'i': 'і', 'j': 'ј', 'o': 'о', 'p': 'р', 's': 'ѕ', 'x': 'х', 'y': 'у',
	'A': 'А', 'B': 'В', 'C': 'С', 'E': 'Е', 'H': 'Н', 'K': 'К', 'M': 'М', 'O': 'О', 'P': 'Р', 'T': 'Т', 'X': 'Х',
}

// homoglyph replaces the first letter that has a Cyrillic look-alike: one
// is what a spoofed name needs, and it reads the same.
func homoglyph(s string) string {
	for i, r := range s {
		if c, ok := cyrillicLookAlike[r]; ok {
			return s[:i] + string(c) + s[i+utf8.RuneLen(r):]
		}
	}
	return s
}

// doubleInnerSpace doubles the first space that follows a non-space, as a
// handler that collapses runs of whitespace reads the same.
func doubleInnerSpace(s string) string {
	lead := len(s) - len(strings.TrimLeft(s, " "))
	i := strings.IndexByte(s[lead:], ' ')
	if i < 0 {
		return s
	}
	i += lead
	return s[:i] + " " + s[i:]
}
