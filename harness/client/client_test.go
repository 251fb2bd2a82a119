package client

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/secret"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// wireHit is one request as a test server saw it.
type wireHit struct {
	Method, RequestURI, Authorization, UserAgent, Accept string
}

// wireRecorder is a loopback server that records every request it gets and
// answers with handle (or 200 "ok").
type wireRecorder struct {
	*httptest.Server
	mu   sync.Mutex
	hits []wireHit
}

func newWireRecorder(t *testing.T, handle http.HandlerFunc) *wireRecorder {
	t.Helper()
	w := &wireRecorder{}
	w.Server = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w.mu.Lock()
		w.hits = append(w.hits, wireHit{r.Method, r.RequestURI, r.Header.Get("Authorization"), r.UserAgent(), r.Header.Get("Accept")})
		w.mu.Unlock()
		if handle != nil {
			handle(rw, r)
			return
		}
		fmt.Fprint(rw, "ok")
	}))
	t.Cleanup(w.Close)
	return w
}

func (w *wireRecorder) Hits() []wireHit {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]wireHit(nil), w.hits...)
}

var testAlice = &config.User{Name: "alice", Token: secret.NewSecret("alice-token")}

// newTestClient builds an unlimited-rate client for base, then applies edit.
func newTestClient(t *testing.T, base string, edit func(*ClientOptions)) *Client {
	t.Helper()
	opts := ClientOptions{BaseURL: base, RateUnlimited: true}
	if edit != nil {
		edit(&opts)
	}
	c, err := NewClient(opts)
	require.NoError(t, err)
	return c
}

func TestClient_SendsTokenAndHeaders(t *testing.T) {
	srv := newWireRecorder(t, nil)
	c := newTestClient(t, srv.URL, nil)
	x := c.Do(context.Background(), testAlice, "GET", srv.URL+"/invoices/7")
	require.Empty(t, x.Err)
	assert.Equal(t, 200, x.Status)
	assert.Equal(t, "ok", string(x.Body))
	assert.Equal(t, "alice", x.User)
	assert.Equal(t, srv.URL+"/invoices/7", x.URL)
	assert.Positive(t, x.Duration)
	x = c.Do(context.Background(), nil, "GET", srv.URL+"/public")
	require.Empty(t, x.Err)

	hits := srv.Hits()
	require.Len(t, hits, 2)
	assert.Equal(t, wireHit{"GET", "/invoices/7", "Bearer alice-token", UserAgent, "application/json, */*;q=0.5"}, hits[0])
	assert.True(t, strings.HasPrefix(hits[0].UserAgent, "bolaharness/"))
	assert.Empty(t, hits[1].Authorization, "no user, no token")
	assert.Equal(t, int64(2), c.Requests())
}

func TestClient_MethodAllowList(t *testing.T) {
	srv := newWireRecorder(t, nil)
	c := newTestClient(t, srv.URL, nil)
	for _, m := range []string{"POST", "DELETE", "PUT", "get"} {
		x := c.Do(context.Background(), testAlice, m, srv.URL+"/x")
		assert.Equal(t, fmt.Sprintf("method %s not allowed by config methods (GET, HEAD)", m), x.Err)
		assert.Zero(t, x.Status)
	}
	assert.Empty(t, srv.Hits(), "a refused method never reaches the server")
	assert.Zero(t, c.Requests())

	c = newTestClient(t, srv.URL, func(o *ClientOptions) { o.Methods = []string{"GET", "POST"} })
	x := c.Do(context.Background(), testAlice, "POST", srv.URL+"/x")
	require.Empty(t, x.Err)
	assert.Equal(t, "POST", srv.Hits()[0].Method)
	assert.Contains(t, c.Do(context.Background(), testAlice, "HEAD", srv.URL+"/x").Err, "method HEAD not allowed by config methods (GET, POST)")
}

