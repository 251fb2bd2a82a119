package engine

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/bolaharness/bolaharness/harness/client"
	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/plan"
	"github.com/bolaharness/bolaharness/harness/report"
	"github.com/bolaharness/bolaharness/harness/spec"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// notesSpec is a notes API whose notes no GET lists: the only way to get a
// user's note id is to create one (POST /notes).
const notesSpec = `openapi: 3.0.3
info: {title: Notes, version: "1"}
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
  schemas:
    Note:
      type: object
      properties:
        id: {type: integer}
        title: {type: string}
        color: {type: string}
        owner_email: {type: string}
    NewNote:
      type: object
      required: [title]
      properties:
        title: {type: string}
        color: {type: string, enum: [yellow, blue]}
        owner_email: {type: string, example: mallory@notes.test}
security: [{bearer: []}]
paths:
  /notes:
    post:
      operationId: createNote
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/NewNote'}
      responses:
        "201":
          description: created
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Note'}
  /notes/{noteId}:
    parameters:
      - {name: noteId, in: path, required: true, schema: {type: integer}}
    get:
      operationId: getNote
      responses:
        "200":
          description: the note
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Note'}
        "404": {description: not found}
    delete:
      operationId: deleteNote
      responses:
        "204": {description: deleted}
        "404": {description: not found}
`

// notesAPI serves notesSpec in memory. Vulnerable mode reads any note by
// id; fixed mode only the caller's. DELETE is the owner's in both modes.
type notesAPI struct {
	vulnerable bool
	mu         sync.Mutex
	next       int
	notes      map[int]map[string]any
	owner      map[int]string
	methods    map[string]int
	bodies     []map[string]any
	errs       []error // answers that could not be written
}

func newNotesAPI(vulnerable bool) *notesAPI {
	return &notesAPI{vulnerable: vulnerable, next: 40, notes: map[int]map[string]any{}, owner: map[int]string{}, methods: map[string]int{}}
}

func (a *notesAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.methods[r.Method]++
	user, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer notes-token-")
	if !ok {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if r.URL.Path == "/notes" && r.Method == http.MethodPost {
		a.create(w, r, user)
		return
	}
	id, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/notes/"))
	note, found := a.notes[id]
	mine := found && a.owner[id] == user
	switch {
	case err != nil || !found:
		w.WriteHeader(http.StatusNotFound)
	case r.Method == http.MethodGet && (mine || a.vulnerable):
		w.Header().Set("Content-Type", "application/json")
		a.check(json.NewEncoder(w).Encode(note))
	case r.Method == http.MethodDelete && mine:
		delete(a.notes, id)
		w.WriteHeader(http.StatusNoContent)
	default:
		w.WriteHeader(http.StatusNotFound)
	}
}

func (a *notesAPI) create(w http.ResponseWriter, r *http.Request, user string) {
	var body map[string]any
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body["title"] == "" || body["title"] == nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	a.bodies = append(a.bodies, body)
	a.next++
	a.notes[a.next] = map[string]any{"id": a.next, "title": body["title"], "color": body["color"], "owner_email": user + "@notes.test"}
	a.owner[a.next] = user
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	a.check(json.NewEncoder(w).Encode(a.notes[a.next]))
}

// check keeps a failed write for the test to assert on; mu is held.
func (a *notesAPI) check(err error) {
	if err != nil {
		a.errs = append(a.errs, err)
	}
}

// notesScan scans a fresh notes API with methods and extra config lines.
func notesScan(t *testing.T, vulnerable bool, methods, extra string) (*report.Report, *notesAPI) {
	t.Helper()
	api := newNotesAPI(vulnerable)
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	var b strings.Builder
	b.WriteString("spec: notes.yaml\nbaseURL: " + srv.URL + "\nmethods: " + methods + "\nseed: 7\nrate: 0\n" + extra + "users:\n")
	for _, u := range []string{"alice", "bob", "carol"} {
		b.WriteString("  - name: " + u + "\n    token: notes-token-" + u + "\n    identity: {email: " + u + "@notes.test}\n")
	}
	cfg, err := config.ParseConfigEmbedded("notes.yaml", []byte(b.String()), []byte(notesSpec), func(string) (string, bool) { return "", false })
	require.NoError(t, err)
	var rep *report.Report
	NewConsole(io.Discard, false).Run("notes", func(tb TB) {
		rep, err = RunConfig(context.Background(), cfg, Options{}, tb)
	})
	require.NoError(t, err)
	require.NotNil(t, rep)
	assert.Empty(t, api.errs)
	return rep, api
}

// TestCreate_ScanCreatesAttacksAndDeletes: with POST and DELETE allowed and
// no listing of notes, the harness creates one note as each user, finds the
// leak in vulnerable mode (nothing in fixed mode), deletes every note as its
// creator, and reports them.
func TestCreate_ScanCreatesAttacksAndDeletes(t *testing.T) {
	for _, tt := range []struct {
		name       string
		vulnerable bool
	}{{"vulnerable", true}, {"fixed", false}} {
		t.Run(tt.name, func(t *testing.T) {
			rep, api := notesScan(t, tt.vulnerable, "[GET, HEAD, POST, DELETE]", "")
			assert.Equal(t, 3, api.methods[http.MethodPost], "one note per user")
			assert.Empty(t, api.notes, "every created note was deleted")
			require.Len(t, rep.Created, 3)
			users := map[string]bool{}
			for _, c := range rep.Created {
				users[c.User] = true
				assert.Equal(t, "POST /notes", c.Operation)
				assert.Equal(t, "noteId", c.Param)
				assert.NotEmpty(t, c.ID)
				assert.True(t, c.Deleted, "%s's note %s: %s", c.User, c.ID, c.Why)
				assert.Equal(t, c.User, api.owner[mustAtoi(t, c.ID)], "created as its owner")
			}
			assert.Len(t, users, 3)
			for _, body := range api.bodies {
				assert.Regexp(t, `^bolaharness-7-\d+$`, body["title"], "required text carries the run's marker")
				assert.Equal(t, "yellow", body["color"], "optional fields come from the enum")
				assert.NotContains(t, body, "owner_email", "an optional owner field is never sent")
			}
			assert.Contains(t, rep.Harvest.Creation, "created 3 objects")
			leaks := leakSet(rep)
			if !tt.vulnerable {
				assert.Empty(t, leaks)
				return
			}
			assert.Contains(t, leaks, "GET /notes/{noteId} noteId alice bob swap")
			assert.Contains(t, leaks, "GET /notes/{noteId} noteId bob carol swap")
			for _, l := range leaks {
				assert.True(t, strings.HasPrefix(l, "GET /notes/{noteId} "), "DELETE is the owner's in both modes: %s", l)
			}
		})
	}
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	require.NoError(t, err)
	return n
}

// TestCreate_OffOrLeftBehind: without POST in methods, or with `create:
// false`, no POST reaches the server; without DELETE, the notes are left
// behind and the report says so.
func TestCreate_OffOrLeftBehind(t *testing.T) {
	tests := []struct {
		name, methods, extra string
		posts, left          int
		creation             string
	}{
		{"get and head only", "[GET, HEAD]", "", 0, 0, plan.CreationOffNote},
		{"create false", "[GET, HEAD, POST, DELETE]", "create: false\n", 0, 0, "off: the config says `create: false`"},
		{"no delete", "[GET, HEAD, POST]", "", 3, 3, "created 3 objects"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, api := notesScan(t, true, tt.methods, tt.extra)
			assert.Equal(t, tt.posts, api.methods[http.MethodPost])
			assert.Zero(t, api.methods[http.MethodDelete])
			assert.Len(t, api.notes, tt.left)
			assert.Contains(t, rep.Harvest.Creation, tt.creation)
			assert.Len(t, rep.Created, tt.left)
			for _, c := range rep.Created {
				assert.False(t, c.Deleted)
				assert.Contains(t, c.Why, "left behind")
			}
			if tt.posts == 0 {
				assert.Empty(t, rep.Findings, "no note id: nothing to attack")
			}
		})
	}
}

