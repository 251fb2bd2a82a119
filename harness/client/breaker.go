package client

import (
	"context"
	"fmt"
	"sort"
	"sync"
)

// operationKey carries the operation a request belongs to, for the breaker.
type OperationKey struct{}

// WithOperation tags ctx with the operation ("GET /items/{id}") whose
// requests it carries, so that the client's breaker can stop an operation
// that keeps timing out without touching the others.
func WithOperation(ctx context.Context, operation string) context.Context {
	return context.WithValue(ctx, OperationKey{}, operation)
}

// operationOf is the operation ctx was tagged with, or "".
func operationOf(ctx context.Context) string {
	op, ok := ctx.Value(OperationKey{}).(string)
	if !ok {
		return ""
	}
	return op
}

// breaker stops sending to an operation after limit timeouts (or rate-limit
// give-ups) in a row: a struggling endpoint on a shared staging server is
// left alone instead of hammered with every remaining case. An answer in
// between resets the count; once open, an operation stays stopped for the
// run.
type breaker struct {
	limit int // -1 = never open
	mu    sync.Mutex
	ops   map[string]*opHealth
}

type opHealth struct {
	inARow  int
	open    bool
	refused int // requests not sent since it opened
}

func newBreaker(limit int) *breaker {
	return &breaker{limit: limit, ops: map[string]*opHealth{}}
}

// refusal says why a request must not be sent, or "" when it may.
func (b *breaker) refusal(ctx context.Context) string {
	op := operationOf(ctx)
	if op == "" || b.limit < 0 {
		return ""
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	h := b.ops[op]
	if h == nil || !h.open {
		return ""
	}
	h.refused++
	return fmt.Sprintf("not sent: %d requests in a row to %s timed out or were refused as overload; the rest of its cases are stopped so as not to hammer it (maxTimeouts: %d)", b.limit, op, b.limit)
}

// record counts one finished request: overloaded (timeout, rate limit given
// up on) adds to the run of failures, any other answer ends it.
func (b *breaker) record(ctx context.Context, overloaded, answered bool) {
	op := operationOf(ctx)
	if op == "" || b.limit < 0 || (!overloaded && !answered) {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	h := b.ops[op]
	if h == nil {
		h = &opHealth{}
		b.ops[op] = h
	}
	if !overloaded {
		h.inARow = 0
		return
	}
	h.inARow++
	if h.inARow >= b.limit {
		h.open = true
	}
}

// warnings name every operation the breaker stopped.
func (b *breaker) warnings() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for op, h := range b.ops {
		if h.open {
			out = append(out, fmt.Sprintf("%s: stopped after %d timeouts or overload answers in a row; %d requests to it were not sent (maxTimeouts)", op, b.limit, h.refused))
		}
	}
	sort.Strings(out)
	return out
}
