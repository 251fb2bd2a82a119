package engine

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/report"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// searchAPI serves the places test spec's POST /search: it returns the
// documents of the owner_id its body names, to anyone.
func searchAPI() http.Handler {
	tokens := map[string]bool{"Bearer tok-alice": true, "Bearer tok-bob": true}
	emails := map[json.Number]string{"11": "alice@docs.test", "12": "bob@docs.test"}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !tokens[r.Header.Get("Authorization")] {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if r.Method != http.MethodPost || r.URL.Path != "/search" {
			http.NotFound(w, r)
			return
		}
		var in struct {
			OwnerID json.Number `json:"owner_id"`
		}
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil || emails[in.OwnerID] == "" {
			http.Error(w, `{"error":"bad owner_id"}`, http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if err := json.NewEncoder(w).Encode(map[string]any{"results": []any{map[string]any{"author": emails[in.OwnerID], "title": "tax"}}}); err != nil {
			panic(err)
		}
	})
}

// TestLeak_BodyFieldID: an id in a JSON body is found, reported with its
// place and pointer, under a subtest named by the pointer.
func TestLeak_BodyFieldID(t *testing.T) {
	yaml := `spec: ../testdata/places/api.yaml
baseURL: http://docs.test
methods: [GET, POST]
rate: 0
seed: 3
users:
  - {name: alice, token: tok-alice, identity: {id: 11, email: alice@docs.test}}
  - {name: bob, token: tok-bob, identity: {id: 12, email: bob@docs.test}}
`
	cfg, err := config.ParseConfig("search.yaml", []byte(yaml), func(string) (string, bool) { return "", false })
	require.NoError(t, err)
	tb := newRecTB()
	rep, err := RunHandler(context.Background(), cfg, searchAPI(), Options{}, tb)
	require.NoError(t, err)
	var f *report.Finding
	for i := range rep.Findings {
		if rep.Findings[i].Operation == "POST /search" && rep.Findings[i].Attacker == "alice" {
			f = &rep.Findings[i]
		}
	}
	require.NotNil(t, f, "%+v", rep.Findings)
	assert.Equal(t, "body", f.In)
	assert.Equal(t, "/owner_id", f.Pointer)
	assert.Equal(t, "/owner_id", f.Parameter)
	assert.Equal(t, "swap", f.Kind)
	assert.Equal(t, "12", f.Value)
	assert.Contains(t, f.Curl, `--data-raw '{"owner_id":12,"query":"tax"}'`)
	_, named := tb.errors["searchDocs/alice-vs-bob/~1owner_id/swap=12"]
	assert.True(t, named, "the pointer's / is written ~1 in the subtest name: %v", keys(tb.errors))
	var cell *report.MatrixCell
	for i := range rep.Matrix {
		if rep.Matrix[i].Operation == "POST /search" && rep.Matrix[i].Attacker == "alice" {
			cell = &rep.Matrix[i]
		}
	}
	require.NotNil(t, cell)
	assert.Contains(t, cell.Places, "body /owner_id")
	w := *f
	w.Kind = "write" // body reads replay (replay_places_test.go); writes do not
	_, err = (&Scan{}).ReplayGroup(w)
	assert.ErrorContains(t, err, "a write finding is not replayed")
}
