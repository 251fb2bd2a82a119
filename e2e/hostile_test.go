package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bolaharness/bolaharness/harness/client"
	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/report"
	"github.com/bolaharness/bolaharness/harness/secret"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bolaharness/bolaharness/fixtures/hostile"
	"github.com/bolaharness/bolaharness/harness"
)

// hostileRun is one whole run against the hostile server, with everything
// it wrote: console (verbose), log lines and the JSON report.
type hostileRun struct {
	err     error // an *harness.UntestedError when the run tested nothing
	srv     *hostile.Server
	cfg     *config.Config
	rep     *report.Report
	console string
	logs    string
	json    string
	took    time.Duration
	heap    uint64 // peak HeapInuse above the level before the run
}

// runHostile runs the config against a fresh hostile server; edit may
// change the parsed config.
func runHostile(t *testing.T, spec []byte, edit func(*config.Config)) *hostileRun {
	t.Helper()
	srv := hostile.Start()
	t.Cleanup(srv.Close)
	env := func(k string) (string, bool) {
		if k == config.EnvBaseURL {
			return srv.URL, true
		}
		return "", false
	}
	cfg, err := config.ParseConfigEmbedded("fixtures/hostile/config.yaml", hostile.Config, spec, env)
	require.NoError(t, err)
	if edit != nil {
		edit(cfg)
	}
	var logs bytes.Buffer
	var logMu sync.Mutex
	opts := harness.Options{Log: func(f string, a ...any) {
		logMu.Lock()
		defer logMu.Unlock()
		fmt.Fprintf(&logs, f+"\n", a...)
	}}
	var out bytes.Buffer
	heap := watchHeap()
	start := time.Now()
	r := &hostileRun{srv: srv, cfg: cfg}
	r.rep, r.err = scanReport(t, cfg, opts, &out)
	r.took, r.heap = time.Since(start), heap.stop()
	data, err := json.Marshal(r.rep)
	require.NoError(t, err)
	r.console, r.logs, r.json = out.String(), logs.String(), string(data)
	return r
}

// heapWatch samples HeapInuse while a run goes on and keeps the peak; it
// also counts every byte allocated meanwhile, which catches requests too
// short for the sampling.
type heapWatch struct {
	base, peak uint64
	alloc      uint64 // TotalAlloc at the start, then the bytes allocated
	quit, done chan struct{}
}

func watchHeap() *heapWatch {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	w := &heapWatch{base: m.HeapInuse, peak: m.HeapInuse, alloc: m.TotalAlloc, quit: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-w.quit:
				return
			case <-tick.C:
				runtime.ReadMemStats(&m)
				w.peak = max(w.peak, m.HeapInuse)
			}
		}
	}()
	return w
}

// stop ends the sampling and returns the peak above the starting level.
func (w *heapWatch) stop() uint64 {
	close(w.quit)
	<-w.done
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	w.alloc = m.TotalAlloc - w.alloc
	return w.peak - w.base
}

// tokenForms are the spellings of a token that must never be in output.
func tokenForms(tok string) []string {
	return []string{tok, url.QueryEscape(tok), base64.StdEncoding.EncodeToString([]byte(tok)),
		base64.RawURLEncoding.EncodeToString([]byte(tok)), tok[len(tok)-10:]}
}

// oddOperations are the operations that misbehave, with the words their
// no-verdict reasons may use.
var oddOperations = map[string][]string{
	"GET /bomb/{item_id}":     {"cut at", "timeout"},
	"GET /endless/{item_id}":  {"cut at", "timeout", "not sent: 3 requests in a row"},
	"GET /drip/{item_id}":     {"timeout", "not sent: 3 requests in a row"},
	"GET /stall/{item_id}":    {"timeout", "not sent: 3 requests in a row"},
	"GET /reset/{item_id}":    {"connection reset", "EOF"},
	"GET /garbage/{item_id}":  {"not valid JSON"},
	"GET /limited/{item_id}":  {"rate-limited (status 429)", "not sent: 3 requests in a row"},
	"GET /redirect/{item_id}": {"redirect to another origin refused"},
	"GET /hop/{item_id}":      {"redirect to another origin refused"},
}

