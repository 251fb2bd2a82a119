package client

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stallingServer answers /fast at once and holds every other request until
// the client gives up (or 5 s pass).
func stallingServer(t *testing.T, h2 bool) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/fast" {
			w.Header().Set("X-Proto", r.Proto)
			_, _ = w.Write([]byte("ok"))
			return
		}
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	if h2 {
		srv.EnableHTTP2 = true
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	return srv
}

// A stalled answer is cut after the timeout, never before it and at most a
// little after it, over HTTP/1.1 and over HTTP/2 (which reports the cut as
// context.Canceled, not as a deadline).
func TestWatchdog_CutsAStalledRequestAtItsTimeout(t *testing.T) {
	const timeout = 200 * time.Millisecond
	for _, h2 := range []bool{false, true} {
		srv := stallingServer(t, h2)
		c := newTestClient(t, srv.URL, func(o *ClientOptions) {
			o.Timeout = timeout
			if h2 {
				o.Transport = srv.Client().Transport
			}
		})
		x := c.Do(context.Background(), testAlice, "GET", srv.URL+"/stall")
		assert.Equal(t, "timeout after 200ms", x.Err, "h2=%v", h2)
		assert.Zero(t, x.Status)
		assert.GreaterOrEqual(t, x.Duration, timeout, "cut before its deadline (h2=%v)", h2)
		assert.Less(t, x.Duration, timeout+timeout/64+time.Second, "h2=%v", h2)
		if h2 {
			fast := c.Do(context.Background(), testAlice, "GET", srv.URL+"/fast")
			require.Empty(t, fast.Err)
			assert.Equal(t, "HTTP/2.0", fast.Header.Get("X-Proto"), "the request went over HTTP/2")
		}
	}
}

// Requests started at different times are each cut at their own deadline:
// the timer, set for the oldest, re-arms for the next.
func TestWatchdog_EachAttemptAtItsOwnDeadline(t *testing.T) {
	const timeout = 300 * time.Millisecond
	srv := stallingServer(t, false)
	c := newTestClient(t, srv.URL, func(o *ClientOptions) { o.Timeout = timeout })
	var wg sync.WaitGroup
	xs := make([]Exchange, 3)
	for i := range xs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			xs[i] = c.Do(context.Background(), testAlice, "GET", srv.URL+"/stall")
		}()
		time.Sleep(120 * time.Millisecond)
	}
	wg.Wait()
	for i, x := range xs {
		assert.Equal(t, "timeout after 300ms", x.Err, "request %d", i)
		assert.GreaterOrEqual(t, x.Duration, timeout, "request %d cut early", i)
		assert.Less(t, x.Duration, timeout+timeout/64+time.Second, "request %d cut late", i)
	}
}

// The caller canceling its context ends a request at once, reported as
// canceled and not as a timeout (which would feed the operation's breaker).
func TestWatchdog_ParentCancellation(t *testing.T) {
	srv := stallingServer(t, false)
	c := newTestClient(t, srv.URL, func(o *ClientOptions) { o.Timeout = 10 * time.Second })
	ctx, cancel := context.WithCancelCause(context.Background())
	time.AfterFunc(100*time.Millisecond, func() { cancel(errors.New("the run was stopped")) })
	start := time.Now()
	x := c.Do(ctx, testAlice, "GET", srv.URL+"/stall")
	assert.Less(t, time.Since(start), 3*time.Second)
	assert.Equal(t, "canceled: the run was stopped", x.Err)
	n, _ := c.watch.inFlight()
	assert.Zero(t, n, "the canceled attempt left the watchdog's list")
}

// Attempts that finish in time are never cut; those that do not are cut
// with context.DeadlineExceeded as the cause; once none is left the timer
// disarms itself, and no goroutine stays behind.
func TestWatchdog_CutsOnlyLateAttemptsAndStopsWhenIdle(t *testing.T) {
	goroutines := runtime.NumGoroutine()
	const timeout = 80 * time.Millisecond
	w := newWatchdog(timeout)
	parent, stop := context.WithCancel(context.Background())
	defer stop()
	var early, late []*attempt
	for i := 0; i < 50; i++ {
		early = append(early, w.start(parent))
		late = append(late, w.start(parent))
	}
	n, armed := w.inFlight()
	assert.Equal(t, 100, n)
	assert.True(t, armed)
	for _, a := range early {
		w.finish(a)
	}
	for _, a := range late {
		select {
		case <-a.Done():
		case <-time.After(5 * time.Second):
			t.Fatal("a late attempt was never cut")
		}
		assert.True(t, a.timedOut())
		assert.ErrorIs(t, context.Cause(a), context.DeadlineExceeded)
		assert.ErrorIs(t, a.explain(parent, context.Canceled), context.DeadlineExceeded,
			"a cut reported as canceled (HTTP/2) still reads as a timeout")
		w.finish(a)
	}
	for _, a := range early {
		assert.False(t, a.timedOut(), "an attempt that finished in time was cut")
		assert.ErrorIs(t, context.Cause(a), context.Canceled)
	}
	assert.NoError(t, parent.Err(), "cutting an attempt leaves its parent alone")
	require.Eventually(t, func() bool { _, armed := w.inFlight(); return !armed },
		5*time.Second, 10*time.Millisecond, "the timer disarms once no attempt is in flight")
	// Polled here, not with Eventually, whose own goroutine would count.
	for end := time.Now().Add(5 * time.Second); runtime.NumGoroutine() > goroutines && time.Now().Before(end); {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > goroutines {
		t.Fatalf("goroutines left behind: %d, were %d\n%s", n, goroutines, stacks())
	}
}

// An attempt's context ends with its parent's, with the parent's cause; a
// timeout is not claimed then, even if the watchdog also cut it.
func TestWatchdog_AttemptFollowsItsParent(t *testing.T) {
	w := newWatchdog(time.Hour)
	parent, cancel := context.WithCancelCause(context.Background())
	a := w.start(parent)
	cause := errors.New("stopped")
	cancel(cause)
	<-a.Done()
	assert.ErrorIs(t, context.Cause(a), cause)
	assert.False(t, a.timedOut())
	a.cut.Store(true)
	assert.Equal(t, context.Canceled, a.explain(parent, context.Canceled), "the parent's end is not a timeout")
	w.finish(a)
	n, _ := w.inFlight()
	assert.Zero(t, n)
	assert.Same(t, &a.note, noteOf(a), "the attempt carries its redirect note")
}

// stacks is every goroutine's stack, to show what was left behind.
func stacks() string {
	buf := make([]byte, 1<<20)
	return string(buf[:runtime.Stack(buf, true)])
}
