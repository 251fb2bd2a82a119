package client

import (
	"context"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bolaharness/bolaharness/harness/secret"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// limitedServer answers 429 (with the given Retry-After, "" for none) to
// the first n requests, then 200.
func limitedServer(t *testing.T, n int32, status int, retryAfter string) (*wireRecorder, *[]time.Time) {
	t.Helper()
	var count atomic.Int32
	var mu sync.Mutex
	var times []time.Time
	srv := newWireRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		times = append(times, time.Now())
		mu.Unlock()
		if count.Add(1) <= n {
			if retryAfter != "" {
				w.Header().Set("Retry-After", retryAfter)
			}
			w.WriteHeader(status)
			return
		}
		fmt.Fprint(w, "ok")
	})
	return srv, &times
}

func TestClient_RetryAfterHonoured(t *testing.T) {
	srv, times := limitedServer(t, 1, http.StatusTooManyRequests, "1")
	c := newTestClient(t, srv.URL, nil)
	x := c.Do(context.Background(), testAlice, "GET", srv.URL+"/x")
	require.Empty(t, x.Err)
	assert.Equal(t, 200, x.Status)
	assert.Equal(t, 1, x.Retries)
	assert.Equal(t, int64(2), c.Requests(), "the retry is a request sent")
	require.Len(t, *times, 2)
	gap := (*times)[1].Sub((*times)[0])
	assert.GreaterOrEqual(t, gap, 950*time.Millisecond, "waited the second Retry-After asked for")
	assert.Less(t, gap, 3*time.Second)
	assert.Contains(t, c.Warnings()[0], "the server answered 429/503 1 times")
}

func TestClient_RetryGivesUp(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		retryAfter string
		wantErr    string
		wantSent   int64
	}{
		{"always 429", 429, "0", "rate-limited (status 429) after 2 retries", 3},
		{"wait too long", 429, "3600", "Retry-After asks for 1h0m0s, more than the 30s the harness waits", 1},
		{"date too far", 429, time.Now().Add(2 * time.Hour).UTC().Format(http.TimeFormat), "more than the 30s the harness waits", 1},
		{"503 without Retry-After", 503, "", "service unavailable (status 503) without Retry-After; not retried", 1},
		{"503 with Retry-After", 503, "0", "service unavailable (status 503) after 2 retries", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := limitedServer(t, 100, tt.status, tt.retryAfter)
			c := newTestClient(t, srv.URL, nil)
			start := time.Now()
			x := c.Do(context.Background(), testAlice, "GET", srv.URL+"/x")
			assert.Contains(t, x.Err, tt.wantErr)
			assert.Equal(t, tt.status, x.Status, "the last answer is kept")
			assert.Equal(t, tt.wantSent, c.Requests())
			assert.Less(t, time.Since(start), 2*time.Second, "Retry-After: 0 still waits only minRetryWait")
		})
	}
}

func TestClient_RetryPausesEveryRequest(t *testing.T) {
	var first atomic.Bool
	var mu sync.Mutex
	var limitedAt time.Time
	var after []time.Duration
	srv := newWireRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if r.URL.Path == "/limited" && first.CompareAndSwap(false, true) {
			limitedAt = time.Now()
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		if !limitedAt.IsZero() {
			after = append(after, time.Since(limitedAt))
		}
	})
	c := newTestClient(t, srv.URL, func(o *ClientOptions) { o.Concurrency = 4 })
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); c.Do(context.Background(), testAlice, "GET", srv.URL+"/limited") }()
	time.Sleep(100 * time.Millisecond)
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); c.Do(context.Background(), testAlice, "GET", srv.URL+"/other") }()
	}
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, after, 4, "three requests and the retry")
	for _, d := range after {
		assert.GreaterOrEqual(t, d, 900*time.Millisecond, "other requests wait for the pause too")
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		in    string
		want  time.Duration
		given bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{" 7 ", 7 * time.Second, true},
		{"-3", 0, false},
		{"soon", 0, false},
		{"99999999999999999999", 0, false},
		{"18446744073709551615", time.Duration(1<<63-1) / time.Second * time.Second, true},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
	}
	for _, tt := range tests {
		got, given := retryAfter(tt.in, now)
		assert.Equal(t, tt.given, given, tt.in)
		assert.Equal(t, tt.want, got, tt.in)
	}
}

