package oracle

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/bolaharness/bolaharness/harness/client"
	"github.com/bolaharness/bolaharness/harness/jsonbody"
	"github.com/bolaharness/bolaharness/harness/words"
)

// maxEvidence bounds the evidence kept per verdict: a few paths prove a
// leak, a thousand only bury it.
const maxEvidence = 8

// exclusions are values that cannot be evidence: what the request itself
// carried (echoes), what marks the attacker, and what the attacker's own
// objects also hold.
type exclusions struct {
	sent    map[string]bool // lower-cased texts the request carried
	values  map[string]bool // attacker identity and the owner/strong values of its own objects
	content map[string]bool // every value of the attacker's own objects
}

func newExclusions(t Trial) exclusions {
	ex := exclusions{sent: sentSet(t.Sent), values: identitySet(t.Attacker), content: map[string]bool{}}
	for _, own := range t.AttackerOwn {
		if own.Err != "" || own.Status < 200 || own.Status > 299 {
			continue
		}
		b := jsonbody.Parse(own.Body)
		if !b.JSON {
			// A text answer is compared whole (textContentEvidence).
			ex.content[strings.ToLower(string(bytes.TrimSpace(own.Body)))] = true
		}
		for _, l := range b.Leaves {
			lv := strings.ToLower(l.Value)
			ex.content[lv] = true
			if words.OwnerLikeLeaf(l) || words.StrongKind(l.Value) != "" {
				ex.values[lv] = true
			}
		}
	}
	return ex
}

func sentSet(sent []string) map[string]bool {
	m := make(map[string]bool, len(sent))
	for _, s := range sent {
		if s = strings.ToLower(strings.TrimSpace(s)); s != "" {
			m[s] = true
		}
	}
	return m
}

func identitySet(p Party) map[string]bool {
	m := make(map[string]bool, len(p.Identity))
	for _, v := range p.Identity {
		if v = strings.ToLower(strings.TrimSpace(v)); v != "" {
			m[v] = true
		}
	}
	return m
}