func TestClient_OriginCheck(t *testing.T) {
	srv := newWireRecorder(t, nil)
	other := newWireRecorder(t, nil)
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	c := newTestClient(t, srv.URL+"/api/", nil)
	tests := []struct{ url, want string }{
		{other.URL + "/x", "URL leaves the configured origin " + srv.URL},
		{fmt.Sprintf("https://127.0.0.1:%d/x", port), "URL leaves the configured origin"},
		{fmt.Sprintf("http://localhost:%d/x", port), "URL leaves the configured origin"},
		{fmt.Sprintf("http://127.0.0.1:%d@127.0.0.1:%d/x", port, other.Listener.Addr().(*net.TCPAddr).Port), "URL carries user info"},
		{"/x", "is not absolute"},
		{srv.URL + "/a b", "space or control character at byte 2"},
		{srv.URL + "/a\x00b", "space or control character"},
		{"http://[::1/x", "URL does not parse"},
	}
	for _, tt := range tests {
		x := c.Do(context.Background(), testAlice, "GET", tt.url)
		assert.Contains(t, x.Err, tt.want, tt.url)
		assert.Zero(t, x.Status)
	}
	assert.Empty(t, srv.Hits())
	assert.Empty(t, other.Hits(), "nothing reaches another origin")
	assert.Zero(t, c.Requests())

	// Same origin spelled differently is still the origin.
	x := c.Do(context.Background(), testAlice, "GET", strings.Replace(srv.URL, "http://", "HTTP://", 1)+"/y")
	require.Empty(t, x.Err)
	assert.Len(t, srv.Hits(), 1)
}

func TestClient_RawPathReachesServer(t *testing.T) {
	srv := newWireRecorder(t, nil)
	c := newTestClient(t, srv.URL, nil)
	targets := []string{
		"/items/%2538", "/items/+8", "/items/8;x", "/items/8/", "/items/%00", "/items/%2F8",
		"/items/{8}", "/items/%7B8%7D", "/items/8?q=%2B1&x", "/items/8?", "/items/caf\u00e9", "/items/../8",
		"/items/%2e%2e/8", "/Items/%41",
	}
	for _, target := range targets {
		x := c.Do(context.Background(), testAlice, "GET", srv.URL+target)
		require.Empty(t, x.Err, target)
		assert.Equal(t, srv.URL+target, x.URL)
	}
	hits := srv.Hits()
	require.Len(t, hits, len(targets))
	for i, target := range targets {
		assert.Equal(t, target, hits[i].RequestURI, "sent byte for byte")
	}
}

// TestClient_RawRequestLine reads the request line off the socket, for
// spellings that Go's own server would refuse before any handler sees them.
func TestClient_RawRequestLine(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, l.Close()) })
	lines := make(chan string, 1)
	go func() {
		conn, err := l.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		line, err := bufio.NewReader(conn).ReadString('\n')
		if err != nil {
			return
		}
		lines <- line
		fmt.Fprint(conn, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi")
	}()
	base := "http://" + l.Addr().String()
	c := newTestClient(t, base, nil)
	x := c.Do(context.Background(), testAlice, "GET", base+"/items/%zz%2G?id=%%41")
	require.Empty(t, x.Err)
	assert.Equal(t, "hi", string(x.Body))
	assert.Equal(t, "GET /items/%zz%2G?id=%%41 HTTP/1.1\r\n", <-lines)
}

func TestClient_RedirectWithinOrigin(t *testing.T) {
	var srv *wireRecorder
	srv = newWireRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/a":
			http.Redirect(w, r, "/b", http.StatusFound)
		case "/b":
			http.Redirect(w, r, srv.URL+"/c", http.StatusMovedPermanently)
		default:
			fmt.Fprint(w, "final")
		}
	})
	c := newTestClient(t, srv.URL, nil)
	x := c.Do(context.Background(), testAlice, "GET", srv.URL+"/a")
	require.Empty(t, x.Err)
	assert.Equal(t, 200, x.Status)
	assert.Equal(t, "final", string(x.Body))
	assert.Equal(t, srv.URL+"/a", x.URL)
	assert.Equal(t, srv.URL+"/c", x.FinalURL)
	hits := srv.Hits()
	require.Len(t, hits, 3)
	for _, h := range hits {
		assert.Equal(t, "Bearer alice-token", h.Authorization, "the token follows redirects on its own origin")
	}
	assert.Equal(t, int64(3), c.Requests(), "every hop is a request sent")
}

func TestClient_RedirectToOtherOriginRefused(t *testing.T) {
	other := newWireRecorder(t, nil)
	srv := newWireRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/away":
			http.Redirect(w, r, other.URL+"/steal?x=1", http.StatusFound)
		case "/hop":
			http.Redirect(w, r, "/away", http.StatusTemporaryRedirect)
		case "/scheme":
			http.Redirect(w, r, "https://"+r.Host+"/x", http.StatusFound)
		}
	})
	c := newTestClient(t, srv.URL, nil)
	for _, path := range []string{"/away", "/hop"} {
		x := c.Do(context.Background(), testAlice, "GET", srv.URL+path)
		assert.Equal(t, "redirect to another origin refused: "+other.URL+"/steal?x=1", x.Err)
		assert.Equal(t, http.StatusFound, x.Status, "the redirect itself is the outcome")
		assert.Equal(t, other.URL+"/steal?x=1", x.Header.Get("Location"))
	}
	x := c.Do(context.Background(), testAlice, "GET", srv.URL+"/scheme")
	assert.Contains(t, x.Err, "redirect to another origin refused: https://")
	assert.Empty(t, other.Hits(), "the other origin never sees a request, so never the token")
	assert.Len(t, srv.Hits(), 4)
}