func TestClient_BreakerStopsOneOperation(t *testing.T) {
	var slowHits atomic.Int32
	srv := newWireRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			slowHits.Add(1)
			<-r.Context().Done()
			return
		}
		fmt.Fprint(w, "ok")
	})
	c := newTestClient(t, srv.URL, func(o *ClientOptions) { o.Timeout = 50 * time.Millisecond; o.MaxTimeouts = 2 })
	slow := WithOperation(context.Background(), "GET /slow")
	fast := WithOperation(context.Background(), "GET /fast")
	var errs []string
	for i := 0; i < 4; i++ {
		errs = append(errs, c.Do(slow, testAlice, "GET", srv.URL+"/slow").Err)
	}
	assert.Equal(t, "timeout after 50ms", errs[0])
	assert.Equal(t, "timeout after 50ms", errs[1])
	assert.Contains(t, errs[2], "not sent: 2 requests in a row to GET /slow timed out")
	assert.Equal(t, errs[2], errs[3])
	assert.Equal(t, int32(2), slowHits.Load(), "nothing more reaches the struggling operation")
	assert.Empty(t, c.Do(fast, testAlice, "GET", srv.URL+"/fast").Err, "other operations go on")
	assert.Equal(t, "timeout after 50ms", c.Do(context.Background(), testAlice, "GET", srv.URL+"/slow").Err, "a request without an operation is not stopped")
	assert.Contains(t, c.Warnings(), "GET /slow: stopped after 2 timeouts or overload answers in a row; 2 requests to it were not sent (maxTimeouts)")
}

func TestClient_BreakerCountsOnlyTimeoutsInARow(t *testing.T) {
	var n atomic.Int32
	srv := newWireRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1)%2 == 1 { // every other request stalls
			<-r.Context().Done()
		}
	})
	c := newTestClient(t, srv.URL, func(o *ClientOptions) { o.Timeout = 30 * time.Millisecond; o.MaxTimeouts = 2 })
	ctx := WithOperation(context.Background(), "GET /flaky")
	for i := 0; i < 6; i++ {
		assert.NotContains(t, c.Do(ctx, testAlice, "GET", srv.URL+"/x").Err, "not sent", "an answer in between resets the count")
	}
	stalls := newWireRecorder(t, func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	never := newTestClient(t, stalls.URL, func(o *ClientOptions) { o.Timeout = 20 * time.Millisecond; o.MaxTimeouts = -1 })
	for i := 0; i < 5; i++ {
		assert.Equal(t, "timeout after 20ms", never.Do(ctx, testAlice, "GET", stalls.URL+"/x").Err, "MaxTimeouts -1 never stops")
	}
	assert.Len(t, stalls.Hits(), 5)
}

func TestClient_ErrorsAreRedacted(t *testing.T) {
	other := newWireRecorder(t, nil)
	srv := newWireRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/steal?t="+r.Header.Get("Authorization")[len("Bearer "):], http.StatusFound)
	})
	c := newTestClient(t, srv.URL, func(o *ClientOptions) { o.Secrets = []secret.Secret{testAlice.Token} })
	x := c.Do(context.Background(), testAlice, "GET", srv.URL+"/x")
	assert.Equal(t, "redirect to another origin refused: "+other.URL+"/steal?t=[redacted]", x.Err)
	assert.Empty(t, other.Hits())
}

