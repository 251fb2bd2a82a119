package engine

import (
	"testing"

	"github.com/bolaharness/bolaharness/harness/client"
	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/mutate"
	"github.com/bolaharness/bolaharness/harness/plan"
	"github.com/bolaharness/bolaharness/harness/spec"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPlaceText(t *testing.T) {
	num := spec.IDParam{Param: spec.Param{Name: "/owner_id", In: spec.InBody, Schema: typedParam("x", "", "integer", "").Schema}}
	str := spec.IDParam{Param: spec.Param{Name: "/username", In: spec.InBody, Schema: strParam("x", "").Schema}}
	query := spec.IDParam{Param: spec.Param{Name: "threadId", In: "query"}}
	header := spec.IDParam{Param: spec.Param{Name: "X-Account-Id", In: "header"}}
	tests := []struct {
		name string
		p    spec.IDParam
		wire string
		want string
		ok   bool
	}{
		{"query keeps encodings", query, "%2538", "%2538", true},
		{"query escapes a plus, or it is a space", query, "+8", "%2B8", true},
		{"query escapes & and =", query, "8&admin=1", "8%26admin%3D1", true},
		{"header decodes", header, "%2B20", "+20", true},
		{"header refuses a NUL", header, "20%00", "", false},
		{"header refuses empty", header, "%20", "", false},
		{"body number", num, "12", "12", true},
		{"body float is still a number", num, "12.0", "12.0", true},
		{"body leading zeros become a string", num, "012", `"012"`, true},
		{"body plus sign becomes a string", num, "+12", `"+12"`, true},
		{"body string field", str, "bob", `"bob"`, true},
		{"body NUL is a JSON escape", str, "bob%00", `"bob\u0000"`, true},
		{"body invalid UTF-8 is refused", str, "bob%FF", "", false},
		{"path keeps the wire", spec.IDParam{Param: spec.Param{Name: "id", In: "path"}}, "%2F8", "%2F8", true},
	}
	for _, tt := range tests {
		got, ok := mutate.PlaceText(tt.p, tt.wire, "12")
		assert.Equal(t, tt.ok, ok, tt.name)
		if tt.ok {
			assert.Equal(t, tt.want, got, tt.name)
		}
	}
}

func TestPointers(t *testing.T) {
	doc, err := mutate.ReadJSONDoc([]byte(`{"filter": {"owner_id": 1, "x": "y"}, "q": "a"}`))
	require.NoError(t, err)
	doc = mutate.SetPointer(doc, "/filter/owner_id", mutate.RawJSON("2"))
	doc = mutate.SetPointer(doc, "/new/deep", "v")
	doc = mutate.RemovePointer(doc, "/q")
	data, err := mutate.EncodeJSON(doc)
	require.NoError(t, err)
	assert.JSONEq(t, `{"filter": {"owner_id": 2, "x": "y"}, "new": {"deep": "v"}}`, string(data))
	assert.Equal(t, "y", mutate.GetPointer(doc, "/filter/x"))
	assert.Nil(t, mutate.GetPointer(doc, "/missing/x"))
}

func TestExampleBody(t *testing.T) {
	s := loadPlaces(t)
	body, ok := mutate.ExampleBody(findOp(t, s, "POST /search"))
	require.True(t, ok)
	data, err := mutate.EncodeJSON(body)
	require.NoError(t, err)
	assert.JSONEq(t, `{"owner_id": 1, "query": "tax"}`, string(data),
		"required fields get a placeholder, examples are used, read-only and optional fields without one are left out")
	_, ok = mutate.ExampleBody(findOp(t, s, "GET /messages"))
	assert.False(t, ok)
}

// placesScan is a scan of the places test spec that sends nothing.
func placesScan(t *testing.T, methods ...string) (*Scan, plan.Plan) {
	t.Helper()
	spec := loadPlaces(t)
	cfg := &config.Config{Cases: 40, Methods: methods, Users: []config.User{
		{Name: "alice", Identity: map[string]string{"id": "11", "email": "alice@p.test"},
			Owns: map[string][]string{"threadId": {"900"}, "X-Account-Id": {"10"}, "docId": {"D-1"}, "username": {"alice"}}},
		{Name: "bob", Identity: map[string]string{"id": "12", "email": "bob@p.test"},
			Owns: map[string][]string{"threadId": {"901"}, "x-account-id": {"20"}, "docId": {"D-2"}, "username": {"bob"}}},
	}}
	s := &Scan{Cfg: cfg, Spec: spec, baseURL: "http://api.test", seed: 7}
	return s, plan.BuildPlan(spec, plan.PlanOptions{Methods: methods})
}

func placesGroup(t *testing.T, s *Scan, plan plan.Plan, op, param string) *group {
	t.Helper()
	for _, po := range plan.Operations {
		if po.Operation != op {
			continue
		}
		for _, p := range po.IDs {
			if p.Name == param {
				return newGroup(s, po, p, &s.Cfg.Users[0], &s.Cfg.Users[1])
			}
		}
	}
	require.Failf(t, "no such parameter", "%s %s", op, param)
	return nil
}

func TestGroupRequest_Places(t *testing.T) {
	s, plan := placesScan(t, "GET", "POST")
	tests := []struct {
		op, param string
		c         func(g *group) mutate.Case
		url       string
		header    string
		body      string
	}{
		{"GET /messages", "threadId", func(g *group) mutate.Case { return g.PlainCase("901") },
			"http://api.test/messages?threadId=901", "", ""},
		{"GET /messages", "threadId", func(g *group) mutate.Case {
			c := g.PlainCase("901")
			c.Placement, c.Mine = mutate.PlaceDuplicateMineFirst, "900"
			return c
		}, "http://api.test/messages?threadId=900&threadId=901", "", ""},
		{"GET /messages", "threadId", func(g *group) mutate.Case {
			c := g.PlainCase("901")
			c.Placement, c.Mine = mutate.PlaceDuplicateTheirsFirst, "900"
			return c
		}, "http://api.test/messages?threadId=901&threadId=900", "", ""},
		{"GET /messages", "threadId", func(g *group) mutate.Case {
			c := g.PlainCase("901")
			c.Placement = mutate.PlaceArrayParam
			return c
		}, "http://api.test/messages?threadId[]=901", "", ""},
		{"GET /account", "X-Account-Id", func(g *group) mutate.Case { return g.PlainCase("20") },
			"http://api.test/account", "X-Account-Id: 20", ""},
		{"POST /search", "/owner_id", func(g *group) mutate.Case { return g.PlainCase("12") },
			"http://api.test/search", "", `{"owner_id":12,"query":"tax"}`},
		{"POST /search", "/owner_id", func(g *group) mutate.Case {
			c := g.PlainCase("12")
			c.Placement, c.Mine = mutate.PlaceJSONList, "11"
			return c
		}, "http://api.test/search", "", `{"owner_id":[11,12],"query":"tax"}`},
		{"GET /notifications", "user_id", func(g *group) mutate.Case { return g.PlainCase("12") },
			"http://api.test/notifications?user_id=12", "", ""},
	}
	for _, tt := range tests {
		g := placesGroup(t, s, plan, tt.op, tt.param)
		require.Empty(t, g.why, tt.op)
		r := g.request(tt.c(g), g.fill, via{}, nil)
		assert.Equal(t, tt.url, r.URL, tt.op)
		assert.Equal(t, tt.header, joinLines(client.HeaderLines(r.Header)), tt.op)
		if tt.body == "" {
			assert.Nil(t, r.Body, tt.op)
		} else {
			assert.JSONEq(t, tt.body, string(r.Body), tt.op)
		}
	}
}

func joinLines(lines []string) string {
	out := ""
	for i, l := range lines {
		if i > 0 {
			out += "\n"
		}
		out += l
	}
	return out
}

func TestIdsOf(t *testing.T) {
	u := &config.User{Name: "bob", Identity: map[string]string{"id": "12", "username": "bob", "email": "bob@p.test", "accountId": "A-9"},
		Owns: map[string][]string{"threadId": {"901"}, "x-account-id": {"20"}, "owner_id": {"77"}}}
	q := func(name string) spec.IDParam { return spec.IDParam{Param: spec.Param{Name: name, In: "query"}} }
	body := func(ptr string) spec.IDParam { return spec.IDParam{Param: spec.Param{Name: ptr, In: spec.InBody}} }
	tests := []struct {
		name string
		p    spec.IDParam
		want []string
	}{
		{"owns by name", q("threadId"), []string{"901"}},
		{"a header's owns key in any case", spec.IDParam{Param: spec.Param{Name: "X-Account-Id", In: "header"}}, []string{"20"}},
		{"a body field's owns by key", body("/owner_id"), []string{"77"}},
		{"an owner id takes the identity id", q("user_id"), []string{"12"}},
		{"a username the identity username", body("/filter/username"), []string{"bob"}},
		{"an email the identity email", q("owner_email"), []string{"bob@p.test"}},
		{"the key that reads alike wins", q("account_id"), []string{"A-9"}},
		{"the added parameter", spec.IDParam{Param: spec.Param{Name: spec.AddedParamName, In: "query"}}, []string{"12"}},
		{"not an owner reference: nothing", q("thread_ref"), nil},
		{"a path id naming a user takes the identity id", spec.IDParam{Param: spec.Param{Name: "user_id", In: "path"}}, []string{"12"}},
		{"a path username the identity username", spec.IDParam{Param: spec.Param{Name: "username", In: "path"}}, []string{"bob"}},
		{"a path id naming no user comes from owns only", spec.IDParam{Param: spec.Param{Name: "invoice_id", In: "path"}}, nil},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, idsOf(u, tt.p), tt.name)
	}
	assert.Nil(t, ownedIDs(u, q("user_id")), "writes never take identity values")
}
