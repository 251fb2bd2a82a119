package mutate

import (
	"encoding/json"
	"net/url"
)

// Placements: how a case arranges an id outside the path, as Case.Placement
// and reports name them. Each tries what a handler that reads the parameter
// one way and checks it another gets wrong.
const (
	// PlaceDuplicateMineFirst sends the query parameter twice, the
	// attacker's own id first: ?id=mine&id=theirs (a check on the first
	// value, a lookup on the last).
	PlaceDuplicateMineFirst = "duplicate-param-mine-first"
	// PlaceDuplicateTheirsFirst is the other order: ?id=theirs&id=mine.
	PlaceDuplicateTheirsFirst = "duplicate-param-theirs-first"
	// PlaceArrayParam sends the query parameter in array form: ?id[]=theirs.
	PlaceArrayParam = "array-param"
	// PlaceAddedParam adds a parameter the spec does not list:
	// ?user_id=<the victim's identity id> on a collection.
	PlaceAddedParam = "added-param"
	// PlaceJSONList turns a body field's scalar into a list, the attacker's
	// own id first: {"user_id": [mine, theirs]}.
	PlaceJSONList = "json-list"
	// PlaceJSONListTheirsFirst is the other order: {"user_id": [theirs, mine]}.
	PlaceJSONListTheirsFirst = "json-list-theirs-first"

	// placeOmit leaves the parameter out (a restore whose body already
	// names the owner); never a case of its own.
	PlaceOmit = "omit"
)

// isPlainSwap is a victim's id sent as it is, in its place: the case whose
// leak makes every variant redundant.
func IsPlainSwap(c Case) bool {
	return c.Source == SourceVictim && len(c.Transforms) == 0 && c.Placement == ""
}

// placedTexts are the texts a placed value carried, for the oracle's echo
// check: the value as sent and decoded (query text unescaped, a JSON
// string unquoted).
func PlacedTexts(placed string) []string {
	if placed == "" {
		return nil
	}
	out := []string{placed}
	if dec, err := url.QueryUnescape(placed); err == nil && dec != placed {
		out = append(out, dec)
	}
	var s string
	if err := json.Unmarshal([]byte(placed), &s); err == nil {
		out = append(out, s)
	}
	return out
}