// TestPlanHarvest_ShowsCreation: the plan names the POST, the DELETE and
// the users, sending nothing.
func TestPlanHarvest_ShowsCreation(t *testing.T) {
	spec, err := spec.LoadSpecData("notes.yaml", []byte(notesSpec))
	require.NoError(t, err)
	cfg := &config.Config{Methods: []string{"GET", "POST", "DELETE"}, Users: []config.User{{Name: "alice"}, {Name: "bob", Owns: map[string][]string{"noteId": {"7"}}}}}
	hp := plan.PlanHarvest(spec, cfg)
	require.Len(t, hp.Creations, 1)
	c := hp.Creations[0]
	assert.Equal(t, "noteId", c.Param)
	assert.Equal(t, "POST /notes", c.Create)
	assert.Equal(t, "DELETE /notes/{noteId}", c.Delete)
	assert.Equal(t, []string{"alice"}, c.Users, "bob lists owns: nothing is created for him")
	assert.Contains(t, c.Operations, "GET /notes/{noteId}")
	assert.Contains(t, hp.Creation, "noteId via POST /notes, deleted afterwards by DELETE /notes/{noteId}")

	cfg.Methods = []string{"GET", "POST"}
	hp = plan.PlanHarvest(spec, cfg)
	require.Len(t, hp.Creations, 1)
	assert.Empty(t, hp.Creations[0].Delete)
	assert.Contains(t, hp.Creations[0].Note, "do not allow DELETE")
}

// TestCreatedID: the id comes from the parameter's field, a usual id
// field, an envelope, or the Location header, in that order.
func TestCreatedID(t *testing.T) {
	tests := []struct {
		name, body, location, want string
	}{
		{"param field first", `{"id": 1, "noteId": "n-9"}`, "", "n-9"},
		{"snake case param", `{"note_id": 12}`, "", "12"},
		{"id field", `{"id": 5, "title": "x"}`, "/notes/99", "5"},
		{"envelope", `{"data": {"id": "abc"}}`, "", "abc"},
		{"location", ``, "/api/notes/77/", "77"},
		{"location escaped", `{"ok": true}`, "https://h.test/notes/a%20b", "a b"},
		{"nothing", `{"ok": true}`, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := client.Exchange{Status: 201, Body: []byte(tt.body), Header: http.Header{}}
			if tt.location != "" {
				x.Header.Set("Location", tt.location)
			}
			assert.Equal(t, tt.want, CreatedID(x, "noteId"))
		})
	}
}
