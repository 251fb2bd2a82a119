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
			assert.Equal(t, tt.want, h.itemOwners(item, "alice"))
		})
	}
}

// TestSightings_Decide pins the ownership rules.
func TestSightings_Decide(t *testing.T) {
	type seen struct {
		caller string
		named  []string
	}
	tests := []struct {
		name   string
		seen   []seen
		owner  string
		shared []string
	}{
		{"seen in one user's listing", []seen{{"alice", nil}}, "alice", nil},
		{"seen in two users' listings: shared", []seen{{"alice", nil}, {"bob", nil}}, "", []string{"alice", "bob"}},
		{"an owner field names another user", []seen{{"alice", []string{"bob"}}}, "bob", nil},
		{"a public list: every user sees it, the owner field decides", []seen{{"alice", []string{"bob"}}, {"bob", []string{"bob"}}, {"carol", []string{"bob"}}}, "bob", nil},
		{"owner fields disagree", []seen{{"alice", []string{"alice"}}, {"bob", []string{"bob"}}}, "", []string{"alice", "bob"}},
		{"a team object names the caller among others", []seen{{"alice", []string{"alice", "bob"}}}, "alice", nil},
		{"a team object of others names no one", []seen{{"carol", []string{"alice", "bob"}}}, "", []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSightings()
			for _, x := range tt.seen {
				s.add("p", "7", "GET /ps", x.caller, x.named)
			}
			owner, shared := s.m["p"]["7"].decide()
			assert.Equal(t, tt.owner, owner)
			if tt.shared != nil {
				assert.Equal(t, tt.shared, shared)
			}
		})
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