func TestClient_HeaderTimeout(t *testing.T) {
	srv := newWireRecorder(t, func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	c, err := NewClient(ClientOptions{BaseURL: srv.URL, RateUnlimited: true, Timeout: 5 * time.Second, HeaderTimeout: 50 * time.Millisecond})
	require.NoError(t, err)
	start := time.Now()
	x := c.Do(context.Background(), testAlice, "GET", srv.URL+"/x")
	assert.Equal(t, "timeout waiting for response headers", x.Err)
	assert.Less(t, time.Since(start), 2*time.Second)
}

func TestClient_TLS(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "secure") }))
	t.Cleanup(srv.Close)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600))

	verified, err := NewClient(ClientOptions{BaseURL: srv.URL, RateUnlimited: true})
	require.NoError(t, err)
	x := verified.Do(context.Background(), testAlice, "GET", srv.URL+"/x")
	assert.Contains(t, x.Err, "TLS: the server's certificate is signed by an unknown authority; give its CA in PEM form with caFile")
	assert.Zero(t, x.Status)

	withCA, err := NewClient(ClientOptions{BaseURL: srv.URL, RateUnlimited: true, CAFile: caFile})
	require.NoError(t, err)
	x = withCA.Do(context.Background(), testAlice, "GET", srv.URL+"/x")
	require.Empty(t, x.Err)
	assert.Equal(t, "secure", string(x.Body))
	assert.Empty(t, withCA.Warnings())

	insecure, err := NewClient(ClientOptions{BaseURL: srv.URL, RateUnlimited: true, InsecureSkipVerify: true})
	require.NoError(t, err)
	x = insecure.Do(context.Background(), testAlice, "GET", srv.URL+"/x")
	require.Empty(t, x.Err)
	assert.Equal(t, []string{InsecureWarning}, insecure.Warnings())

	_, err = NewClient(ClientOptions{BaseURL: srv.URL, CAFile: filepath.Join(t.TempDir(), "missing.pem")})
	assert.ErrorContains(t, err, "caFile: ")
}

func TestClient_BudgetWarning(t *testing.T) {
	srv := newWireRecorder(t, nil)
	c := newTestClient(t, srv.URL, func(o *ClientOptions) { o.MaxRequests = 2 })
	for i := 0; i < 5; i++ {
		c.Do(context.Background(), testAlice, "GET", srv.URL+"/x")
	}
	assert.True(t, c.Exhausted())
	assert.Equal(t, []string{"request budget of 2 reached: 3 requests were not sent; raise maxRequests, lower cases, or split the run with BOLA_SHARD"}, c.Warnings())
}

func TestExchange_Oddity(t *testing.T) {
	jsonHeader := http.Header{"Content-Type": {"application/json; charset=utf-8"}}
	tests := []struct {
		name string
		x    Exchange
		want string
	}{
		{"fine", Exchange{Status: 200, Header: jsonHeader, Body: []byte(`{"a":1}`)}, ""},
		{"cut", Exchange{Status: 200, Header: jsonHeader, Body: []byte(`{"a":`), Truncated: true}, "the body was cut at 5 bytes"},
		{"garbage", Exchange{Status: 200, Header: jsonHeader, Body: []byte("{\x00\xff")}, "says application/json but its 3-byte body is not valid JSON"},
		{"problem+json garbage", Exchange{Status: 200, Header: http.Header{"Content-Type": {"application/problem+json"}}, Body: []byte("nope")}, "not valid JSON"},
		{"text is not judged as JSON", Exchange{Status: 200, Header: http.Header{"Content-Type": {"text/plain"}}, Body: []byte("{nope")}, ""},
		{"empty JSON body", Exchange{Status: 200, Header: jsonHeader}, ""},
		{"not a success", Exchange{Status: 404, Header: jsonHeader, Body: []byte("{nope"), Truncated: true}, ""},
		{"failed", Exchange{Err: "timeout", Truncated: true}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.want == "" {
				assert.Empty(t, tt.x.Oddity())
				return
			}
			assert.Contains(t, tt.x.Oddity(), tt.want)
		})
	}
}