func TestHostileServer(t *testing.T) {
	r := runHostile(t, hostile.Spec, nil)
	t.Logf("run took %s, %d requests, peak heap +%d MiB", r.took, r.rep.Stats.Requests, r.heap>>20)

	t.Run("no token reaches the other origin", func(t *testing.T) {
		assert.Empty(t, r.srv.OtherHits(), "nothing at all is sent to another origin")
		var redirects int
		for _, h := range r.srv.Hits() {
			if strings.HasPrefix(h.Path, "/redirect/") || strings.HasPrefix(h.Path, "/hop/") {
				redirects++
			}
		}
		assert.Positive(t, redirects, "the redirecting operations were attacked")
	})

	t.Run("no token in any output", func(t *testing.T) {
		for _, tok := range []string{hostile.AliceToken, hostile.BobToken} {
			for _, form := range tokenForms(tok) {
				for name, out := range map[string]string{"console": r.console, "log": r.logs, "report": r.json} {
					if i := strings.Index(out, form); i >= 0 {
						t.Errorf("%s holds %q (a form of a token) at byte %d: ...%s...", name, form, i, out[max(i-120, 0):min(i+40, len(out))])
					}
				}
			}
		}
		assert.True(t, strings.Contains(r.json, "[redacted]"), "the echoed tokens were there to hide")
	})

	t.Run("bounded memory", func(t *testing.T) {
		// The bomb decodes to 1 GiB and the endless body never ends; each
		// body is kept to maxBody (1 MiB).
		assert.Less(t, r.heap, uint64(96<<20), "peak heap grew by %d MiB", r.heap>>20)
	})

	t.Run("ends within its time budget", func(t *testing.T) {
		assert.Less(t, r.took, r.cfg.TimeBudget)
		assert.Less(t, r.took, 20*time.Second, "the breaker keeps stalling operations short")
	})

	t.Run("rate is respected", func(t *testing.T) {
		hits := r.srv.Hits()
		require.NotEmpty(t, hits)
		peak := maxPerSecond(hits)
		t.Logf("observed: %d requests in %s (%.1f/s on average), at most %d in any second; configured %.0f/s",
			len(hits), hits[len(hits)-1].At.Sub(hits[0].At).Round(time.Millisecond),
			float64(len(hits))/hits[len(hits)-1].At.Sub(hits[0].At).Seconds(), peak, r.cfg.Rate)
		// Burst 1 allows rate+1 in a window; one more is Go's transport
		// silently replaying a GET whose reused connection was reset.
		assert.LessOrEqual(t, float64(peak), r.cfg.Rate+2, "at most rate+1 (+1 replay) in any one-second window")
	})

	t.Run("Retry-After pauses the whole client", func(t *testing.T) {
		at := r.srv.FlakyAt()
		require.False(t, at.IsZero(), "/flaky was reached")
		for _, h := range r.srv.Hits() {
			d := h.At.Sub(at)
			assert.False(t, d > 150*time.Millisecond && d < 950*time.Millisecond, "request %s %s sent %s after a 429 asking for 1s", h.Method, h.Path, d)
		}
		assert.Contains(t, r.rep.Warnings, findPrefix(r.rep.Warnings, "the server answered 429/503"))
	})

	t.Run("every odd case is a reasoned no-verdict", func(t *testing.T) {
		for _, f := range r.rep.Findings {
			_, odd := oddOperations[f.Operation]
			assert.False(t, odd, "a finding on a misbehaving operation: %+v", f)
		}
		cells := map[string]int{}
		for _, c := range r.rep.Matrix {
			if _, odd := oddOperations[c.Operation]; odd {
				cells[c.Operation]++
				assert.Equal(t, "no-verdict", c.Outcome, "%s %s-vs-%s", c.Operation, c.Attacker, c.Victim)
				assert.Equal(t, c.Cases, c.NoVerdict, "%s: every case unjudged", c.Operation)
			}
		}
		reasons := map[string]int{}
		for _, nv := range r.rep.NoVerdicts {
			words, odd := oddOperations[nv.Operation]
			if !odd {
				continue
			}
			assert.True(t, containsAny(nv.Why, words), "%s: reason %q names none of %q", nv.Operation, nv.Why, words)
			reasons[nv.Operation]++
		}
		for op := range oddOperations {
			assert.Equal(t, 2, cells[op], "%s attacked by both pairs", op)
			assert.Positive(t, reasons[op], "%s: no-verdicts listed with reasons", op)
		}
	})

	t.Run("the vulnerable operation is still found", func(t *testing.T) {
		assert.NotNil(t, findingOn(r.rep, "GET /echo/{item_id}"), "the echo leak is found despite the noise: %v", r.rep.Findings)
	})

	t.Run("stalling operations are stopped", func(t *testing.T) {
		for _, op := range []string{"GET /stall/{item_id}", "GET /drip/{item_id}", "GET /limited/{item_id}"} {
			assert.Contains(t, r.rep.Warnings, findPrefix(r.rep.Warnings, op+": stopped after 3"), "warnings: %q", r.rep.Warnings)
		}
	})
}

