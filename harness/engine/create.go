package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/bolaharness/bolaharness/harness/internal/sortedkeys"

	"github.com/bolaharness/bolaharness/harness/client"
	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/mutate"
	"github.com/bolaharness/bolaharness/harness/plan"
	"github.com/bolaharness/bolaharness/harness/report"
	"github.com/bolaharness/bolaharness/harness/spec"
	"github.com/bolaharness/bolaharness/harness/words"
)

// Creation (opt-in, create_plan.go): after harvesting, each user that still
// has no id for a planned parameter creates one object through the
// collection's POST, as that user and nobody else. Its id (from the answer's
// id field, or its Location header) becomes the user's own for the run, so
// the attack uses it like any owned id; the object is also named in the
// run's destroy list, since the harness made it. After the attack the
// creator deletes it where DELETE is allowed; the report lists every object
// created and whether it is gone. Every request goes through the scan's one
// Client (methods, origin, rate, budget).

// idFieldNames are the fields a created object's id is read from after the
// parameter's own name, most likely first.
var idFieldNames = []string{"id", "uuid", "_id", "key"}

// createObjects creates the planned objects for the users of cfg that have
// no ids for them, and returns the config the attack runs with. rep's
// creation line says what was done.
func (s *Scan) createObjects(ctx context.Context, t TB, cfg *config.Config, rep *report.HarvestReport) *config.Config {
	steps, summary := plan.PlanCreation(s.Spec, cfg, s.plan)
	if len(steps) == 0 {
		if rep != nil {
			rep.Creation = summary
		}
		return cfg
	}
	out := cloneUsers(cfg)
	var failed []string
	for _, st := range steps {
		for i := range out.Users {
			u := &out.Users[i]
			if !slices.Contains(st.Users, u.Name) {
				continue
			}
			if len(s.created) >= plan.DefaultMaxCreates {
				failed = plan.AppendNew(failed, fmt.Sprintf("the limit of %d created objects per run was reached", plan.DefaultMaxCreates))
				break
			}
			if why := s.createOne(ctx, u, st, out); why != "" {
				failed = append(failed, fmt.Sprintf("%s %s: %s", u.Name, st.Create, why))
			}
		}
	}
	line := fmt.Sprintf("created %d objects as their owners", len(s.created))
	if len(failed) > 0 {
		line += "; not created: " + strings.Join(failed, "; ")
	}
	t.Logf("create: %s", line)
	if rep != nil {
		rep.Creation = line
	}
	return out
}

// cloneUsers copies cfg with its users' owns and its destroy list, so that
// creation never changes the caller's config.
func cloneUsers(cfg *config.Config) *config.Config {
	out := *cfg
	out.Users = make([]config.User, len(cfg.Users))
	for i, u := range cfg.Users {
		nu := u
		nu.Owns = make(map[string][]string, len(u.Owns)+1)
		for k, v := range u.Owns {
			nu.Owns[k] = v
		}
		out.Users[i] = nu
	}
	out.Destroy = append([]config.DestroyObject(nil), cfg.Destroy...)
	return &out
}

// createOne sends st's POST as u and, on success, gives u the new id; it
// returns why no object was created, or "".
func (s *Scan) createOne(ctx context.Context, u *config.User, st plan.PlannedCreation, cfg *config.Config) string {
	wire, why := parentWire(st.CreateOp, u, "")
	if why != "" {
		return why
	}
	req := client.Request{Method: http.MethodPost, URL: mutate.BuildURL(s.baseURL, st.CreateOp, wire, requiredQuery(st.CreateOp))}
	if doc, ok := createBody(st.CreateOp, s.writes.marker(s.seed)); ok {
		body, err := json.Marshal(doc)
		if err != nil {
			return fmt.Sprintf("its request body would not encode: %v", err)
		}
		req.Body = body
	}
	x := s.client.DoRequest(ctx, u, req)
	switch {
	case x.Err != "":
		return x.Err
	case x.Status < 200 || x.Status > 299:
		return fmt.Sprintf("answered %d", x.Status)
	}
	obj := report.CreatedObject{Operation: st.Create, User: u.Name, Param: st.Param, Del: st.DeleteOp}
	obj.ID = CreatedID(x, st.Param)
	if obj.ID == "" {
		obj.Why = fmt.Sprintf("answered %d but named no id (no %s or id field, no Location header): the object is left behind", x.Status, st.Param)
		s.created = append(s.created, obj)
		return ""
	}
	wire[st.Param] = url.PathEscape(obj.ID)
	obj.URL = mutate.BuildURL(s.baseURL, spec.Operation{Path: st.ObjectPath}, wire, nil)
	if st.DeleteOp == nil {
		obj.Why = "left behind: " + st.Note
	}
	s.created = append(s.created, obj)
	u.Owns[st.Param] = []string{obj.ID}
	cfg.Destroy = append(cfg.Destroy, config.DestroyObject{Param: st.Param, ID: obj.ID})
	return ""
}

// parentWire fills the collection's own path parameters (POST
// /projects/{project_id}/notes) with u's first owned ids; the object's own
// parameter (skip) is left for the caller.
func parentWire(op spec.Operation, u *config.User, skip string) (map[string]string, string) {
	wire := map[string]string{}
	for _, p := range op.Params {
		if p.In != "path" || p.Name == skip {
			continue
		}
		ids := u.Owns[p.Name]
		if len(ids) == 0 {
			return nil, fmt.Sprintf("path parameter %q needs an id of %s's, which no owns or listing gives", p.Name, u.Name)
		}
		wire[p.Name] = url.PathEscape(ids[0])
	}
	return wire, ""
}

