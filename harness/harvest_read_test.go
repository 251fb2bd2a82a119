package harness

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func mustJSON(t *testing.T, s string) any {
	t.Helper()
	v, ok := decodeJSON([]byte(s))
	require.True(t, ok, s)
	return v
}

func hitValues(hits []idHit) []string {
	out := []string{}
	for _, h := range hits {
		out = append(out, h.value)
	}
	return out
}

func TestExtractIDs(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		steps []string
		want  []string
	}{
		{"array body", `[{"id":"a"},{"id":"b"}]`, []string{"*", "id"}, []string{"a", "b"}},
		{"wrapped list", `{"data":[{"id":7},{"id":9}],"next_cursor":"x"}`, []string{"data", "*", "id"}, []string{"7", "9"}},
		{"leading zeros are not JSON: nothing is read", `[{"id":0102}]`, []string{"*", "id"}, nil},
		{"big numbers stay exact", `[{"id":9007199254740993}]`, []string{"*", "id"}, []string{"9007199254740993"}},
		{"the object itself", `{"id":11,"email":"a@x.test"}`, []string{"id"}, []string{"11"}},
		{"a link pointer reads every element of a list", `[{"ref":"w1"},{"ref":"w2"}]`, []string{"ref"}, []string{"w1", "w2"}},
		{"an index step", `{"data":[{"id":"first"},{"id":"second"}]}`, []string{"data", "0", "id"}, []string{"first"}},
		{"nested metadata", `{"items":[{"metadata":{"name":"ns1"}}]}`, []string{"items", "*", "metadata", "name"}, []string{"ns1"}},
		{"fallback: the spec says an array, the API wraps it", `{"data":[{"id":"x1"}]}`, []string{"*", "id"}, []string{"x1"}},
		{"fallback: the spec says a wrapper, the API sends an array", `[{"id":"y1"}]`, []string{"results", "*", "id"}, []string{"y1"}},
		{"not ids: booleans, objects, empty and padded strings", `[{"id":true},{"id":{"a":1}},{"id":""},{"id":" x"},{"id":null}]`, []string{"*", "id"}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, ok := decodeJSON([]byte(tt.body))
			if tt.want == nil {
				assert.False(t, ok, "leading zeros are not JSON")
				return
			}
			require.True(t, ok)
			assert.Equal(t, tt.want, hitValues(extractIDs(doc, tt.steps)))
		})
	}
}

// TestExtractIDs_ItemIsTheHolder: ownership is judged on the object that
// holds the id, not on the whole page.
func TestExtractIDs_ItemIsTheHolder(t *testing.T) {
	doc := mustJSON(t, `{"data":[{"id":1,"owner":"a@x.test"},{"id":2,"owner":"b@x.test"}]}`)
	hits := extractIDs(doc, []string{"data", "*", "id"})
	require.Len(t, hits, 2)
	assert.Equal(t, "b@x.test", hits[1].item["owner"])
}

func TestNextPage(t *testing.T) {
	withCursor := HarvestCall{op: Operation{Params: []Param{{Name: "cursor", In: "query"}}}}
	stripe := HarvestCall{op: Operation{Params: []Param{{Name: "starting_after", In: "query"}, {Name: "limit", In: "query"}}}}
	bare := HarvestCall{}
	const cur = "http://127.0.0.1:9/v1/items?limit=2"
	tests := []struct {
		name   string
		call   HarvestCall
		header string
		body   string
		want   string
	}{
		{"Link header", bare, `<http://127.0.0.1:9/v1/items?page=2>; rel="next", <http://127.0.0.1:9/v1/items?page=9>; rel="last"`, `[]`,
			"http://127.0.0.1:9/v1/items?page=2"},
		{"Link header to another path is not followed", bare, `<http://127.0.0.1:9/logout>; rel="next"`, `[]`, ""},
		{"next URL in the body, relative", bare, "", `{"next":"/v1/items?page=3"}`, "http://127.0.0.1:9/v1/items?page=3"},
		{"next URL on another host", bare, "", `{"links":{"next":"http://evil.test/v1/items?page=3"}}`, ""},
		{"next URL to another operation", bare, "", `{"next":"/admin/createdb"}`, ""},
		{"a cursor sent back in the declared parameter", withCursor, "", `{"data":[],"next_cursor":"abc"}`,
			"http://127.0.0.1:9/v1/items?cursor=abc&limit=2"},
		{"a cursor but no cursor parameter declared", bare, "", `{"next_cursor":"abc"}`, ""},
		{"no more pages", withCursor, "", `{"data":[{"id":1}]}`, ""},
		{"stripe has_more", stripe, "", `{"data":[{"id":"cus_1"},{"id":"cus_2"}],"has_more":true}`,
			"http://127.0.0.1:9/v1/items?limit=2&starting_after=cus_2"},
		{"stripe without more", stripe, "", `{"data":[{"id":"cus_1"}],"has_more":false}`, ""},
		{"asana next_page.uri", bare, "", `{"data":[],"next_page":{"offset":"x","uri":"http://127.0.0.1:9/v1/items?offset=x"}}`,
			"http://127.0.0.1:9/v1/items?offset=x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := Exchange{Header: http.Header{}}
			if tt.header != "" {
				x.Header.Set("Link", tt.header)
			}
			assert.Equal(t, tt.want, nextPage(tt.call, cur, x, mustJSON(t, tt.body)))
		})
	}
}

func harvestUsers() []User {
	return []User{
		{Name: "alice", Identity: map[string]string{"id": "11", "email": "alice@wallet.test"}},
		{Name: "bob", Identity: map[string]string{"id": "12", "email": "bob@wallet.test", "name": "Bob Brandt"}},
	}
}

