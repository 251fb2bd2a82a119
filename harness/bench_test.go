package harness_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/bolaharness/bolaharness/harness/client"
	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/plan"
	"github.com/bolaharness/bolaharness/harness/spec"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
)

// The benchmarks of the performance issue. Each compares two things measured
// in alternation in one process, against one target, and reports their
// ratio, so that scripts/bench.sh can print ratios that hold on a noisy
// machine; docs/performance.md records them. BenchmarkPeakMemory is run by
// the script one sub-benchmark per process, for a clean peak RSS.

// BenchmarkThroughput compares the harness's request rate with a bare
// net/http loop that sends the very requests the harness sent (recorded on
// the server), with the same concurrency, to the same loopback server. The
// config's rate is 0 (unlimited); each scan is prepared (spec, plan, client)
// off the clock, and its controls and baselines count as requests.
func BenchmarkThroughput(b *testing.B) {
	n := benchConcurrency(b)
	rec := &recorder{next: demoHandler(b)}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	reqs := recordScan(b, rec, srv.URL, n)
	cfg := func() *config.Config { return demoConfig(b, srv.URL, n) }
	transport := func() http.RoundTripper { return loopbackTransport(n) }
	clocks := alternate(b, timedScan(b, cfg, nil), bareSection(b, transport, srv.URL, reqs, n))
	reportRates(b, "harness", "bare", clocks)
}

// BenchmarkInProcess compares a scan of the demo API served in process (no
// socket) with the same scan over loopback HTTP.
func BenchmarkInProcess(b *testing.B) {
	n := benchConcurrency(b)
	h := demoHandler(b)
	srv := httptest.NewServer(h)
	defer srv.Close()
	cfg := func() *config.Config { return demoConfig(b, srv.URL, n) }
	clocks := alternate(b, timedScan(b, cfg, h), timedScan(b, cfg, nil))
	reportRates(b, "inprocess", "loopback", clocks)
}

// BenchmarkTransport isolates the transports: the bare loop of
// BenchmarkThroughput, sending ten rounds of the demo scan's requests (one
// takes a few milliseconds in process, too short to time fairly) through the
// in-process transport and through loopback HTTP.
func BenchmarkTransport(b *testing.B) {
	n := benchConcurrency(b)
	rec := &recorder{next: demoHandler(b)}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	one := recordScan(b, rec, srv.URL, n)
	var reqs []wireRequest
	for i := 0; i < 10; i++ {
		reqs = append(reqs, one...)
	}
	h := demoHandler(b)
	inProcess := func() http.RoundTripper { return &client.InProcessTransport{Handler: h} }
	loopback := func() http.RoundTripper { return loopbackTransport(n) }
	clocks := alternate(b, bareSection(b, inProcess, client.InProcessBaseURL, reqs, n),
		bareSection(b, loopback, srv.URL, reqs, n))
	reportRates(b, "inprocess", "loopback", clocks)
}

// BenchmarkLoadPlan compares LoadSpec+BuildPlan of large real specs with a
// bare kin-openapi load of the same file (read, parse, resolve refs; for
// Swagger 2.0, parse and convert to OpenAPI 3 as the harness must).
func BenchmarkLoadPlan(b *testing.B) {
	for _, name := range []string{"stripe.yaml", "openai.yaml", "k8s.json"} {
		b.Run(strings.TrimSuffix(strings.TrimSuffix(name, ".yaml"), ".json"), func(b *testing.B) {
			path := corpusSpec(b, name)
			clocks := alternate(b, func(c *clock) int64 {
				c.start()
				defer c.stop()
				loadPlan(b, path)
				return 1
			}, func(c *clock) int64 {
				c.start()
				defer c.stop()
				bareLoad(b, path)
				return 1
			})
			reportCosts(b, "harness", "bare", clocks)
		})
	}
}

func loadPlan(b *testing.B, path string) {
	spec, err := spec.LoadSpec(path)
	if err != nil {
		b.Fatal(err)
	}
	if p := plan.BuildPlan(spec, plan.PlanOptions{}); len(p.Operations) == 0 {
		b.Fatalf("%s: nothing planned", path)
	}
}