func TestClient_RedirectLimit(t *testing.T) {
	srv := newWireRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Path+"x", http.StatusFound)
	})
	c := newTestClient(t, srv.URL, nil)
	x := c.Do(context.Background(), testAlice, "GET", srv.URL+"/r")
	assert.Equal(t, "stopped after 5 redirects", x.Err)
	assert.Equal(t, http.StatusFound, x.Status)
	assert.Len(t, srv.Hits(), 6, "the request and 5 redirects")
}

func TestClient_BodyLimit(t *testing.T) {
	const limit = 1000
	srv := newWireRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		n := map[string]int{"/exact": limit, "/over": limit + 1, "/big": 50 * limit}[r.URL.Path]
		_, err := w.Write(bytes.Repeat([]byte("a"), n))
		if err != nil {
			return // the client may hang up once it has enough
		}
	})
	c := newTestClient(t, srv.URL, func(o *ClientOptions) { o.MaxBody = limit })
	tests := []struct {
		path      string
		truncated bool
	}{{"/exact", false}, {"/over", true}, {"/big", true}}
	for _, tt := range tests {
		x := c.Do(context.Background(), testAlice, "GET", srv.URL+tt.path)
		require.Empty(t, x.Err, tt.path)
		assert.Len(t, x.Body, limit, tt.path)
		assert.Equal(t, tt.truncated, x.Truncated, tt.path)
	}
	x := c.Do(context.Background(), testAlice, "HEAD", srv.URL+"/big")
	require.Empty(t, x.Err)
	assert.Equal(t, 200, x.Status)
	assert.Empty(t, x.Body, "HEAD reads no body")
}

// TestClient_GzipBomb checks that the body limit applies after decoding: 10 MB
// of zeros sent as a small gzip stream are cut at MaxBody without the client
// ever holding them.
func TestClient_GzipBomb(t *testing.T) {
	var bomb bytes.Buffer
	zw := gzip.NewWriter(&bomb)
	zeros := make([]byte, 64<<10)
	for i := 0; i < 160; i++ { // 10 MiB
		_, err := zw.Write(zeros)
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	require.Less(t, bomb.Len(), 100<<10, "the bomb is small on the wire")

	srv := newWireRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Type", "application/json")
		if _, err := w.Write(bomb.Bytes()); err != nil {
			return // the client hangs up after MaxBody
		}
	})
	const limit = 64 << 10
	c := newTestClient(t, srv.URL, func(o *ClientOptions) { o.MaxBody = limit })

	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	x := c.Do(context.Background(), testAlice, "GET", srv.URL+"/bomb")
	runtime.ReadMemStats(&after)

	require.Empty(t, x.Err)
	assert.True(t, x.Truncated)
	assert.Len(t, x.Body, limit)
	assert.Equal(t, bytes.Repeat([]byte{0}, limit), x.Body, "decoded, not the compressed bytes")
	allocated := after.TotalAlloc - before.TotalAlloc
	assert.Less(t, allocated, uint64(4<<20), "allocated %d bytes for a 10 MiB bomb", allocated)
}

func TestClient_Timeout(t *testing.T) {
	srv := newWireRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow-body" {
			w.WriteHeader(200)
			fmt.Fprint(w, "partial")
			w.(http.Flusher).Flush()
		}
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	c := newTestClient(t, srv.URL, func(o *ClientOptions) { o.Timeout = 200 * time.Millisecond })

	x := c.Do(context.Background(), testAlice, "GET", srv.URL+"/stall")
	assert.Equal(t, "timeout after 200ms", x.Err)
	assert.Zero(t, x.Status)
	assert.Less(t, x.Duration, 3*time.Second)

	x = c.Do(context.Background(), testAlice, "GET", srv.URL+"/slow-body")
	assert.Equal(t, "reading body: timeout after 200ms", x.Err)
	assert.Equal(t, 200, x.Status)
	assert.Equal(t, "partial", string(x.Body), "what arrived is kept")
}

