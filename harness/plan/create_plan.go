package plan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/spec"
)

// Creation plan: which collections the harness may create an object in, as
// a user that neither the config's owns nor harvesting gives ids for. It is
// opt-in: only a config whose methods allow POST creates anything (and
// `create: false` turns it off again). The collection is the attacked path
// without its last `/{param}` (GET /notes/{noteId} → POST /notes); the
// object is deleted again, as its creator, by DELETE on the attacked path
// when the spec has it and methods allow DELETE.

// DefaultMaxCreates bounds the objects one run creates, over all users.
const DefaultMaxCreates = 20

// PlannedCreation is one id parameter that creation may provide: the POST
// that creates its objects and the DELETE that removes them.
type PlannedCreation struct {
	Param string `json:"param"`
	// Operations are the attacked operations the created ids feed.
	Operations []string `json:"operations"`
	// Create is the POST on the collection, sent as the object's owner.
	Create string `json:"create"`
	// Delete is the DELETE sent afterwards as the owner; "" when none is
	// sent (Note says why: the object is then left behind and reported).
	Delete string `json:"delete,omitempty"`
	// Users are the users who list no owns for Param; at run time only
	// those harvesting found no ids for either get an object.
	Users []string `json:"users"`
	Note  string   `json:"note,omitempty"`

	CreateOp   spec.Operation  `json:"-"`
	DeleteOp   *spec.Operation `json:"-"`
	ObjectPath string          `json:"-"` // the attacked path template that reads the object
}

// creationOffNote says why nothing is created without POST in methods.
const CreationOffNote = "off: creating objects is opt-in and needs POST in the config's methods; ids that no listing provides must be listed under owns"

// planCreation decides, sending nothing, which objects would be created as
// which users of cfg for the attacked operations of plan, and returns the
// steps with a one-line summary (the reason when there are none).
func PlanCreation(spec *spec.Spec, cfg *config.Config, plan Plan) ([]PlannedCreation, string) {
	switch {
	case cfg.NoCreate:
		return nil, "off: the config says `create: false`"
	case !slices.Contains(cfg.Methods, "POST"):
		return nil, CreationOffNote
	}
	var steps []PlannedCreation
	var refused []string
	index := map[string]int{}
	for _, po := range plan.Operations {
		for _, p := range po.IDs {
			if p.In != "path" || lastPathParam(po.Op.Path) != p.Name {
				continue
			}
			if i, ok := index[p.Name]; ok {
				steps[i].Operations = AppendNew(steps[i].Operations, po.Operation)
				continue
			}
			users := usersWithoutOwns(cfg, p.Name)
			if len(users) == 0 && len(cfg.Users) > 0 {
				continue
			}
			step, why := creationStep(spec, cfg, po.Op, p.Name)
			if why != "" {
				refused = AppendNew(refused, p.Name+": "+why)
				continue
			}
			step.Operations, step.Users = []string{po.Operation}, users
			index[p.Name] = len(steps)
			steps = append(steps, step)
		}
	}
	return steps, creationSummary(steps, refused)
}

// creationStep finds the POST that creates objects read by path template
// op.Path and the DELETE that removes them, or says why none can be used.
func creationStep(sp *spec.Spec, cfg *config.Config, op spec.Operation, param string) (PlannedCreation, string) {
	path := strings.TrimRight(op.Path, "/")
	collection := strings.TrimSuffix(path, "/{"+param+"}")
	if collection == path || collection == "" {
		return PlannedCreation{}, fmt.Sprintf("%s has no collection path before {%s} to POST to", op.Path, param)
	}
	post := sp.Find("POST", collection)
	if post == nil {
		return PlannedCreation{}, fmt.Sprintf("no POST %s creates its objects", collection)
	}
	if !post.Servable() {
		return PlannedCreation{}, fmt.Sprintf("%s needs a scheme the harness cannot send: %s", post.Key(), post.SecurityWhy)
	}
	// The path alone is judged: a creating POST's operationId says
	// "create", which is what is wanted here.
	if why := pathActionReason(post.Path); why != "" {
		return PlannedCreation{}, fmt.Sprintf("%s reads like an action: %s", post.Key(), why)
	}
	for _, q := range post.Params {
		if q.In == "path" {
			continue // the collection's parents: filled from the creator's owns at run time
		}
		if why := unfillableParam(*post, q, nil); why != "" {
			return PlannedCreation{}, fmt.Sprintf("%s: %s", post.Key(), why)
		}
	}
	step := PlannedCreation{Param: param, Create: post.Key(), CreateOp: *post, ObjectPath: op.Path}
	del := sp.Find("DELETE", op.Path)
	switch {
	case del == nil:
		step.Note = fmt.Sprintf("no DELETE %s: created objects are left behind and listed in the report", op.Path)
	case !slices.Contains(cfg.Methods, "DELETE"):
		step.Note = fmt.Sprintf("%s would remove them, but the config's methods do not allow DELETE: created objects are left behind and listed in the report", del.Key())
	default:
		step.Delete, step.DeleteOp = del.Key(), del
	}
	return step, ""
}

// usersWithoutOwns names the users of cfg that list no ids for param.
func usersWithoutOwns(cfg *config.Config, param string) []string {
	out := []string{}
	for _, u := range cfg.Users {
		if len(u.Owns[param]) == 0 {
			out = append(out, u.Name)
		}
	}
	return out
}

// creationSummary is the plan's creation line.
func creationSummary(steps []PlannedCreation, refused []string) string {
	if len(steps) == 0 {
		msg := "nothing to create: every id parameter of the attacked operations has ids, or no POST creates its objects"
		if len(refused) > 0 {
			msg = "nothing to create: " + strings.Join(refused, "; ")
		}
		return msg
	}
	var parts []string
	for _, st := range steps {
		del := "deleted afterwards by " + st.Delete
		if st.Delete == "" {
			del = "left behind (" + st.Note + ")"
		}
		parts = append(parts, fmt.Sprintf("%s via %s, %s", st.Param, st.Create, del))
	}
	msg := fmt.Sprintf("creates, as each user that no owns and no listing gives ids for, at most one object per parameter (%d in all): %s",
		DefaultMaxCreates, strings.Join(parts, "; "))
	if len(refused) > 0 {
		msg += "; not created: " + strings.Join(refused, "; ")
	}
	return msg
}

// appendNew appends s unless list holds it.
func AppendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}
