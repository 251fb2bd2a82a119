package plan

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/spec"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bolaharness/bolaharness/fixtures/harvest"
)

// harvestFixtureConfig is fixtures/harvest.yaml: tokens and identities only.
const harvestFixtureConfig = "../../fixtures/harvest.yaml"

func loadHarvestFixture(t *testing.T) (*spec.Spec, *config.Config) {
	t.Helper()
	cfg, err := config.LoadConfig(harvestFixtureConfig, noHarvestEnv)
	require.NoError(t, err)
	spec, err := spec.LoadSpec(cfg.Spec)
	require.NoError(t, err)
	require.Empty(t, spec.Warnings, "specs/harvest.yaml must validate")
	return spec, cfg
}

func noHarvestEnv(string) (string, bool) { return "", false }

// callFeeds indexes a plan's calls: operation → param → "field (match)".
func callFeeds(hp HarvestPlan) map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, c := range hp.Calls {
		out[c.Operation] = map[string]string{}
		for _, f := range c.Feeds {
			out[c.Operation][f.Param] = f.Field + " (" + f.Match + ")"
		}
	}
	return out
}

// TestPlanHarvest_Fixture: each listing of the fixture is planned with the
// field and the kind of match that feeds each id parameter.
func TestPlanHarvest_Fixture(t *testing.T) {
	spec, cfg := loadHarvestFixture(t)
	hp := PlanHarvest(spec, cfg)
	require.True(t, hp.Enabled, hp.Why)
	assert.Equal(t, map[string]map[string]string{
		"GET /me":                               {"user_id": "$.id (schema)"},
		"GET /cards":                            {"cardId": "$[*].id (schema)"},
		"GET /invoices":                         {"invoice_id": "$.data[*].id (path)"},
		"GET /accounts":                         {"account_id": "$[*].id (schema)"},
		"GET /accounts/{account_id}/statements": {"statement_id": "$[*].id (path)"},
		"GET /documents":                        {"document_id": "$[*].id (path)"},
		"GET /projects":                         {"project_id": "$[*].id (path)"},
		"GET /balance":                          {"wid": "$.ref (link)"},
	}, callFeeds(hp))
	for _, c := range hp.Calls {
		wantRound := 1
		if strings.Contains(c.Operation, "{") {
			wantRound = 2
		}
		assert.Equal(t, wantRound, c.Round, c.Operation)
	}
	assert.Equal(t, 7+DefaultHarvestParents, hp.RequestsPerUser)
	assert.Equal(t, CreationOffNote, hp.Creation, "methods [GET, HEAD]: nothing is created")
	assert.Empty(t, hp.Creations)
	for _, p := range hp.Params {
		assert.NotEmpty(t, p.Sources, "no listing feeds {%s}", p.Name)
	}
}

// TestPlanHarvest_RefusesEveryTrap: every trap GET of the fixture is refused
// with the reason, and none is called.
func TestPlanHarvest_RefusesEveryTrap(t *testing.T) {
	spec, cfg := loadHarvestFixture(t)
	hp := PlanHarvest(spec, cfg)
	refused := map[string]string{}
	for _, r := range hp.Refused {
		refused[r.Operation] = r.Why
	}
	want := map[string]string{
		"GET /admin/createdb":  `path segment "createdb" is the action "createdb"`,
		"GET /logout":          `path segment "logout" is the action "logout"`,
		"GET /sessions/reset":  `path segment "reset" is the action "reset"`,
		"GET /export/run":      `path segment "run" is the action "run"`,
		"GET /cache/purge":     `path segment "purge" is the action "purge"`,
		"GET /cards/sync":      `path segment "sync" is the action "sync"`,
		"GET /reports/monthly": `starts with the action "send"`,
		"GET /search":          `required query parameter "q" has no example`,
	}
	require.Len(t, harvest.Traps(), len(want))
	for _, trap := range harvest.Traps() {
		assert.Contains(t, refused[trap], want[trap], trap)
		for _, c := range hp.Calls {
			assert.NotEqual(t, trap, c.Operation)
		}
	}
}

