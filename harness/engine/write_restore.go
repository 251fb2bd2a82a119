package engine

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/bolaharness/bolaharness/harness/client"
	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/mutate"
	"github.com/bolaharness/bolaharness/harness/oracle"
	"github.com/bolaharness/bolaharness/harness/report"
	"github.com/bolaharness/bolaharness/harness/spec"
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
	unrestored []report.UnrestoredWrite
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
func (l *writeLedger) outcome(restored bool, u report.UnrestoredWrite) {
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
func (l *writeLedger) summary() *report.WriteSummary {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.sentN == 0 {
		return nil
	}
	return &report.WriteSummary{Sent: l.sentN, Changed: l.changed, Restored: l.restored,
		Unrestored: append([]report.UnrestoredWrite{}, l.unrestored...)}
}

// undo writes u's object id back to before, as u, and confirms it by
// reading it again; the outcome goes to the ledger and to res.
func (w *writeRun) undo(ctx context.Context, u *config.User, id string, before objectState, after client.Exchange, res *writeResult) {
	rec := report.UnrestoredWrite{Operation: w.g.op.Operation, Owner: u.Name, Object: w.readRequest(u, id).URL, Marker: res.marker}
	why := w.restoreWrite(ctx, u, id, before, after)
	if why == "" {
		now := w.read(ctx, u, id)
		if diff := oracle.ChangedLeaves(before.x, now, "", before.volatile, ""); len(diff) > 0 || !oracle.IsSuccess(now) {
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

func diffPaths(diff []oracle.Evidence, now client.Exchange) string {
	if !oracle.IsSuccess(now) {
		return "status " + oracle.StatusText(now)
	}
	var paths []string
	for _, e := range diff {
		paths = append(paths, e.Path)
	}
	return strings.Join(paths, ", ")
}

// restoreWrite sends the write that puts before back, as u; "" when sent
// and answered 2xx, else why it could not be.
func (w *writeRun) restoreWrite(ctx context.Context, u *config.User, id string, before objectState, after client.Exchange) string {
	wp := w.g.op.Write
	switch {
	case oracle.Gone(after):
		return "the object was deleted; a deleted object cannot be written back"
	case wp.RestoreOp == nil:
		return wp.Note
	}
	rop := *wp.RestoreOp
	doc, why := restoreBody(rop, before.x, after)
	if why != "" {
		return why
	}
	c := w.g.PlainCase(id)
	if id == "" {
		c = mutate.Case{Placement: mutate.PlaceOmit}
	}
	fill, ok := w.g.ownFill(u)
	if !ok {
		fill = w.g.fill
	}
	req := w.g.parts(c, fill, doc, false).Build(w.s.baseURL, rop.Method, rop.Path)
	x := w.s.client.DoRequest(ctx, u, req)
	if !oracle.IsSuccess(x) {
		return fmt.Sprintf("%s %s as %s answered %s", rop.Method, req.URL, u.Name, oracle.StatusText(x))
	}
	return ""
}

// restoreBody is the body that writes before back through rop: the whole
// writable object for a PUT, the fields that changed for a PATCH.
func restoreBody(rop spec.Operation, before, after client.Exchange) (any, string) {
	schema := mutate.WriteSchema(rop)
	if schema == nil {
		return nil, ""
	}
	props, _ := spec.ObjectProperties(schema)
	was, errWas := mutate.ReadJSONDoc(before.Body)
	now, errNow := mutate.ReadJSONDoc(after.Body)
	if errWas != nil {
		return nil, "the read-back before the write is not JSON; nothing to write back"
	}
	old, ok := mutate.UnwrapObject(was, props)
	if !ok {
		return nil, fmt.Sprintf("the read-back does not hold the fields %s takes; nothing to write back", rop.Key())
	}
	old = mutate.Writable(old, props)
	if rop.Method != http.MethodPatch {
		return old, ""
	}
	patch := map[string]any{}
	cur := map[string]any{}
	if errNow == nil {
		if obj, ok := mutate.UnwrapObject(now, props); ok {
			cur = obj
		}
	}
	for k, v := range old {
		if !mutate.JsonEqual(v, cur[k]) {
			patch[k] = v
		}
	}
	return patch, ""
}