// identityEvidence finds p's identity values in the body: in an owner-like
// field any value counts; elsewhere only strong ones (emails, UUIDs, long
// unique strings). Inside an access-denied body, error messages are skipped.
func identityEvidence(b jsonbody.Parsed, p Party, ex exclusions, denied bool) []Evidence {
	keys := make([]string, 0, len(p.Identity))
	for k := range p.Identity {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []Evidence
	seen := map[string]bool{}
	add := func(e Evidence) {
		if !seen[e.Path+"\x00"+e.Value] && len(out) < maxEvidence {
			seen[e.Path+"\x00"+e.Value] = true
			out = append(out, e)
		}
	}
	for _, key := range keys {
		val := strings.TrimSpace(p.Identity[key])
		lv := strings.ToLower(val)
		if lv == "" || ex.sent[lv] || ex.values[lv] {
			continue
		}
		strong := words.StrongKind(val)
		if !b.JSON && strong != "" && bytes.Contains(bytes.ToLower(b.Raw), []byte(lv)) {
			add(Evidence{Path: "body", Value: val, Why: fmt.Sprintf("%s's identity %s (%s) in the body", p.Name, key, strong)})
		}
		for _, l := range b.Leaves { // JSON leaves and header leaves
			if denied && words.ErrorKeys[words.NormKey(l.Key)] {
				continue
			}
			if e, ok := matchIdentity(l, p.Name, key, lv, strong); ok {
				add(e)
			}
		}
	}
	return out
}

// matchIdentity decides whether one leaf carries one identity value.
func matchIdentity(l jsonbody.Leaf, name, key, lv, strong string) (Evidence, bool) {
	lval := strings.ToLower(strings.TrimSpace(l.Value))
	switch {
	case lval == lv && words.OwnerLikeLeaf(l):
		return Evidence{Path: l.Path, Value: l.Value, Why: fmt.Sprintf("%s's identity %s in an owner field", name, key)}, true
	case strong != "" && lval == lv:
		return Evidence{Path: l.Path, Value: l.Value, Why: fmt.Sprintf("%s's identity %s (%s)", name, key, strong)}, true
	case strong != "" && l.Kind == 's' && strings.Contains(lval, lv):
		return Evidence{Path: l.Path, Value: truncate(l.Value, 120), Why: fmt.Sprintf("contains %s's identity %s (%s)", name, key, strong)}, true
	}
	return Evidence{}, false
}

// hasStrong reports whether the evidence holds a value unlikely by chance.
func hasStrong(ev []Evidence) bool {
	for _, e := range ev {
		if strings.Contains(e.Why, "identity") && words.StrongKind(e.Value) != "" {
			return true
		}
	}
	return false
}

var indexRe = regexp.MustCompile(`\[[0-9]+\]`)

// contentEvidence compares the attack response with the victim's own
// response for the object: the values that distinguish the victim's object
// from the attacker's own objects must come back to the attacker.
func contentEvidence(attack, control jsonbody.Parsed, ex exclusions, victim, attacker string) []Evidence {
	if !attack.JSON || !control.JSON {
		return textContentEvidence(attack, control, ex, victim, attacker)
	}
	var distinct []jsonbody.Leaf
	for _, l := range control.Leaves {
		lv := strings.ToLower(strings.TrimSpace(l.Value))
		if l.Kind == 'b' || l.Kind == 'z' || len(lv) < 2 || ex.content[lv] || ex.sent[lv] {
			continue
		}
		distinct = append(distinct, l)
	}
	if len(distinct) == 0 {
		return nil
	}
	got := map[string]bool{}
	for _, l := range attack.Leaves {
		got[indexRe.ReplaceAllString(l.Path, "[]")+"\x00"+l.Value] = true
	}
	var matched []jsonbody.Leaf
	for _, l := range distinct {
		if got[indexRe.ReplaceAllString(l.Path, "[]")+"\x00"+l.Value] {
			matched = append(matched, l)
		}
	}
	n := len(matched)
	why := fmt.Sprintf("content of %s's own response, absent from %s's objects (%d of %d distinguishing values)", victim, attacker, n, len(distinct))
	if !((n >= 2 && 3*n >= len(distinct)) || (n >= 1 && len(distinct) <= 2 && len(matched[0].Value) >= 3)) {
		// Another route or version may shape the same data differently
		// ({"items":[{"id":…}]} against {"results":[{"key_id":…}]}): fall
		// back to values unlikely by chance, wherever they stand.
		matched = specificMatches(distinct, attack)
		if n = len(matched); n < 2 {
			return nil
		}
		why = fmt.Sprintf("values of %s's own response, absent from %s's objects, found at other paths (%d specific values)", victim, attacker, n)
	}
	var out []Evidence
	for _, l := range matched {
		if len(out) == maxEvidence {
			break
		}
		out = append(out, Evidence{Path: l.Path, Value: truncate(l.Value, 120), Why: why})
	}
	return out
}

// specificMatches are the distinguishing leaves whose values are unlikely
// by chance (strongKind) and stand anywhere in the attack response.
func specificMatches(distinct []jsonbody.Leaf, attack jsonbody.Parsed) []jsonbody.Leaf {
	want := map[string]bool{}
	for _, l := range distinct {
		if words.StrongKind(l.Value) != "" {
			want[l.Value] = true
		}
	}
	var out []jsonbody.Leaf
	for _, l := range attack.Leaves {
		if want[l.Value] {
			delete(want, l.Value) // each value once, at the attack's own path
			out = append(out, l)
		}
	}
	return out
}

// textContentEvidence handles bodies that are not JSON: the whole answer must
// equal the victim's own and differ from every answer of the attacker's.
func textContentEvidence(attack, control jsonbody.Parsed, ex exclusions, victim, attacker string) []Evidence {
	a, c := bytes.TrimSpace(attack.Raw), bytes.TrimSpace(control.Raw)
	if len(a) < 16 || !bytes.Equal(a, c) || ex.content[strings.ToLower(string(a))] {
		return nil
	}
	if words.DeniedText(string(a)) != "" {
		return nil
	}
	return []Evidence{{Path: "body", Value: truncate(string(a), 120),
		Why: fmt.Sprintf("identical to %s's own response and unlike %s's objects", victim, attacker)}}
}

// deniedBody returns what marks a 2xx body as an access-denied answer, or "".
func deniedBody(b jsonbody.Parsed) string {
	if !b.JSON {
		if len(b.Raw) < 64<<10 {
			if w := words.DeniedText(string(b.Raw)); w != "" {
				return fmt.Sprintf("the text says %q", w)
			}
		}
		return ""
	}
	for _, l := range b.Leaves {
		if strings.Count(l.Path, ".") > 2 {
			continue // only the envelope: a denial is not buried in the data
		}
		k := words.NormKey(l.Key)
		switch {
		case (k == "ok" || k == "success" || k == "allowed" || k == "authorized") && l.Value == "false":
			return fmt.Sprintf("%s is false", l.Path)
		case words.ErrorKeys[k] && l.Kind == 's' && words.DeniedText(l.Value) != "":
			return fmt.Sprintf("%s says %q", l.Path, truncate(l.Value, 60))
		case (k == "error" || k == "errors") && l.Value != "" && l.Value != "false":
			return fmt.Sprintf("%s is set", l.Path)
		}
	}
	return ""
}

// strangerOwners lists owner fields that hold strong values of nobody
// configured: the object is someone's, but no control can be had.
func strangerOwners(b jsonbody.Parsed) []Evidence {
	var out []Evidence
	for _, l := range b.Leaves {
		if len(out) == maxEvidence {
			break
		}
		if words.OwnerLikeLeaf(l) && l.Kind == 's' {
			if k := words.StrongKind(l.Value); k == "email" || k == "uuid" || k == "phone" {
				out = append(out, Evidence{Path: l.Path, Value: l.Value, Why: "an owner field naming someone not configured (" + k + ")"})
			}
		}
	}
	return out
}

// samePeer reports whether another user got the very same answer.
func samePeer(a, p client.Exchange) bool {
	if p.Err != "" || p.Status != a.Status {
		return false
	}
	pa, pp := jsonbody.Parse(a.Body), jsonbody.Parse(p.Body)
	if pa.JSON && pp.JSON {
		if len(pa.Leaves) != len(pp.Leaves) {
			return false
		}
		for i := range pa.Leaves {
			if pa.Leaves[i] != pp.Leaves[i] {
				return false
			}
		}
		return true
	}
	return bytes.Equal(bytes.TrimSpace(a.Body), bytes.TrimSpace(p.Body))
}

// truncate shortens s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && (s[n]&0xC0) == 0x80 {
		n--
	}
	return s[:n] + "…"
}
