package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/report"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// docsAPI serves the places test spec's /docs: doc 7 is alice's, 8 and 9
// bob's. Vulnerable, any user writes any doc; fixed, a write to another's
// doc answers 204 and changes nothing. Every request is recorded.
type docsAPI struct {
	mu          sync.Mutex
	vulnerable  bool
	failRestore bool // the owner's own PUT fails: nothing can be written back
	docs        map[string]map[string]any
	owner       map[string]string
	hits        []string
}

func newDocsAPI(vulnerable bool) *docsAPI {
	return &docsAPI{vulnerable: vulnerable, owner: map[string]string{"7": "alice", "8": "bob", "9": "bob"},
		docs: map[string]map[string]any{
			"7": {"id": "7", "title": "alice plan", "body": "a", "owner_email": "alice@docs.test", "status": "draft"},
			"8": {"id": "8", "title": "bob plan", "body": "b", "owner_email": "bob@docs.test", "status": "draft"},
			"9": {"id": "9", "title": "bob scratch", "body": "c", "owner_email": "bob@docs.test", "status": "draft"},
		}}
}

func (d *docsAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	caller := map[string]string{"Bearer tok-alice": "alice", "Bearer tok-bob": "bob"}[r.Header.Get("Authorization")]
	d.mu.Lock()
	defer d.mu.Unlock()
	d.hits = append(d.hits, r.Method+" "+r.URL.RequestURI())
	rest, isDoc := strings.CutPrefix(r.URL.Path, "/docs/")
	id, action, _ := strings.Cut(rest, "/")
	doc, found := d.docs[id]
	mayWrite := found && (d.vulnerable || d.owner[id] == caller)
	switch {
	case caller == "":
		w.WriteHeader(http.StatusUnauthorized)
	case !isDoc || !found || action != "" && action != "archive":
		http.NotFound(w, r)
	case r.Method == http.MethodGet && d.owner[id] == caller:
		w.Header().Set("Content-Type", "application/json")
		if err := json.NewEncoder(w).Encode(doc); err != nil {
			panic(err)
		}
	case r.Method == http.MethodPut && d.failRestore && d.owner[id] == caller:
		w.WriteHeader(http.StatusInternalServerError)
	case r.Method == http.MethodPut:
		var in map[string]any
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			w.WriteHeader(http.StatusUnprocessableEntity)
			return
		}
		if mayWrite {
			for _, k := range []string{"title", "body", "owner_email", "status"} {
				if v, ok := in[k]; ok {
					doc[k] = v
				}
			}
		}
		w.WriteHeader(http.StatusNoContent) // the same answer whether it landed or not
	case r.Method == http.MethodDelete && mayWrite:
		delete(d.docs, id)
		w.WriteHeader(http.StatusNoContent)
	default:
		http.NotFound(w, r)
	}
}

// writes are the recorded requests of a method.
func (d *docsAPI) writes(method string) []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []string
	for _, h := range d.hits {
		if strings.HasPrefix(h, method+" ") {
			out = append(out, h)
		}
	}
	return out
}

func (d *docsAPI) snapshot() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	data, err := json.Marshal(d.docs)
	if err != nil {
		panic(err)
	}
	return string(data)
}

func docsConfig(t *testing.T, extra string) *config.Config {
	t.Helper()
	yaml := `spec: ../testdata/places/api.yaml
baseURL: http://docs.test
rate: 0
seed: 5
` + extra + `
users:
  - {name: alice, token: tok-alice, identity: {email: alice@docs.test}, owns: {docId: [7]}}
  - {name: bob, token: tok-bob, identity: {email: bob@docs.test}, owns: {docId: [8, 9]}}
`
	cfg, err := config.ParseConfig("docs.yaml", []byte(yaml), func(string) (string, bool) { return "", false })
	require.NoError(t, err)
	return cfg
}

func runDocs(t *testing.T, cfg *config.Config, api *docsAPI) (*report.Report, *recTB) {
	t.Helper()
	tb := newRecTB()
	rep, err := RunHandler(context.Background(), cfg, api, Options{}, tb)
	require.NoError(t, err)
	return rep, tb
}

