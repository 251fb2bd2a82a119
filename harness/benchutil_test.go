package harness_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/engine"
	"github.com/bolaharness/bolaharness/harness/report"

	"github.com/bolaharness/bolaharness/fixtures"
	"github.com/bolaharness/bolaharness/specs"
)

// Helpers of the benchmarks (bench_test.go); scripts/bench.sh runs them and
// prints the ratios, docs/performance.md records them.

// envBenchConcurrency sets the requests in flight of the throughput
// benchmarks, harness and bare loop alike (default harness.DefaultConcurrency).
const envBenchConcurrency = "BOLA_BENCH_CONCURRENCY"

// envCorpus points at the directory of real specs (default
// ../../shared/corpus/specs, beside the repository).
const envCorpus = "BOLA_CORPUS"

func benchConcurrency(b *testing.B) int {
	v := os.Getenv(envBenchConcurrency)
	if v == "" {
		return config.DefaultConcurrency
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		b.Fatalf("%s=%q: give a positive number of requests in flight", envBenchConcurrency, v)
	}
	return n
}

// corpusSpec is the path of a corpus spec, or skips the benchmark when the
// corpus is not there (a clone without ../shared).
func corpusSpec(b *testing.B, name string) string {
	dir := os.Getenv(envCorpus)
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "corpus", "specs")
	}
	path := filepath.Join(dir, name)
	if _, err := os.Stat(path); err != nil {
		b.Skipf("%s not found (%v); set %s to the directory of the corpus specs", path, err, envCorpus)
	}
	return path
}

// demoConfig is the embedded demo config aimed at baseURL (a running demo
// API) with unlimited rate, the given concurrency and a fixed seed, so that
// every iteration sends the same requests.
func demoConfig(b *testing.B, baseURL string, concurrency int) *config.Config {
	cfg, err := config.ParseConfigEmbedded("fixtures/demo.yaml", fixtures.DemoConfig, specs.Demo, noEnv)
	if err != nil {
		b.Fatal(err)
	}
	cfg.Fixture, cfg.BaseURL = "", baseURL
	cfg.Rate, cfg.Concurrency, cfg.Seed = 0, concurrency, 42
	return cfg
}

// demoHandler is the demo API in fixed mode: every case is judged safe, so
// no shrinking skews the request mix.
func demoHandler(b *testing.B) http.Handler {
	h, err := fixtures.Handler("demo", config.FixtureFixed)
	if err != nil {
		b.Fatal(err)
	}
	return h
}

// prepare loads, plans and builds the client: in process when h is not nil.
func prepare(b *testing.B, cfg *config.Config, h http.Handler) *engine.Scan {
	var (
		s   *engine.Scan
		err error
	)
	if h != nil {
		s, err = engine.PrepareHandler(cfg, h, engine.Options{})
	} else {
		s, err = engine.Prepare(cfg, engine.Options{})
	}
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// run scans into a silent console and returns the requests sent.
func run(b *testing.B, s *engine.Scan) int64 {
	defer s.Close()
	var rep *report.Report
	engine.NewConsole(io.Discard, false).Run("bench", func(tb engine.TB) {
		rep = s.Run(context.Background(), tb)
	})
	if rep.Stats.Requests == 0 {
		b.Fatal("the scan sent no request")
	}
	return rep.Stats.Requests
}

// timedScan is a section that prepares a scan off the clock and times its run.
func timedScan(b *testing.B, cfg func() *config.Config, h http.Handler) section {
	return func(c *clock) int64 {
		s := prepare(b, cfg(), h)
		c.start()
		defer c.stop()
		return run(b, s)
	}
}

// wireRequest is one request the harness sent, for the bare loop to replay.
type wireRequest struct{ method, target, auth string }

// recorder wraps a handler and keeps every request it serves while on.
type recorder struct {
	next http.Handler
	on   atomic.Bool
	mu   sync.Mutex
	reqs []wireRequest
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if r.on.Load() {
		r.mu.Lock()
		r.reqs = append(r.reqs, wireRequest{req.Method, req.RequestURI, req.Header.Get("Authorization")})
		r.mu.Unlock()
	}
	r.next.ServeHTTP(w, req)
}

// recordScan runs one scan of the demo API at base (served by rec) and
// returns the requests it sent, for the bare loop to replay.
func recordScan(b *testing.B, rec *recorder, base string, n int) []wireRequest {
	rec.on.Store(true)
	run(b, prepare(b, demoConfig(b, base, n), nil))
	rec.on.Store(false)
	return rec.reqs
}

// loopbackTransport is a plain net/http transport tuned like the harness's:
// an idle connection kept for every worker.
func loopbackTransport(n int) *http.Transport {
	return &http.Transport{MaxIdleConns: 100, MaxIdleConnsPerHost: n}
}

// bareSection times the bare loop: reqs sent to base over rt by n workers.
func bareSection(b *testing.B, rt func() http.RoundTripper, base string, reqs []wireRequest, n int) section {
	return func(c *clock) int64 {
		t := rt()
		c.start()
		defer c.stop()
		if failed, err := bareLoop(t, base, reqs, n); err != nil {
			b.Fatalf("bare loop: %d requests failed, e.g. %v", failed, err)
		}
		return int64(len(reqs))
	}
}

// bareLoop sends reqs to base with n workers through a plain net/http client
// over rt, reading each body whole as the harness does. It returns how many
// requests failed, with one of the errors.
func bareLoop(rt http.RoundTripper, base string, reqs []wireRequest, n int) (int64, error) {
	if tr, ok := rt.(*http.Transport); ok {
		defer tr.CloseIdleConnections()
	}
	client := &http.Client{Transport: rt}
	var next, failed atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for w := 0; w < n; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := next.Add(1) - 1; i < int64(len(reqs)); i = next.Add(1) - 1 {
				if err := bareOne(client, base, reqs[i]); err != nil {
					failed.Add(1)
					select {
					case errs <- err:
					default:
					}
				}
			}
		}()
	}
	wg.Wait()
	select {
	case err := <-errs:
		return failed.Load(), err
	default:
		return 0, nil
	}
}

func bareOne(client *http.Client, base string, r wireRequest) error {
	req, err := http.NewRequest(r.method, base+r.target, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", r.auth)
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	return resp.Body.Close()
}
