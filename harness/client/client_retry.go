package client

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Retry settings for 429 Too Many Requests and 503 Service Unavailable.
const (
	// DefaultMaxRetries is how often one request is retried after a 429 or
	// a 503 that carries Retry-After.
	DefaultMaxRetries = 2
	// DefaultMaxRetryWait caps the wait Retry-After may ask for; a server
	// asking for longer is given up on, so a scan never sleeps for an hour.
	DefaultMaxRetryWait = 30 * time.Second
	// minRetryWait is the least pause after a 429, so that "Retry-After: 0"
	// cannot make the harness retry in a tight loop.
	minRetryWait = 250 * time.Millisecond
	// firstBackoff is the pause after a 429 without Retry-After; it doubles
	// with each retry.
	firstBackoff = time.Second
)

// retryPolicy decides on retries and holds the pause that Retry-After asks
// for. The pause applies to the whole client, not only the request that got
// the 429: the server is telling the harness as a whole to slow down.
type retryPolicy struct {
	max     int // -1 = never retry
	maxWait time.Duration
	now     func() time.Time

	mu         sync.Mutex
	pauseUntil time.Time

	limited atomic.Int64 // 429 and 503 answers seen
	gaveUp  atomic.Int64 // requests that stayed 429/503 after retrying
}

func newRetryPolicy(opts ClientOptions) *retryPolicy {
	return &retryPolicy{
		max:     orDefault(opts.MaxRetries, DefaultMaxRetries),
		maxWait: orDefaultDuration(opts.MaxRetryWait, DefaultMaxRetryWait),
		now:     time.Now,
	}
}

// decide looks at a finished attempt: again says to send it once more (the
// pause is already set), overloaded that the server kept refusing and the
// attempt's Err now says why.
func (p *retryPolicy) Decide(x *Exchange, attempt int) (again, overloaded bool) {
	if x.Err != "" || (x.Status != http.StatusTooManyRequests && x.Status != http.StatusServiceUnavailable) {
		return false, false
	}
	p.limited.Add(1)
	what := "rate-limited (status 429)"
	if x.Status == http.StatusServiceUnavailable {
		what = "service unavailable (status 503)"
	}
	wait, given := retryAfter(x.Header.Get("Retry-After"), p.now())
	switch {
	case p.max < 0 || attempt >= p.max:
		x.Err = fmt.Sprintf("%s after %d retries; lower `rate` in the config or run when the server is less busy", what, attempt)
	case !given && x.Status == http.StatusServiceUnavailable:
		x.Err = what + " without Retry-After; not retried"
	case given && wait > p.maxWait:
		x.Err = fmt.Sprintf("%s: Retry-After asks for %s, more than the %s the harness waits; run later or lower `rate`", what, wait, p.maxWait)
	default:
		if !given {
			wait = firstBackoff << attempt
		}
		p.pause(min(max(wait, minRetryWait), p.maxWait))
		return true, false
	}
	p.gaveUp.Add(1)
	return false, true
}

// pause holds every request back for d from now (a longer pause already
// set stays).
func (p *retryPolicy) pause(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if until := p.now().Add(d); until.After(p.pauseUntil) {
		p.pauseUntil = until
	}
}

// waitPause returns once no pause is in force, or with ctx's error.
func (p *retryPolicy) waitPause(ctx context.Context) error {
	for {
		p.mu.Lock()
		d := p.pauseUntil.Sub(p.now())
		p.mu.Unlock()
		if d <= 0 {
			return ctx.Err()
		}
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// retryAfter reads a Retry-After value: seconds, or an HTTP date. given is
// false when the header is absent or unreadable.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseUint(v, 10, 64); err == nil {
		const maxSecs = uint64(1<<63-1) / uint64(time.Second)
		return time.Duration(min(secs, maxSecs)) * time.Second, true
	}
	if when, err := http.ParseTime(v); err == nil {
		return max(when.Sub(now), 0), true
	}
	return 0, false
}

// warnings say how often the server pushed back.
func (p *retryPolicy) warnings() []string {
	n := p.limited.Load()
	if n == 0 {
		return nil
	}
	return []string{fmt.Sprintf("the server answered 429/503 %d times; the harness paused as asked (Retry-After, at most %s) and gave up on %d requests; lower `rate` in the config",
		n, p.maxWait, p.gaveUp.Load())}
}