// TestWrite_IdenticalAnswerStillLeaks: a PUT that answers 204 whether it
// landed or not is caught by the owner's read-back, and written back.
func TestWrite_IdenticalAnswerStillLeaks(t *testing.T) {
	api := newDocsAPI(true)
	before := api.snapshot()
	rep, tb := runDocs(t, docsConfig(t, "methods: [GET, PUT]"), api)
	var found *report.Finding
	for i, f := range rep.Findings {
		if f.Operation == "PUT /docs/{docId}" && f.Attacker == "alice" && f.Victim == "bob" {
			found = &rep.Findings[i]
		}
	}
	require.NotNil(t, found, "%+v", rep.Findings)
	assert.Equal(t, "write", found.Kind)
	assert.Equal(t, 204, found.Status)
	assert.Equal(t, "$.title", found.Evidence[0].Path)
	assert.Contains(t, found.Evidence[0].Value, "bolaharness-5-")
	assert.Contains(t, found.Curl, "-X PUT")
	assert.Contains(t, found.Curl, "--data-raw")
	assert.Equal(t, "http://in-process.invalid/docs/8", found.Control, "the owner's read-back is the control")
	assert.Contains(t, strings.Join(found.Reasons, "\n"), "written back and read as before")
	msg := tb.errors["putDoc/alice-vs-bob/docId/swap=8"]
	assert.Contains(t, msg, "LEAK (write, CWE-639): alice changed bob's object")
	assert.Equal(t, before, api.snapshot(), "every write was written back")
	require.NotNil(t, rep.Writes)
	assert.Equal(t, rep.Writes.Changed, rep.Writes.Restored)
	assert.Empty(t, rep.Writes.Unrestored)
}

// TestWrite_SilentRefusalIsSafe: the same 204 that changed nothing is no leak.
func TestWrite_SilentRefusalIsSafe(t *testing.T) {
	api := newDocsAPI(false)
	before := api.snapshot()
	rep, _ := runDocs(t, docsConfig(t, "methods: [GET, PUT]"), api)
	assert.Empty(t, rep.Findings)
	require.NotNil(t, rep.Writes)
	assert.Positive(t, rep.Writes.Sent)
	assert.Zero(t, rep.Writes.Changed)
	assert.Equal(t, before, api.snapshot())
}

// TestWrite_NothingWrittenByDefault: with the default methods no write is
// planned or sent.
func TestWrite_NothingWrittenByDefault(t *testing.T) {
	api := newDocsAPI(true)
	rep, _ := runDocs(t, docsConfig(t, ""), api)
	for _, m := range []string{"PUT", "POST", "PATCH", "DELETE"} {
		assert.Empty(t, api.writes(m), m)
	}
	assert.Nil(t, rep.Writes)
}

// TestWrite_OnlyOwnedObjects: writes go to the victim's listed ids and
// their variants, never to neighbours or boundaries whose owner is unknown.
func TestWrite_OnlyOwnedObjects(t *testing.T) {
	api := newDocsAPI(false)
	runDocs(t, docsConfig(t, "methods: [GET, PUT]"), api)
	puts := api.writes("PUT")
	require.NotEmpty(t, puts)
	unknown := map[string]bool{"4": true, "5": true, "6": true, "10": true, "11": true, "12": true,
		"0": true, "-1": true, "9223372036854775807": true}
	for _, h := range puts {
		id := strings.TrimPrefix(h, "PUT /docs/")
		assert.True(t, strings.ContainsAny(id, "789"), "a write to an object nobody listed: %s", h)
		assert.False(t, unknown[id], "a neighbour or boundary was written to: %s", h)
	}
}