func TestClient_TransportFailuresAreData(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	c := newTestClient(t, "http://"+addr, nil)
	x := c.Do(context.Background(), testAlice, "GET", "http://"+addr+"/x")
	assert.Equal(t, "connection refused", x.Err)
	assert.Zero(t, x.Status)

	srv := newWireRecorder(t, nil)
	c = newTestClient(t, srv.URL, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	x = c.Do(ctx, testAlice, "GET", srv.URL+"/x")
	assert.Contains(t, x.Err, "canceled")
	assert.Empty(t, srv.Hits())
	assert.Zero(t, c.Requests(), "a canceled request is not sent")
}

func TestClient_Budget(t *testing.T) {
	srv := newWireRecorder(t, nil)
	c := newTestClient(t, srv.URL, func(o *ClientOptions) { o.MaxRequests = 3 })
	var errs []string
	for i := 0; i < 5; i++ {
		errs = append(errs, c.Do(context.Background(), testAlice, "GET", srv.URL+"/x").Err)
	}
	assert.Equal(t, []string{"", "", "", "request budget of 3 reached", "request budget of 3 reached"}, errs)
	assert.Len(t, srv.Hits(), 3)
	assert.Equal(t, int64(3), c.Requests())

	// Under concurrency the budget is still exact.
	srv2 := newWireRecorder(t, nil)
	c = newTestClient(t, srv2.URL, func(o *ClientOptions) { o.MaxRequests = 5; o.Concurrency = 8 })
	var refused atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if x := c.Do(context.Background(), testAlice, "GET", srv2.URL+"/x"); x.Err != "" {
				refused.Add(1)
			}
		}()
	}
	wg.Wait()
	assert.Len(t, srv2.Hits(), 5)
	assert.Equal(t, int32(15), refused.Load())
	assert.Equal(t, int64(5), c.Requests())
}

func TestClient_RateLimit(t *testing.T) {
	srv := newWireRecorder(t, nil)
	c, err := NewClient(ClientOptions{BaseURL: srv.URL, Rate: 20})
	require.NoError(t, err)
	start := time.Now()
	for i := 0; i < 10; i++ {
		require.Empty(t, c.Do(context.Background(), testAlice, "GET", srv.URL+"/x").Err)
	}
	// Burst 1 at 20/s: nine gaps of 50ms. A loose lower bound only.
	assert.GreaterOrEqual(t, time.Since(start), 400*time.Millisecond)

	// The zero value is limited too (DefaultRate): three requests need ≥ 150ms.
	c, err = NewClient(ClientOptions{BaseURL: srv.URL})
	require.NoError(t, err)
	start = time.Now()
	for i := 0; i < 3; i++ {
		require.Empty(t, c.Do(context.Background(), testAlice, "GET", srv.URL+"/x").Err)
	}
	assert.GreaterOrEqual(t, time.Since(start), 150*time.Millisecond)
}

func TestClient_ConcurrencyLimit(t *testing.T) {
	var inFlight, peak atomic.Int32
	srv := newWireRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(30 * time.Millisecond)
		inFlight.Add(-1)
	})
	c := newTestClient(t, srv.URL, func(o *ClientOptions) { o.Concurrency = 2 })
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			assert.Empty(t, c.Do(context.Background(), testAlice, "GET", srv.URL+"/x").Err)
		}()
	}
	wg.Wait()
	assert.LessOrEqual(t, peak.Load(), int32(2))
	assert.Len(t, srv.Hits(), 8)
}

func TestNewClient_Errors(t *testing.T) {
	tests := []struct {
		opts ClientOptions
		want string
	}{
		{ClientOptions{}, "BaseURL is required"},
		{ClientOptions{BaseURL: "ftp://h"}, "not an http or https URL"},
		{ClientOptions{BaseURL: "http://h", Methods: []string{"FETCH"}}, `"FETCH" is not an HTTP method`},
		{ClientOptions{BaseURL: "http://h", Rate: -1}, "Rate -1 is negative"},
		{ClientOptions{BaseURL: "http://h", MaxBody: -1}, "must not be negative"},
	}
	for _, tt := range tests {
		_, err := NewClient(tt.opts)
		assert.ErrorContains(t, err, tt.want)
	}
}

func TestClient_Redact(t *testing.T) {
	c := newTestClient(t, "http://127.0.0.1:1", func(o *ClientOptions) {
		o.Secrets = []secret.Secret{testAlice.Token, secret.NewSecret("bob-token")}
	})
	assert.Equal(t, `{"echo":"[redacted]","b":"[redacted]"}`, c.Redact(`{"echo":"alice-token","b":"bob-token"}`))
}
