package engine

import (
	"net/http"
	"testing"

	"github.com/bolaharness/bolaharness/harness/client"
	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/plan"
	"github.com/bolaharness/bolaharness/harness/spec"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func mustJSON(t *testing.T, s string) any {
	t.Helper()
	v, ok := DecodeJSON([]byte(s))
	require.True(t, ok, s)
	return v
}

func hitValues(hits []IdHit) []string {
	out := []string{}
	for _, h := range hits {
		out = append(out, h.Value)
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
			doc, ok := DecodeJSON([]byte(tt.body))
			if tt.want == nil {
				assert.False(t, ok, "leading zeros are not JSON")
				return
			}
			require.True(t, ok)
			assert.Equal(t, tt.want, hitValues(ExtractIDs(doc, tt.steps)))
		})
	}
}

// TestExtractIDs_ItemIsTheHolder: ownership is judged on the object that
// holds the id, not on the whole page.
func TestExtractIDs_ItemIsTheHolder(t *testing.T) {
	doc := mustJSON(t, `{"data":[{"id":1,"owner":"a@x.test"},{"id":2,"owner":"b@x.test"}]}`)
	hits := ExtractIDs(doc, []string{"data", "*", "id"})
	require.Len(t, hits, 2)
	assert.Equal(t, "b@x.test", hits[1].Item["owner"])
}

func TestNextPage(t *testing.T) {
	withCursor := plan.HarvestCall{Op: spec.Operation{Params: []spec.Param{{Name: "cursor", In: "query"}}}}
	stripe := plan.HarvestCall{Op: spec.Operation{Params: []spec.Param{{Name: "starting_after", In: "query"}, {Name: "limit", In: "query"}}}}
	bare := plan.HarvestCall{}
	const cur = "http://127.0.0.1:9/v1/items?limit=2"
	tests := []struct {
		name   string
		call   plan.HarvestCall
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
			x := client.Exchange{Header: http.Header{}}
			if tt.header != "" {
				x.Header.Set("Link", tt.header)
			}
			assert.Equal(t, tt.want, NextPage(tt.call, cur, x, mustJSON(t, tt.body)))
		})
	}
}

func harvestUsers() []config.User {
	return []config.User{
		{Name: "alice", Identity: map[string]string{"id": "11", "email": "alice@wallet.test"}},
		{Name: "bob", Identity: map[string]string{"id": "12", "email": "bob@wallet.test", "name": "Bob Brandt"}},
	}
}

// TestItemOwners: which configured users an object's owner fields name.
func TestItemOwners(t *testing.T) {
	h := &Harvester{S: &Scan{Cfg: &config.Config{Users: harvestUsers()}}, Exclude: map[string]bool{"accountid": true}}
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
			assert.Equal(t, tt.want, h.ItemOwners(item))
		})
	}
}

// TestSightings_Decide pins the ownership rules.
func TestSightings_Decide(t *testing.T) {
	ev := func(op, user string, named ...string) SightingEvent {
		return SightingEvent{Op: op, User: user, Named: named}
	}
	scope := func(op, user string, named ...string) SightingEvent {
		return SightingEvent{Op: op, User: user, Named: named, Variant: true}
	}
	tests := []struct {
		name   string
		events []SightingEvent
		// others are ids the same listings showed besides "7", which tell
		// a per-user listing (users see different ids) from a public one.
		others map[string][]string
		want   Verdict
	}{
		{"seen in one user's listing", []SightingEvent{ev("GET /ps", "alice")}, nil,
			Verdict{Owner: "alice", Readers: []string{}}},
		{"seen in two users' listings, no owner field: shared, nobody's", []SightingEvent{ev("GET /ps", "alice"), ev("GET /ps", "bob")},
			map[string][]string{"alice": {"8"}, "bob": {"9"}}, Verdict{Shared: []string{"alice", "bob"}}},
		{"an owner field names another user of a per-user listing: the owner's, readable by the caller",
			[]SightingEvent{ev("GET /ws", "alice", "alice"), ev("GET /ws", "bob", "alice")}, map[string][]string{"bob": {"9"}},
			Verdict{Owner: "alice", Readers: []string{"bob"}}},
		{"a public list: everyone sees the same ids, the owner field decides and grants nothing",
			[]SightingEvent{ev("GET /docs", "alice", "bob"), ev("GET /docs", "bob", "bob"), ev("GET /docs", "carol", "bob")}, nil,
			Verdict{Owner: "bob", Readers: []string{}}},
		{"owner fields disagree", []SightingEvent{ev("GET /ps", "alice", "alice"), ev("GET /ps", "bob", "bob")},
			map[string][]string{"alice": {"8"}}, Verdict{Shared: []string{"alice", "bob"}}},
		{"a team object names the caller among others", []SightingEvent{ev("GET /ps", "alice", "alice", "bob")}, nil,
			Verdict{Owner: "alice", Readers: []string{}}},
		{"a scope variant shows another user's object: readable, not claimed",
			[]SightingEvent{ev("GET /exp", "bob"), scope("GET /exp", "alice")}, map[string][]string{"alice": {"8"}},
			Verdict{Owner: "bob", Readers: []string{"alice"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewSightings()
			for _, e := range tt.events {
				s.Add("p", "7", e)
			}
			for user, ids := range tt.others {
				for _, id := range ids {
					s.Add("p", id, ev(tt.events[0].Op, user))
				}
			}
			s.Settle()
			assert.Equal(t, tt.want, s.Decide(s.M["p"]["7"]))
		})
	}
}

// TestSightings_Parents: a nested listing is called with the user's own
// parents first, then those its per-user listings show, never with ids only
// a public list shows.
func TestSightings_Parents(t *testing.T) {
	s := NewSightings()
	s.Add("slug", "brightlabs", SightingEvent{Op: "GET /ws", User: "bob", Named: []string{"bob"}})
	s.Add("slug", "launch", SightingEvent{Op: "GET /ws", User: "bob", Named: []string{"alice"}})
	s.Add("slug", "launch", SightingEvent{Op: "GET /ws", User: "alice", Named: []string{"alice"}})
	s.Add("slug", "acme", SightingEvent{Op: "GET /ws", User: "alice", Named: []string{"alice"}})
	for _, u := range []string{"alice", "bob"} {
		s.Add("doc", "d-a", SightingEvent{Op: "GET /docs", User: u, Named: []string{"alice"}})
		s.Add("doc", "d-b", SightingEvent{Op: "GET /docs", User: u, Named: []string{"bob"}})
	}
	s.Settle()
	tests := []struct {
		param, user string
		own, others []string
	}{
		{"slug", "bob", []string{"brightlabs"}, []string{"launch"}},
		{"slug", "alice", []string{"launch", "acme"}, nil},
		{"doc", "bob", []string{"d-b"}, nil},
	}
	for _, tt := range tests {
		own, others := s.Parents(tt.param, tt.user)
		assert.Equal(t, tt.own, own, "%s %s", tt.param, tt.user)
		assert.Equal(t, tt.others, others, "%s %s", tt.param, tt.user)
	}
}

func TestParseHarvest(t *testing.T) {
	var off bool
	require.NoError(t, config.ParseHarvest("false", &off))
	assert.True(t, off)
	require.NoError(t, config.ParseHarvest("true", &off))
	assert.False(t, off)
	err := config.ParseHarvest("maybe", &off)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "harvest: false")
}