// requiredQuery are the required query parameters of op, from examples.
func requiredQuery(op spec.Operation) map[string]string {
	q := map[string]string{}
	for _, p := range op.Params {
		if p.In == "query" && p.Required {
			if v, ok := spec.ExampleValue(p); ok {
				q[p.Name] = v
			}
		}
	}
	return q
}

// createBody is the body of a creating POST: the spec's example (or one
// built from the schema's examples, defaults and enums) with every
// placeholder text set to marker, or the marker in a harmless text field
// when the example has none; optional owner fields are dropped, since the
// server must give the object to its creator. ok is false without a body.
func createBody(op spec.Operation, marker string) (any, bool) {
	doc, ok := mutate.ExampleBody(op)
	if !ok {
		return nil, false
	}
	doc, marked := replacePlaceholders(mutate.CloneJSON(doc), marker)
	obj, isObj := doc.(map[string]any)
	if !isObj {
		return doc, true
	}
	props, required := spec.ObjectProperties(mutate.WriteSchema(op))
	for k := range obj {
		if !required[k] && (words.OwnerLikeName(k) || words.OwnerLikeKey(k)) {
			delete(obj, k)
		}
	}
	if !marked {
		if f := mutate.MarkerField(obj, props, nil); f != "" {
			obj[f] = marker
		}
	}
	return obj, true
}

// replacePlaceholders sets every bodyPlaceholder text in doc to marker.
func replacePlaceholders(doc any, marker string) (any, bool) {
	switch t := doc.(type) {
	case string:
		if t == mutate.BodyPlaceholder {
			return marker, true
		}
	case map[string]any:
		hit := false
		for k, v := range t {
			nv, m := replacePlaceholders(v, marker)
			t[k], hit = nv, hit || m
		}
		return t, hit
	case []any:
		hit := false
		for i, v := range t {
			nv, m := replacePlaceholders(v, marker)
			t[i], hit = nv, hit || m
		}
		return t, hit
	}
	return doc, false
}

// createdID reads the new object's id from a creating POST's answer: the
// parameter's own field, then a usual id field, in the answer or in its
// envelope (`{"data": {...}}`); else the last segment of its Location.
func CreatedID(x client.Exchange, param string) string {
	if doc, ok := DecodeJSON(x.Body); ok && !x.Truncated {
		if obj, ok := doc.(map[string]any); ok {
			if id := createdIDField(obj, param); id != "" {
				return id
			}
			for _, k := range mutate.EnvelopeKeys {
				if inner, ok := obj[k].(map[string]any); ok {
					if id := createdIDField(inner, param); id != "" {
						return id
					}
				}
			}
		}
	}
	loc, err := url.Parse(x.Header.Get("Location"))
	if err != nil || loc.Path == "" {
		return ""
	}
	segs := strings.Split(strings.TrimRight(loc.Path, "/"), "/")
	id, err := url.PathUnescape(segs[len(segs)-1])
	if err != nil {
		return ""
	}
	return id
}

// createdIDField is obj's id for param: the field named like the parameter
// (noteId, note_id), else the first of idFieldNames.
func createdIDField(obj map[string]any, param string) string {
	for _, k := range sortedkeys.Of(obj) {
		if words.NormKey(k) == words.NormKey(param) {
			if id, ok := idText(obj[k]); ok {
				return id
			}
		}
	}
	for _, k := range idFieldNames {
		if id, ok := idText(obj[k]); ok {
			return id
		}
	}
	return ""
}

// deleteCreated deletes, as its creator, every object the run created, even
// when the run was stopped, and records the outcome for the report.
func (s *Scan) deleteCreated(ctx context.Context, t TB) []report.CreatedObject {
	if len(s.created) == 0 {
		return nil
	}
	ctx = context.WithoutCancel(ctx)
	left := 0
	for i := range s.created {
		c := &s.created[i]
		if c.ID != "" && c.Del != nil {
			s.deleteOne(ctx, c)
		}
		if !c.Deleted {
			left++
			t.Logf("create: %s's object %s (%s) is left behind: %s", c.User, c.ID, c.Param, c.Why)
		}
	}
	t.Logf("create: %d objects created, %d deleted, %d left behind", len(s.created), len(s.created)-left, left)
	return append([]report.CreatedObject{}, s.created...)
}

// deleteOne sends c's DELETE as its creator; a 404 or 410 means the object
// is already gone (an attack's DELETE may have landed).
func (s *Scan) deleteOne(ctx context.Context, c *report.CreatedObject) {
	var u *config.User
	for i := range s.Cfg.Users {
		if s.Cfg.Users[i].Name == c.User {
			u = &s.Cfg.Users[i]
		}
	}
	if u == nil {
		c.Why = "left behind: its creator is not a user of the run"
		return
	}
	wire, why := parentWire(*c.Del, u, c.Param)
	if why != "" {
		c.Why = "left behind: " + why
		return
	}
	wire[c.Param] = url.PathEscape(c.ID)
	x := s.client.Do(ctx, u, http.MethodDelete, mutate.BuildURL(s.baseURL, *c.Del, wire, requiredQuery(*c.Del)))
	switch {
	case x.Err != "":
		c.Why = "left behind: " + c.Del.Key() + ": " + x.Err
	case x.Status >= 200 && x.Status <= 299:
		c.Deleted, c.Why = true, ""
	case x.Status == http.StatusNotFound || x.Status == http.StatusGone:
		c.Deleted, c.Why = true, fmt.Sprintf("already gone: %s answered %d", c.Del.Key(), x.Status)
	default:
		c.Why = fmt.Sprintf("left behind: %s answered %d", c.Del.Key(), x.Status)
	}
}