// TestHostileStall_TimeBudget runs only the operations that never answer,
// with the breaker off, so only the time budget can end the run.
func TestHostileStall_TimeBudget(t *testing.T) {
	const budget = 1500 * time.Millisecond
	r := runHostile(t, hostile.StallSpec, func(c *config.Config) {
		c.TimeBudget, c.MaxTimeouts, c.Timeout = budget, -1, 5*time.Second
	})
	// Nothing was judged, so the run tested nothing and says so: it is
	// never a clean result.
	require.NotNil(t, r.rep.Coverage)
	assert.Contains(t, r.rep.Coverage.Untested, "time budget of 1.5s reached")
	t.Logf("stalling server: run took %s with a time budget of %s", r.took, budget)
	assert.Less(t, r.took, budget+750*time.Millisecond, "the run ends soon after its budget")
	assert.GreaterOrEqual(t, r.took, budget, "the stalls really held it up to the budget")
	w := findPrefix(r.rep.Warnings, "time budget of 1.5s reached")
	assert.NotEmpty(t, w, "the report says the budget was reached: %q", r.rep.Warnings)
	assert.Contains(t, r.logs, w)
	assert.Zero(t, r.rep.Stats.Leaks+r.rep.Stats.Safe, "nothing judged against a server that never answers")
	for _, nv := range r.rep.NoVerdicts {
		assert.Contains(t, nv.Why, "time budget of 1.5s reached", "cut cases name the budget")
	}
}

func maxPerSecond(hits []hostile.Hit) int {
	times := make([]time.Time, len(hits))
	for i, h := range hits {
		times[i] = h.At
	}
	sort.Slice(times, func(i, j int) bool { return times[i].Before(times[j]) })
	peak, lo := 0, 0
	for hi := range times {
		for times[hi].Sub(times[lo]) >= time.Second {
			lo++
		}
		peak = max(peak, hi-lo+1)
	}
	return peak
}

func findPrefix(lines []string, prefix string) string {
	for _, l := range lines {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	return ""
}

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

func findingOn(rep *report.Report, op string) *report.Finding {
	for i := range rep.Findings {
		if rep.Findings[i].Operation == op {
			return &rep.Findings[i]
		}
	}
	return nil
}

// TestHostileBodies_BoundedMemory measures one request to the bomb (1 GiB
// decoded) and one to the endless body: each costs about maxBody, never the
// size the server offers.
func TestHostileBodies_BoundedMemory(t *testing.T) {
	srv := hostile.Start()
	t.Cleanup(srv.Close)
	c, err := client.NewClient(client.ClientOptions{BaseURL: srv.URL, RateUnlimited: true, Timeout: 5 * time.Second})
	require.NoError(t, err)
	alice := &config.User{Name: "alice", Token: secret.NewSecret(hostile.AliceToken)}
	for _, path := range []string{"/bomb/1", "/endless/1"} {
		heap := watchHeap()
		start := time.Now()
		x := c.Do(context.Background(), alice, "GET", srv.URL+path)
		took, peak := time.Since(start), heap.stop()
		t.Logf("%s: peak heap +%.1f MiB, %.1f MiB allocated in all, %s, %d bytes kept",
			path, float64(peak)/(1<<20), float64(heap.alloc)/(1<<20), took.Round(time.Millisecond), len(x.Body))
		require.Empty(t, x.Err, path)
		assert.True(t, x.Truncated, path)
		assert.Len(t, x.Body, config.DefaultMaxBody, path)
		assert.Less(t, peak, uint64(16<<20), "%s: peak heap grew by %d MiB", path, peak>>20)
		assert.Less(t, heap.alloc, uint64(16<<20), "%s: allocated %d MiB", path, heap.alloc>>20)
		assert.NotEmpty(t, x.Oddity(), "%s: a cut body cannot back a safe verdict", path)
	}
}