// TestPlanHarvest_JSON: the plan marshals with the fields the CLI prints.
func TestPlanHarvest_JSON(t *testing.T) {
	spec, cfg := loadHarvestFixture(t)
	data, err := json.Marshal(PlanHarvest(spec, cfg))
	require.NoError(t, err)
	var back map[string]any
	require.NoError(t, json.Unmarshal(data, &back))
	for _, key := range []string{"enabled", "maxRequestsPerUser", "maxPages", "params", "calls", "refused", "creation"} {
		assert.Contains(t, back, key)
	}
	calls := back["calls"].([]any)
	first := calls[0].(map[string]any)
	assert.Contains(t, first, "feeds")
	assert.Contains(t, first, "operation")
}

// TestPlanHarvest_ConfigDecides: owns listed by every user take a parameter
// out of harvesting but still fill a nested listing's path; `harvest: false`
// and a config without GET turn harvesting off.
func TestPlanHarvest_ConfigDecides(t *testing.T) {
	spec, cfg := loadHarvestFixture(t)
	withAccounts := *cfg
	withAccounts.Users = append([]config.User(nil), cfg.Users...)
	for i := range withAccounts.Users {
		withAccounts.Users[i].Owns = map[string][]string{"account_id": {"700"}}
	}
	feeds := callFeeds(PlanHarvest(spec, &withAccounts))
	assert.NotContains(t, feeds, "GET /accounts", "every user lists account ids")
	assert.Contains(t, feeds, "GET /accounts/{account_id}/statements", "owns fill the parent")

	off := *cfg
	off.NoHarvest = true
	hp := PlanHarvest(spec, &off)
	assert.False(t, hp.Enabled)
	assert.Contains(t, hp.Why, "harvest: false")
	assert.Empty(t, hp.Calls)

	noGet := *cfg
	noGet.Methods = []string{"HEAD"}
	assert.Contains(t, PlanHarvest(spec, &noGet).Why, "do not include GET")

	all := *cfg
	all.Users = append([]config.User(nil), cfg.Users...)
	for i := range all.Users {
		all.Users[i].Owns = map[string][]string{}
		for _, p := range PlanHarvest(spec, cfg).Params {
			all.Users[i].Owns[p.Name] = []string{"1"}
		}
	}
	hp = PlanHarvest(spec, &all)
	assert.False(t, hp.Enabled)
	assert.Contains(t, hp.Why, "every user lists owns")
}

// harvestMiniSpec builds a spec from YAML paths and schemas.
func harvestMiniSpec(t *testing.T, paths, schemas string) *spec.Spec {
	t.Helper()
	doc := "openapi: 3.0.3\ninfo: {title: t, version: '1'}\nsecurity: [{b: []}]\npaths:\n" + paths +
		"components:\n  securitySchemes:\n    b: {type: http, scheme: bearer}\n  schemas:\n" + schemas
	spec, err := spec.LoadSpecData("mini.yaml", []byte(doc))
	require.NoError(t, err)
	return spec
}

// getOp writes one GET path item returning schema (a $ref or inline YAML).
func getOp(path, params, schema string) string {
	return "  " + path + ":\n    get:\n" + params +
		"      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: " + schema + "\n"
}

func pathParam(name string) string {
	return "      parameters:\n        - {name: " + name + ", in: path, required: true, schema: {type: string}}\n"
}

