package words

import (
	"strings"
	"unicode"
)

// WordSet is a set of words, for membership tests on NameWords.
func WordSet(ws ...string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[w] = true
	}
	return m
}

// nameWords splits a parameter name into lower-case words at separators and
// camelCase boundaries: "invoiceID" → invoice id, "api-version" → api version.
func NameWords(name string) []string {
	var ws []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			ws = append(ws, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	rs := []rune(name)
	for i, r := range rs {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			flush()
			continue
		}
		if unicode.IsUpper(r) && len(cur) > 0 {
			prev := rs[i-1]
			nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
			if unicode.IsLower(prev) || unicode.IsDigit(prev) || (unicode.IsUpper(prev) && nextLower) {
				flush()
			}
		}
		cur = append(cur, r)
	}
	flush()
	return ws
}

// ownerNouns name a person or tenant: the one list behind every owner rule,
// for parameter names (OwnerLikeName) and for response fields (OwnerLikeKey,
// which also takes them as prefixes of folded keys).
var ownerNouns = []string{"owner", "user", "username", "customer", "account", "tenant", "member",
	"author", "creator", "login", "uploader", "sender", "recipient", "patient", "employee"}

// ownerNameWords are the owner nouns as a set, for name words.
var ownerNameWords = WordSet(ownerNouns...)

// ownerTails are the last words that make "<owner word> … <tail>" an owner
// reference: user_id, owner_email, account_number, customer_name.
var ownerTails = WordSet("id", "uuid", "guid", "gid", "name", "username", "email", "login", "number", "no", "key", "ref", "handle")

// ownerLikeName reports whether a parameter name refers to an owner: an
// owner word alone (`owner`, `username`), an owner word followed by an
// id-like tail (`user_id`, `fromAccountId`, `X-Account-Id`), or a `…_by`
// field (`created_by`, `owned_by`).
func OwnerLikeName(name string) bool {
	ws := NameWords(name)
	if len(ws) > 1 && ws[0] == "x" {
		ws = ws[1:] // X-Account-Id: the header prefix says nothing
	}
	switch n := len(ws); {
	case n == 0:
		return false
	case n == 1:
		return ownerNameWords[ws[0]]
	case n == 2 && ws[1] == "by":
		return true
	default:
		if !ownerTails[ws[n-1]] {
			return false
		}
		for _, w := range ws[:n-1] {
			if ownerNameWords[w] {
				return true
			}
		}
		return false
	}
}
