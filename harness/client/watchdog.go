package client

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// watchdog enforces the per-request timeout of one client with a single
// timer, where a context.WithTimeout per attempt started and stopped a
// runtime timer for every request sent (and nearly every request finishes
// long before its timeout). Every attempt has the same timeout, so the
// attempts in flight, kept in the order they started, are also in the order
// of their deadlines: the timer only ever needs to wake for the oldest.
//
// An attempt is cut at most slack after its deadline (the timer waits for
// the oldest deadline plus slack, then cuts every attempt whose deadline has
// passed), a delay of 1/64 of the timeout that the report's "timeout after"
// does not show and that saves re-arming the timer for each deadline.
//
// The timer is armed while attempts are in flight and disarms itself when it
// fires with none left, so an idle client holds no timer and no goroutine:
// there is nothing to stop or close. It is not stopped when the last attempt
// ends, since restarting it for the next one would again cost a timer
// operation per request.
type watchdog struct {
	timeout time.Duration
	slack   time.Duration
	epoch   time.Time // deadlines are kept as monotonic offsets from it

	mu         sync.Mutex
	head, tail *attempt // in flight, oldest first
	timer      *time.Timer
	armed      bool // the timer is set, or its callback is about to run
}

// newWatchdog returns the watchdog of a client whose requests each may take
// timeout.
func newWatchdog(timeout time.Duration) *watchdog {
	w := &watchdog{timeout: timeout, slack: timeout / 64, epoch: time.Now()}
	w.timer = time.AfterFunc(time.Hour, w.fire)
	w.timer.Stop()
	return w
}

// attempt is the context of one attempt to send a request: a child of the
// caller's context that the watchdog cancels once the timeout has passed.
// It carries the attempt's redirect note itself, where a context.WithValue
// and a separate note were two more allocations per attempt.
type attempt struct {
	// Context is the attempt's own cancelable context. Its Done, Err and
	// Value(&cancelCtxKey) are the attempt's, so that net/http's child
	// context of each round trip registers with it directly (no goroutine).
	context.Context
	cancel   context.CancelCauseFunc
	note     redirectNote
	user     string        // the name of the user sending (SenderOf)
	deadline time.Duration // since the watchdog's epoch
	// cut is set when the watchdog cancelled the attempt for its timeout,
	// which tells a timeout apart whatever error the transport made of it
	// (HTTP/2 reports context.Canceled).
	cut        atomic.Bool
	prev, next *attempt
	listed     bool // in the watchdog's list
}

// Value answers the redirect note's key with the attempt's note, the
// sender's key with its user, and asks the parent contexts for the rest.
func (a *attempt) Value(key any) any {
	switch key.(type) {
	case redirectNoteKey:
		return &a.note
	case senderKey:
		return a.user
	}
	return a.Context.Value(key)
}

// timedOut reports whether the watchdog cut the attempt for its timeout.
func (a *attempt) timedOut() bool { return a.cut.Load() }

// explain returns err, or context.DeadlineExceeded when the watchdog cut the
// attempt and the caller's context is still alive, whatever error the
// transport turned the cut into; the client's reasons and its timeout
// bookkeeping then read as they did with a context.WithTimeout.
func (a *attempt) explain(ctx context.Context, err error) error {
	if err != nil && a.timedOut() && ctx.Err() == nil && !errors.Is(err, context.DeadlineExceeded) {
		return context.DeadlineExceeded
	}
	return err
}

// start begins an attempt under ctx; the caller must finish it.
func (w *watchdog) start(ctx context.Context) *attempt {
	actx, cancel := context.WithCancelCause(ctx)
	a := &attempt{Context: actx, cancel: cancel}
	w.mu.Lock()
	// The deadline is read under the lock, so the list stays in deadline
	// order however the starting goroutines interleave.
	a.deadline = time.Since(w.epoch) + w.timeout
	a.listed, a.prev = true, w.tail
	if w.tail != nil {
		w.tail.next = a
	} else {
		w.head = a
	}
	w.tail = a
	if !w.armed {
		w.armed = true
		w.timer.Reset(w.timeout + w.slack)
	}
	w.mu.Unlock()
	return a
}

// finish ends an attempt: it leaves the list and its context is canceled
// (which releases what net/http registered on it).
func (w *watchdog) finish(a *attempt) {
	w.mu.Lock()
	if a.listed {
		w.unlink(a)
	}
	w.mu.Unlock()
	a.cancel(nil)
}

// unlink removes a from the list; w.mu is held.
func (w *watchdog) unlink(a *attempt) {
	if a.prev != nil {
		a.prev.next = a.next
	} else {
		w.head = a.next
	}
	if a.next != nil {
		a.next.prev = a.prev
	} else {
		w.tail = a.prev
	}
	a.prev, a.next, a.listed = nil, nil, false
}

// fire cuts every attempt whose deadline has passed and sets the timer for
// the oldest one left, or disarms it when none is left.
func (w *watchdog) fire() {
	var cut []*attempt
	w.mu.Lock()
	now := time.Since(w.epoch)
	for a := w.head; a != nil && a.deadline <= now; a = w.head {
		w.unlink(a)
		a.cut.Store(true)
		cut = append(cut, a)
	}
	if w.head != nil {
		w.timer.Reset(w.head.deadline - now + w.slack)
	} else {
		w.armed = false
	}
	w.mu.Unlock()
	// Canceling runs net/http's cancel functions: outside the lock, so that
	// attempts starting meanwhile do not wait for them.
	for _, a := range cut {
		a.cancel(context.DeadlineExceeded)
	}
}

// inFlight is how many attempts are in the list, and whether the timer is
// armed, for tests.
func (w *watchdog) inFlight() (n int, armed bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for a := w.head; a != nil; a = a.next {
		n++
	}
	return n, w.armed
}