// TestPlanHarvest_Matching pins each way of matching on small specs.
func TestPlanHarvest_Matching(t *testing.T) {
	item := func(props string) string { return "    " + props + "\n" }
	tests := []struct {
		name    string
		paths   string
		schemas string
		want    map[string]map[string]string
	}{
		{
			name: "name: a field named like the parameter",
			paths: getOp("/payments", "", "{type: array, items: {$ref: '#/components/schemas/Payment'}}") +
				getOp("/bills/{bill_id}", pathParam("bill_id"), "{$ref: '#/components/schemas/Bill'}"),
			schemas: item("Payment: {type: object, properties: {id: {type: string}, bill_id: {type: string}}}") +
				item("Bill: {type: object, properties: {id: {type: string}}}"),
			want: map[string]map[string]string{"GET /payments": {"bill_id": "$[*].bill_id (name)"}},
		},
		{
			name: "resource: the item schema names the parameter's resource",
			paths: getOp("/me/stuff", "", "{type: array, items: {$ref: '#/components/schemas/CardSummary'}}") +
				getOp("/cards/{card_id}", pathParam("card_id"), "{$ref: '#/components/schemas/CardFull'}"),
			schemas: item("CardSummary: {type: object, properties: {id: {type: string}}}") +
				item("CardFull: {type: object, properties: {id: {type: string}, secret: {type: string}}}"),
			want: map[string]map[string]string{"GET /me/stuff": {"card_id": "$[*].id (resource)"}},
		},
		{
			name: "a generic envelope every GET returns matches nothing by schema",
			paths: getOp("/things", "", "{$ref: '#/components/schemas/Envelope'}") +
				getOp("/alpha/{a_key}", pathParam("a_key"), "{$ref: '#/components/schemas/Envelope'}") +
				getOp("/beta/{b_key}", pathParam("b_key"), "{$ref: '#/components/schemas/Envelope'}"),
			schemas: item("Envelope: {type: object, properties: {id: {type: string}}}"),
			want:    map[string]map[string]string{},
		},
		{
			name: "kubernetes: metadata.name inside a list's items",
			paths: getOp("/api/v1/namespaces", "", "{$ref: '#/components/schemas/NamespaceList'}") +
				getOp("/api/v1/namespaces/{namespace}/pods", pathParam("namespace"), "{type: object}"),
			schemas: item("NamespaceList: {type: object, properties: {items: {type: array, items: {$ref: '#/components/schemas/Namespace'}}}}") +
				item("Namespace: {type: object, properties: {metadata: {type: object, properties: {name: {type: string}, uid: {type: string}}}}}"),
			want: map[string]map[string]string{"GET /api/v1/namespaces": {"namespace": "$.items[*].metadata.name (path)"}},
		},
		{
			name: "nested listings, each called with the ids of the one before",
			paths: getOp("/teams", "", "{type: array, items: {$ref: '#/components/schemas/Team'}}") +
				getOp("/teams/{team_id}/boards", pathParam("team_id"), "{type: array, items: {$ref: '#/components/schemas/Board'}}") +
				getOp("/boards/{board_id}/cols", pathParam("board_id"), "{type: array, items: {$ref: '#/components/schemas/Col'}}") +
				getOp("/cols/{col_id}", pathParam("col_id"), "{$ref: '#/components/schemas/Col'}"),
			schemas: item("Team: {type: object, properties: {id: {type: string}}}") +
				item("Board: {type: object, properties: {id: {type: string}}}") +
				item("Col: {type: object, properties: {id: {type: string}}}"),
			want: map[string]map[string]string{
				"GET /teams":                  {"team_id": "$[*].id (path)"},
				"GET /teams/{team_id}/boards": {"board_id": "$[*].id (resource)"},
				"GET /boards/{board_id}/cols": {"col_id": "$[*].id (schema)"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hp := PlanHarvest(harvestMiniSpec(t, tt.paths, tt.schemas), nil)
			assert.Equal(t, tt.want, callFeeds(hp))
		})
	}
}

// TestPlanHarvest_Rounds: nested listings are called round by round, each
// with ids from the rounds before; one nested deeper than MaxRounds is
// refused, with the reason.
func TestPlanHarvest_Rounds(t *testing.T) {
	levels := []string{"a", "b", "c", "d", "e", "f"}
	paths, schemas := "", ""
	for i, l := range levels {
		path := "/" + l + "s"
		params := ""
		if i > 0 {
			prev := levels[i-1]
			path = "/" + prev + "s/{" + prev + "_id}/" + l + "s"
			params = pathParam(prev + "_id")
		}
		paths += getOp(path, params, "{type: array, items: {$ref: '#/components/schemas/"+strings.ToUpper(l)+"'}}")
		paths += getOp("/"+l+"s/{"+l+"_id}/detail", pathParam(l+"_id"), "{type: object}")
		schemas += "    " + strings.ToUpper(l) + ": {type: object, properties: {id: {type: string}}}\n"
	}
	hp := PlanHarvest(harvestMiniSpec(t, paths, schemas), nil)
	rounds := map[string]int{}
	for _, c := range hp.Calls {
		rounds[c.Operation] = c.Round
	}
	assert.Equal(t, map[string]int{"GET /as": 1, "GET /as/{a_id}/bs": 2, "GET /bs/{b_id}/cs": 3, "GET /cs/{c_id}/ds": 4}, rounds)
	var why string
	for _, r := range hp.Refused {
		if r.Operation == "GET /ds/{d_id}/es" {
			why = r.Why
		}
	}
	assert.Contains(t, why, "(d_id)")
	assert.Contains(t, why, "nested 4 deep")
	assert.Equal(t, 1+3*3, hp.RequestsPerUser)
}

// TestPlanHarvest_RequiredQueryFilled: a required query parameter with an
// example is sent with it; the plan says so.
func TestPlanHarvest_RequiredQueryFilled(t *testing.T) {
	params := "      parameters:\n        - {name: status, in: query, required: true, schema: {type: string, default: available}}\n"
	paths := getOp("/pet/findByStatus", params, "{type: array, items: {$ref: '#/components/schemas/Pet'}}") +
		getOp("/pet/{petId}", pathParam("petId"), "{$ref: '#/components/schemas/Pet'}")
	hp := PlanHarvest(harvestMiniSpec(t, paths, "    Pet: {type: object, properties: {id: {type: integer}}}\n"), nil)
	require.Len(t, hp.Calls, 1)
	assert.Equal(t, map[string]string{"status": "available"}, hp.Calls[0].Query)
}

// TestPlanHarvest_ScopeVariants: a listing's optional scope parameter is
// tried with each of its other values; a filter by state is not.
func TestPlanHarvest_ScopeVariants(t *testing.T) {
	params := "      parameters:\n" +
		"        - {name: scope, in: query, schema: {type: string, enum: [mine, to_approve, all], default: mine}}\n" +
		"        - {name: status, in: query, schema: {type: string, enum: [draft, paid]}}\n"
	paths := getOp("/expenses", params, "{type: array, items: {$ref: '#/components/schemas/Expense'}}") +
		getOp("/expenses/{expense_id}", pathParam("expense_id"), "{$ref: '#/components/schemas/Expense'}")
	hp := PlanHarvest(harvestMiniSpec(t, paths, "    Expense: {type: object, properties: {id: {type: string}}}\n"), nil)
	require.Len(t, hp.Calls, 1)
	assert.Equal(t, []map[string]string{{"scope": "to_approve"}, {"scope": "all"}}, hp.Calls[0].Variants)
	assert.Equal(t, 3, hp.RequestsPerUser)
}

// TestPlanHarvest_HalfSegmentKey: a key that is the tail of its segment
// (`/@{name}`, taken for a key because the GET's answer carries `name`) is
// fed by the listing whose items have the schema that GET returns.
func TestPlanHarvest_HalfSegmentKey(t *testing.T) {
	paths := getOp("/spaces", "", "{type: array, items: {$ref: '#/components/schemas/Space'}}") +
		getOp("/@{name}", pathParam("name"), "{$ref: '#/components/schemas/Space'}")
	hp := PlanHarvest(harvestMiniSpec(t, paths, "    Space: {type: object, properties: {name: {type: string}, notes: {type: string}}}\n"), nil)
	require.Len(t, hp.Calls, 1)
	require.Len(t, hp.Calls[0].Feeds, 1)
	assert.Equal(t, HarvestFeed{Param: "name", Field: "$[*].name", Match: "schema",
		Why: `its objects have the schema "space" that the GET of one {name} returns`}, hp.Calls[0].Feeds[0])
}

func TestLastPathParam(t *testing.T) {
	for path, want := range map[string]string{
		"/cards/{cardId}": "cardId", "/@{name}": "name", "/users/~{login}/": "login",
		"/files/{name}.{ext}": "", "/cards/{cardId}/events": "", "/{a}{b}": "",
	} {
		assert.Equal(t, want, lastPathParam(path), path)
	}
}
