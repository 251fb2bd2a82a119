package harness_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bolaharness/bolaharness/fixtures"
	"github.com/bolaharness/bolaharness/harness"
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
		return harness.DefaultConcurrency
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
func demoConfig(b *testing.B, baseURL string, concurrency int) *harness.Config {
	cfg, err := harness.ParseConfigEmbedded("fixtures/demo.yaml", fixtures.DemoConfig, specs.Demo, noEnv)
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
	h, err := fixtures.Handler("demo", harness.FixtureFixed)
	if err != nil {
		b.Fatal(err)
	}
	return h
}

// scan prepares and runs cfg once (against h in process when h is not nil)
// and returns how many requests it sent.
func scan(b *testing.B, cfg *harness.Config, h http.Handler) int64 {
	return run(b, prepare(b, cfg, h))
}

// prepare loads, plans and builds the client: in process when h is not nil.
func prepare(b *testing.B, cfg *harness.Config, h http.Handler) *harness.Scan {
	var (
		s   *harness.Scan
		err error
	)
	if h != nil {
		s, err = harness.PrepareHandler(cfg, h, harness.Options{})
	} else {
		s, err = harness.Prepare(cfg, harness.Options{})
	}
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// run scans into a silent console and returns the requests sent.
func run(b *testing.B, s *harness.Scan) int64 {
	defer s.Close()
	var rep *harness.Report
	harness.NewConsole(io.Discard, false).Run("bench", func(tb harness.TB) {
		rep = s.Run(context.Background(), tb)
	})
	if rep.Stats.Requests == 0 {
		b.Fatal("the scan sent no request")
	}
	return rep.Stats.Requests
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

// loopbackTransport is a plain net/http transport tuned like the harness's:
// an idle connection kept for every worker.
func loopbackTransport(n int) *http.Transport {
	return &http.Transport{MaxIdleConns: 100, MaxIdleConnsPerHost: n}
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

// settle lets the previous measurement's leftovers (closing connections,
// server goroutines, garbage) finish before the next clock starts, so that
// neither side of an alternating pair pays for the other.
func settle() {
	time.Sleep(5 * time.Millisecond)
	runtime.GC()
}

// clock sums the wall and CPU time of repeated timed sections.
type clock struct {
	wall, cpu  time.Duration
	wall0      time.Time
	cpuAtStart time.Duration
}

func (c *clock) start() { c.wall0, c.cpuAtStart = time.Now(), cpuTime() }

func (c *clock) stop() {
	c.wall += time.Since(c.wall0)
	c.cpu += cpuTime() - c.cpuAtStart
}

// rate is n per second of wall time.
func (c *clock) rate(n int64) float64 { return float64(n) / c.wall.Seconds() }

// cpuPer is the process's CPU microseconds per request, server included.
func (c *clock) cpuPer(n int64) float64 { return float64(c.cpu.Microseconds()) / float64(n) }

// reportPair reports two rates measured in one run and their ratio (a/b).
func reportPair(b *testing.B, aName string, a float64, bName string, bRate float64) {
	b.ReportMetric(a, aName+"-req/s")
	b.ReportMetric(bRate, bName+"-req/s")
	b.ReportMetric(a/bRate, aName+"/"+bName)
}

// reportRate reports requests per second over the benchmark's run time.
func reportRate(b *testing.B, requests int64, elapsed time.Duration) {
	b.ReportMetric(float64(requests)/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(requests)/float64(b.N), "req/op")
}

// syntheticSpec writes an OpenAPI 3.0 document with n operations: n/2
// resources, each with a list operation (no id: planned out) and a get by id
// with a typed response schema, which is the shape of real large specs. Every
// id parameter is called widget_id, so one `owns` key serves them all.
func syntheticSpec(n int) []byte {
	var sb strings.Builder
	sb.Grow(n * 600)
	sb.WriteString("openapi: 3.0.3\ninfo: {title: synthetic, version: '1'}\nservers: [{url: 'https://api.example.test/v1'}]\n")
	sb.WriteString("security: [{bearer: []}]\npaths:\n")
	for i := 0; i < n/2; i++ {
		fmt.Fprintf(&sb, `  /widgets%[1]d:
    get:
      operationId: listWidgets%[1]d
      parameters:
        - {name: limit, in: query, schema: {type: integer}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {type: array, items: {$ref: '#/components/schemas/Widget%[1]d'}}}}}
  /widgets%[1]d/{widget_id}:
    get:
      operationId: getWidget%[1]d
      parameters:
        - {name: widget_id, in: path, required: true, schema: {type: string}, example: wid_%[1]dAbCdEf12}
        - {name: expand, in: query, schema: {type: array, items: {type: string}}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Widget%[1]d'}}}}
        '404': {description: not found}
`, i)
	}
	sb.WriteString("components:\n  securitySchemes:\n    bearer: {type: http, scheme: bearer}\n  schemas:\n")
	for i := 0; i < n/2; i++ {
		fmt.Fprintf(&sb, `    Widget%[1]d:
      type: object
      properties:
        id: {type: string}
        owner_id: {type: integer, format: int64}
        name: {type: string, maxLength: 200}
        created: {type: string, format: date-time}
`, i)
	}
	return []byte(sb.String())
}

// widgetConfig scans the synthetic spec as two users who own one widget id
// each, with few cases per group: the point is the size of the API.
func widgetConfig(b *testing.B, spec []byte) *harness.Config {
	const cfg = `spec: synthetic.yaml
baseURL: https://api.example.test/v1
rate: 0
cases: 4
seed: 1
maxRequests: 100000000
users:
  - name: alice
    token: tok-alice
    identity: {id: 1, email: alice@example.test}
    owns: {widget_id: [wid_1AbCdEf12]}
  - name: bob
    token: tok-bob
    identity: {id: 2, email: bob@example.test}
    owns: {widget_id: [wid_2XyZaBc34]}
`
	c, err := harness.ParseConfigEmbedded("synthetic.yaml", []byte(cfg), spec, noEnv)
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// widgetHandler is a fast, correct API for the synthetic spec: a caller gets
// its own widget and a 404 for any other id.
func widgetHandler() http.Handler {
	type owner struct{ id, email, widget string }
	byToken := map[string]owner{
		"Bearer tok-alice": {"1", "alice@example.test", "wid_1AbCdEf12"},
		"Bearer tok-bob":   {"2", "bob@example.test", "wid_2XyZaBc34"},
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o, ok := byToken[r.Header.Get("Authorization")]
		if !ok {
			http.Error(w, `{"error":"unauthorized"}`, http.StatusUnauthorized)
			return
		}
		id := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
		w.Header().Set("Content-Type", "application/json")
		if id != o.widget {
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"error":"not found"}`) // a write error has no one to go to
			return
		}
		fmt.Fprintf(w, `{"id":%q,"owner_id":%s,"owner_email":%q,"name":"widget"}`, id, o.id, o.email)
	})
}

func itoa(n int) string { return strconv.Itoa(n) }
