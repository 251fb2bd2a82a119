package harness

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
)

// Restoring: every change a write made is written back as the object's
// owner (its old values through the operation's restore route, a PUT or
// PATCH), then read back to confirm. What cannot be written back (a
// deleted object, an action with no PUT or PATCH beside it, a restore the
// server refuses) is listed in the report's writes.unrestored.

// writeLedger keeps a run's write counts; its zero value is ready.
type writeLedger struct {
	mu         sync.Mutex
	n          int
	sentN      int
	changed    int
	restored   int
	unrestored []UnrestoredWrite
}

// marker is the next marker text: bolaharness-<seed>-<n>, unique in the run.
func (l *writeLedger) marker(seed int64) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.n++
	return fmt.Sprintf("bolaharness-%d-%d", seed, l.n)
}

func (l *writeLedger) sent() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sentN++
}

// outcome counts one change and whether it was undone.
func (l *writeLedger) outcome(restored bool, u UnrestoredWrite) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.changed++
	if restored {
		l.restored++
		return
	}
	l.unrestored = append(l.unrestored, u)
}

// summary is the report's writes entry; nil when no write was sent.
func (l *writeLedger) summary() *WriteSummary {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.sentN == 0 {
		return nil
	}
	return &WriteSummary{Sent: l.sentN, Changed: l.changed, Restored: l.restored,
		Unrestored: append([]UnrestoredWrite{}, l.unrestored...)}
}

// undo writes u's object id back to before, as u, and confirms it by
// reading it again; the outcome goes to the ledger and to res.
func (w *writeRun) undo(ctx context.Context, u *User, id string, before objectState, after Exchange, res *writeResult) {
	rec := UnrestoredWrite{Operation: w.g.op.Operation, Owner: u.Name, Object: w.readRequest(u, id).URL, Marker: res.marker}
	why := w.restoreWrite(ctx, u, id, before, after)
	if why == "" {
		now := w.read(ctx, u, id)
		if diff := changedLeaves(before.x, now, "", before.volatile, ""); len(diff) > 0 || !isSuccess(now) {
			why = fmt.Sprintf("written back, but %s's read-back still differs (%s)", u.Name, diffPaths(diff, now))
		} else {
			w.states[u.Name+"\x00"+id] = &objectState{x: now, volatile: before.volatile}
		}
	}
	if why != "" {
		rec.Why = why
		res.notes = append(res.notes, fmt.Sprintf("NOT restored: %s's object %s: %s", u.Name, rec.Object, why))
	} else {
		res.restored = append(res.restored, fmt.Sprintf("%s's object %s written back and read as before", u.Name, rec.Object))
	}
	w.s.writes.outcome(why == "", rec)
}

func diffPaths(diff []Evidence, now Exchange) string {
	if !isSuccess(now) {
		return "status " + statusText(now)
	}
	var paths []string
	for _, e := range diff {
		paths = append(paths, e.Path)
	}
	return strings.Join(paths, ", ")
}

// restoreWrite sends the write that puts before back, as u; "" when sent
// and answered 2xx, else why it could not be.
func (w *writeRun) restoreWrite(ctx context.Context, u *User, id string, before objectState, after Exchange) string {
	wp := w.g.op.Write
	switch {
	case gone(after):
		return "the object was deleted; a deleted object cannot be written back"
	case wp.restore == nil:
		return wp.Note
	}
	rop := *wp.restore
	doc, why := restoreBody(rop, before.x, after)
	if why != "" {
		return why
	}
	c := w.g.plainCase(id)
	if id == "" {
		c = Case{Placement: placeOmit}
	}
	fill, ok := w.g.ownFill(u)
	if !ok {
		fill = w.g.fill
	}
	req := w.g.parts(c, fill, doc, false).build(w.s.baseURL, rop.Method, rop.Path)
	x := w.s.client.DoRequest(ctx, u, req)
	if !isSuccess(x) {
		return fmt.Sprintf("%s %s as %s answered %s", rop.Method, req.URL, u.Name, statusText(x))
	}
	return ""
}

// restoreBody is the body that writes before back through rop: the whole
// writable object for a PUT, the fields that changed for a PATCH.
func restoreBody(rop Operation, before, after Exchange) (any, string) {
	schema := writeSchema(rop)
	if schema == nil {
		return nil, ""
	}
	props, _ := objectProperties(schema)
	was, errWas := readJSONDoc(before.Body)
	now, errNow := readJSONDoc(after.Body)
	if errWas != nil {
		return nil, "the read-back before the write is not JSON; nothing to write back"
	}
	old, ok := unwrapObject(was, props)
	if !ok {
		return nil, fmt.Sprintf("the read-back does not hold the fields %s takes; nothing to write back", rop.Key())
	}
	old = writable(old, props)
	if rop.Method != http.MethodPatch {
		return old, ""
	}
	patch := map[string]any{}
	cur := map[string]any{}
	if errNow == nil {
		if obj, ok := unwrapObject(now, props); ok {
			cur = obj
		}
	}
	for k, v := range old {
		if !jsonEqual(v, cur[k]) {
			patch[k] = v
		}
	}
	return patch, ""
}