// TestItemOwners: which configured users an object's owner fields name.
func TestItemOwners(t *testing.T) {
	h := &harvester{s: &Scan{cfg: &Config{Users: harvestUsers()}}, exclude: map[string]bool{"accountid": true}}
	tests := []struct {
		name string
		item string
		want []string
	}{
		{"an email in an owner-like field", `{"id":1,"holder_email":"bob@wallet.test"}`, []string{"bob"}},
		{"a short id under owner", `{"id":1,"owner":{"id":12}}`, []string{"bob"}},
		{"a short id in owner_id", `{"id":1,"owner_id":11}`, []string{"alice"}},
		{"a short id in a field that feeds a parameter", `{"id":1,"account_id":12}`, []string{}},
		{"a short id in a field that names no owner", `{"id":12,"stock":11}`, []string{}},
		{"a long value in an owner-like field", `{"id":1,"customer":"Bob Brandt"}`, []string{"bob"}},
		{"several users (a team object)", `{"id":1,"members":["alice@wallet.test","bob@wallet.test"]}`, []string{"alice", "bob"}},
		{"a stranger", `{"id":1,"owner_email":"dave@wallet.test"}`, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			item := mustJSON(t, tt.item).(map[string]any)
			assert.Equal(t, tt.want, h.itemOwners(item))
		})
	}
}

// TestSightings_Decide pins the ownership rules.
func TestSightings_Decide(t *testing.T) {
	ev := func(op, user string, named ...string) sightingEvent {
		return sightingEvent{op: op, user: user, named: named}
	}
	scope := func(op, user string, named ...string) sightingEvent {
		return sightingEvent{op: op, user: user, named: named, variant: true}
	}
	tests := []struct {
		name   string
		events []sightingEvent
		// others are ids the same listings showed besides "7", which tell
		// a per-user listing (users see different ids) from a public one.
		others map[string][]string
		want   verdict
	}{
		{"seen in one user's listing", []sightingEvent{ev("GET /ps", "alice")}, nil,
			verdict{owner: "alice", readers: []string{}}},
		{"seen in two users' listings, no owner field: shared, nobody's", []sightingEvent{ev("GET /ps", "alice"), ev("GET /ps", "bob")},
			map[string][]string{"alice": {"8"}, "bob": {"9"}}, verdict{shared: []string{"alice", "bob"}}},
		{"an owner field names another user of a per-user listing: the owner's, readable by the caller",
			[]sightingEvent{ev("GET /ws", "alice", "alice"), ev("GET /ws", "bob", "alice")}, map[string][]string{"bob": {"9"}},
			verdict{owner: "alice", readers: []string{"bob"}}},
		{"a public list: everyone sees the same ids, the owner field decides and grants nothing",
			[]sightingEvent{ev("GET /docs", "alice", "bob"), ev("GET /docs", "bob", "bob"), ev("GET /docs", "carol", "bob")}, nil,
			verdict{owner: "bob", readers: []string{}}},
		{"owner fields disagree", []sightingEvent{ev("GET /ps", "alice", "alice"), ev("GET /ps", "bob", "bob")},
			map[string][]string{"alice": {"8"}}, verdict{shared: []string{"alice", "bob"}}},
		{"a team object names the caller among others", []sightingEvent{ev("GET /ps", "alice", "alice", "bob")}, nil,
			verdict{owner: "alice", readers: []string{}}},
		{"a scope variant shows another user's object: readable, not claimed",
			[]sightingEvent{ev("GET /exp", "bob"), scope("GET /exp", "alice")}, map[string][]string{"alice": {"8"}},
			verdict{owner: "bob", readers: []string{"alice"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSightings()
			for _, e := range tt.events {
				s.add("p", "7", e)
			}
			for user, ids := range tt.others {
				for _, id := range ids {
					s.add("p", id, ev(tt.events[0].op, user))
				}
			}
			s.settle()
			assert.Equal(t, tt.want, s.decide(s.m["p"]["7"]))
		})
	}
}

// TestSightings_Parents: a nested listing is called with the user's own
// parents first, then those its per-user listings show, never with ids only
// a public list shows.
func TestSightings_Parents(t *testing.T) {
	s := newSightings()
	s.add("slug", "brightlabs", sightingEvent{op: "GET /ws", user: "bob", named: []string{"bob"}})
	s.add("slug", "launch", sightingEvent{op: "GET /ws", user: "bob", named: []string{"alice"}})
	s.add("slug", "launch", sightingEvent{op: "GET /ws", user: "alice", named: []string{"alice"}})
	s.add("slug", "acme", sightingEvent{op: "GET /ws", user: "alice", named: []string{"alice"}})
	for _, u := range []string{"alice", "bob"} {
		s.add("doc", "d-a", sightingEvent{op: "GET /docs", user: u, named: []string{"alice"}})
		s.add("doc", "d-b", sightingEvent{op: "GET /docs", user: u, named: []string{"bob"}})
	}
	s.settle()
	tests := []struct {
		param, user string
		own, others []string
	}{
		{"slug", "bob", []string{"brightlabs"}, []string{"launch"}},
		{"slug", "alice", []string{"launch", "acme"}, nil},
		{"doc", "bob", []string{"d-b"}, nil},
	}
	for _, tt := range tests {
		own, others := s.parents(tt.param, tt.user)
		assert.Equal(t, tt.own, own, "%s %s", tt.param, tt.user)
		assert.Equal(t, tt.others, others, "%s %s", tt.param, tt.user)
	}
}

func TestParseHarvest(t *testing.T) {
	var off bool
	require.NoError(t, parseHarvest("false", &off))
	assert.True(t, off)
	require.NoError(t, parseHarvest("true", &off))
	assert.False(t, off)
	err := parseHarvest("maybe", &off)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "harvest: false")
}