func bareLoad(b *testing.B, path string) {
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	if strings.HasSuffix(path, "k8s.json") {
		var doc2 openapi2.T
		if err := openapi2.UnmarshalFromData(data, &doc2); err != nil {
			b.Fatal(err)
		}
		if _, err := openapi2conv.ToV3(&doc2); err != nil {
			b.Fatal(err)
		}
		return
	}
	if _, err := openapi3.NewLoader().LoadFromData(data); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkScale loads and plans (plan), and scans in process (scan), the
// synthetic specs of 1,000 and 10,000 operations: time and memory should
// grow tenfold, no more. kin is kin-openapi's bare load of the same specs,
// to tell the harness's growth from its parser's.
func BenchmarkScale(b *testing.B) {
	small, large := syntheticSpec(1000), syntheticSpec(10000)
	b.Run("plan", func(b *testing.B) {
		clocks := alternate(b, planSection(b, large, 5000), planSection(b, small, 500))
		reportCosts(b, "10k", "1k", clocks)
	})
	b.Run("kin", func(b *testing.B) { // the bare kin-openapi load of the same specs, for reference
		kin := func(data []byte) section {
			return func(c *clock) int64 {
				c.start()
				defer c.stop()
				if _, err := openapi3.NewLoader().LoadFromData(data); err != nil {
					b.Fatal(err)
				}
				return 1
			}
		}
		reportCosts(b, "10k", "1k", alternate(b, kin(large), kin(small)))
	})
	b.Run("scan", func(b *testing.B) {
		h := widgetHandler()
		clocks := alternate(b, timedScan(b, func() *config.Config { return widgetConfig(b, large) }, h),
			timedScan(b, func() *config.Config { return widgetConfig(b, small) }, h))
		reportCosts(b, "10k", "1k", clocks)
		for i, name := range []string{"10k", "1k"} {
			b.ReportMetric(float64(clocks[i].count)/clocks[i].wall.Seconds(), name+"-req/s")
		}
	})
}

// planSection loads and plans data, which must plan at least want
// operations (its gets by id; the planner may take more).
func planSection(b *testing.B, data []byte, want int) section {
	return func(c *clock) int64 {
		c.start()
		defer c.stop()
		spec, err := spec.LoadSpecData("synthetic.yaml", data)
		if err != nil {
			b.Fatal(err)
		}
		if p := plan.BuildPlan(spec, plan.PlanOptions{}); len(p.Operations) < want {
			b.Fatalf("planned %d operations, want at least %d", len(p.Operations), want)
		}
		return 1
	}
}

// BenchmarkPeakMemory does one thing per sub-benchmark and reports the
// process's peak resident memory; scripts/bench.sh runs each alone in a
// process (-benchtime 1x), since the peak is the whole process's.
func BenchmarkPeakMemory(b *testing.B) {
	cases := []struct {
		name string
		run  func(b *testing.B)
	}{
		{"loadplan-stripe", func(b *testing.B) { loadPlan(b, corpusSpec(b, "stripe.yaml")) }},
		{"plan-10000", func(b *testing.B) { planSection(b, syntheticSpec(10000), 5000)(&clock{}) }},
		{"scan-10000", func(b *testing.B) { run(b, prepare(b, widgetConfig(b, syntheticSpec(10000)), widgetHandler())) }},
		// kin-openapi's bare load of the scanned document: the issue's
		// yardstick for scan-10000 (at most twice this).
		{"kin-10000", func(b *testing.B) {
			if _, err := openapi3.NewLoader().LoadFromData(syntheticSpec(10000)); err != nil {
				b.Fatal(err)
			}
		}},
		{"scan-demo", func(b *testing.B) { run(b, prepare(b, demoConfig(b, "http://unused.invalid", 4), demoHandler(b))) }},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				tc.run(b)
			}
			reportPeakRSS(b)
		})
	}
}
