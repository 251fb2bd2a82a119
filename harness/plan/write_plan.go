package plan

import (
	"fmt"
	"strings"

	"github.com/bolaharness/bolaharness/harness/words"

	"github.com/bolaharness/bolaharness/harness/spec"
)

// PlannedWrite says how a write operation (PUT, PATCH, POST, DELETE) is
// judged and undone: by what happened, not by its status. The owner reads
// the object back (Readback) before and after each write; a change the
// owner did not make is a leak. Restore is the operation that writes the
// owner's old value back, as the owner.
type PlannedWrite struct {
	// Readback is the GET that reads the object: on the same path, or on
	// the path without its trailing action (POST /docs/{id}/archive →
	// GET /docs/{id}).
	Readback string `json:"readback"`
	// Restore is the PUT or PATCH that writes the old value back; "" when
	// none can (a change is then reported as not restored).
	Restore string `json:"restore,omitempty"`
	// Note says what cannot be undone, when something cannot.
	Note string `json:"note,omitempty"`

	ReadbackOp spec.Operation  `json:"-"`
	RestoreOp  *spec.Operation `json:"-"`
}

// writeMethods are the methods judged by reading the object back.
var writeMethods = map[string]bool{"PUT": true, "PATCH": true, "POST": true, "DELETE": true}

// readWords mark a POST that reads (a search with its filter in the body):
// it is judged like a GET, by what its answer carries.
var readWords = words.WordSet("search", "query", "find", "lookup", "filter", "list", "export", "report",
	"reports", "count", "get", "fetch", "read", "retrieve", "preview", "summary", "batch")

// planWrite decides how op is judged: nil and "" for reads (GET, HEAD,
// and POSTs that read); a PlannedWrite for writes; a reason to leave op out
// when it writes and nothing reads its object back. A restore route whose
// method is not allowed is none.
func planWrite(spec *spec.Spec, op spec.Operation, allowed map[string]bool) (*PlannedWrite, string) {
	if !writeMethods[op.Method] {
		return nil, ""
	}
	rb := spec.Find("GET", op.Path)
	if rb == nil {
		if stripped, ok := stripAction(op.Path); ok {
			rb = spec.Find("GET", stripped)
		}
	}
	if rb == nil {
		if op.Method == "POST" && readLikePost(op) {
			return nil, ""
		}
		return nil, fmt.Sprintf("no GET reads its object back (GET %s, or the path without a trailing action); a write is judged only by reading the object back as its owner", op.Path)
	}
	if !allowed["GET"] {
		return nil, fmt.Sprintf("a write is judged by reading its object back with %s, which the config's methods do not allow; add GET to methods", rb.Key())
	}
	w := &PlannedWrite{Readback: rb.Key(), ReadbackOp: *rb}
	switch op.Method {
	case "PUT", "PATCH":
		w.RestoreOp = &op
	case "DELETE":
		w.Note = "a deleted object cannot be restored: DELETE is sent only to objects the config's destroy key names"
		return w, ""
	default:
		if w.RestoreOp = spec.Find("PUT", rb.Path); w.RestoreOp == nil {
			w.RestoreOp = spec.Find("PATCH", rb.Path)
		}
	}
	if w.RestoreOp == nil {
		w.Note = fmt.Sprintf("nothing writes the old value back (no PUT or PATCH on %s): a change is reported as not restored", rb.Path)
		return w, ""
	}
	if !allowed[w.RestoreOp.Method] {
		w.Note = fmt.Sprintf("%s would write the old value back, but the config's methods do not allow %s: a change is reported as not restored", w.RestoreOp.Key(), w.RestoreOp.Method)
		w.RestoreOp = nil
		return w, ""
	}
	w.Restore = w.RestoreOp.Key()
	return w, ""
}

// stripAction drops a trailing literal segment (an action such as
// /archive or /approve) from a path whose object comes before it.
func stripAction(path string) (string, bool) {
	i := strings.LastIndexByte(path, '/')
	if i <= 0 || strings.Contains(path[i:], "{") || !strings.Contains(path[:i], "{") {
		return "", false
	}
	return path[:i], true
}

// readLikePost reports whether a POST reads rather than writes, by the
// words of its path and operationId: POST /search, POST /reports/query.
func readLikePost(op spec.Operation) bool {
	ws := words.NameWords(op.ID)
	for _, seg := range strings.Split(op.Path, "/") {
		if !strings.Contains(seg, "{") {
			ws = append(ws, words.NameWords(seg)...)
		}
	}
	for _, w := range ws {
		if readWords[w] {
			return true
		}
	}
	return false
}
