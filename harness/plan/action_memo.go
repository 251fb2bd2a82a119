package plan

import (
	"sync"

	"github.com/bolaharness/bolaharness/harness/spec"
)

// actionMemo keeps the action-word verdict on each path and operationId
// (pathActionReasonFor, then operationIDActionReason) of one plan: the
// attack plan judges every GET and HEAD (applyActions, addedParam) and
// harvest planning judges every GET again; on a 40,000-operation document
// reading the words twice was a visible share of planning. The summary is
// read by harvesting alone and is not kept.
type actionMemo struct {
	mu sync.Mutex
	m  map[[2]string]string
}

func newActionMemo() *actionMemo { return &actionMemo{m: map[[2]string]string{}} }

// pathOrID is the verdict on op's path and operationId, computed once per
// pair. A nil memo (a Plan built by hand) computes it every time.
func (a *actionMemo) pathOrID(op spec.Operation) string {
	if a == nil {
		return pathOrIDActionReason(op.Path, op.ID)
	}
	key := [2]string{op.Path, op.ID}
	a.mu.Lock()
	why, ok := a.m[key]
	a.mu.Unlock()
	if ok {
		return why
	}
	why = pathOrIDActionReason(op.Path, op.ID)
	a.mu.Lock()
	a.m[key] = why
	a.mu.Unlock()
	return why
}

// reason is ActionReason with the path and operationId verdict memoised.
func (a *actionMemo) reason(op spec.Operation) string {
	if why := a.pathOrID(op); why != "" {
		return why
	}
	if op.Raw != nil {
		return summaryActionReason(op.Raw.Summary, op.ID, op.Path)
	}
	return ""
}

// pathOrIDActionReason checks a path template, then an operationId.
func pathOrIDActionReason(path, operationID string) string {
	if why := pathActionReasonFor(path, operationID); why != "" {
		return why
	}
	return operationIDActionReason(operationID)
}