// TestWrite_DeleteOnlyWhatDestroyNames: DELETE goes to the one object the
// config's destroy key names; its loss is reported as not restored.
func TestWrite_DeleteOnlyWhatDestroyNames(t *testing.T) {
	api := newDocsAPI(true)
	rep, tb := runDocs(t, docsConfig(t, "methods: [GET, DELETE]\ndestroy: [{param: docId, id: \"9\"}]"), api)
	dels := api.writes("DELETE")
	assert.Equal(t, []string{"DELETE /docs/9"}, dels, "the plain swap deleted it; nothing else was sent")
	require.NotNil(t, rep.Writes)
	require.Len(t, rep.Writes.Unrestored, 1)
	assert.Equal(t, "http://in-process.invalid/docs/9", rep.Writes.Unrestored[0].Object)
	assert.Contains(t, rep.Writes.Unrestored[0].Why, "deleted")
	assert.Contains(t, tb.skips["deleteDoc/bob-vs-alice/docId"], "destroy", "alice's doc is listed nowhere: never deleted")
	assert.Contains(t, api.snapshot(), `"8"`, "bob's other doc is still there")
}

// TestWrite_RestoreRefusedIsReported: a change that cannot be written back
// is listed with the reason.
func TestWrite_RestoreRefusedIsReported(t *testing.T) {
	api := newDocsAPI(true)
	api.failRestore = true
	rep, _ := runDocs(t, docsConfig(t, "methods: [GET, PUT]"), api)
	require.NotNil(t, rep.Writes)
	require.NotEmpty(t, rep.Writes.Unrestored)
	u := rep.Writes.Unrestored[0]
	assert.Equal(t, "PUT /docs/{docId}", u.Operation)
	assert.Contains(t, u.Why, "answered 500")
	assert.Contains(t, u.Marker, "bolaharness-5-")
	assert.Contains(t, api.snapshot(), u.Marker, "the marker tells where the change was left")
	assert.Equal(t, rep.Writes.Changed, rep.Writes.Restored+len(rep.Writes.Unrestored))
}

func TestConfig_Destroy(t *testing.T) {
	cfg := docsConfig(t, "destroy:\n  - {param: docId, id: \"9\"}")
	assert.Equal(t, []config.DestroyObject{{Param: "docId", ID: "9"}}, cfg.Destroy)
	assert.True(t, cfg.Destroys("docId", "9"))
	assert.False(t, cfg.Destroys("docId", "8"))
	for extra, want := range map[string]string{
		"destroy: [{id: \"9\"}]":                   "destroy[0].param: missing",
		"destroy: [{param: docId}]":                "destroy[0].id: missing",
		"destroy: [{param: docId, id: 9, who: x}]": `unknown key "who"`,
	} {
		yaml := "spec: ../testdata/places/api.yaml\nbaseURL: http://x.test\n" + extra + "\nusers:\n  - {name: a, token: t1}\n  - {name: b, token: t2}\n"
		_, err := config.ParseConfig("d.yaml", []byte(yaml), func(string) (string, bool) { return "", false })
		require.Error(t, err, extra)
		assert.Contains(t, err.Error(), want, extra)
		assert.Contains(t, err.Error(), fmt.Sprintf("d.yaml:%d", 3), "the error names the line")
	}
}

// TestWrite_BudgetKeepsRoomForRestore: a write is not sent when the request
// budget could not also pay for reading back and restoring.
func TestWrite_BudgetKeepsRoomForRestore(t *testing.T) {
	api := newDocsAPI(true)
	before := api.snapshot()
	only := "methods: [GET, PUT]\nharvest: false\npublic: [getDoc, listMessages, getAccount, listNotifications]\n"
	_, tb := runDocs(t, docsConfig(t, only+"maxRequests: 10"), api)
	assert.Empty(t, api.writes("PUT"))
	assert.Contains(t, tb.skips["putDoc/alice-vs-bob/docId/swap=8"], "cannot cover a write, its read-backs and its restore")
	assert.Equal(t, before, api.snapshot())

	_, tb = runDocs(t, docsConfig(t, only+"maxRequests: 30"), api)
	assert.NotEmpty(t, api.writes("PUT"), "with room for the restore, the write goes out")
	assert.Contains(t, tb.errors["putDoc/alice-vs-bob/docId/swap=8"], "written back and read as before")
	assert.Equal(t, before, api.snapshot())
}
