package harness_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"

	"github.com/bolaharness/bolaharness/harness"
)

// The benchmarks of the performance issue. Each pair runs in one process
// against one target, so that scripts/bench.sh can print ratios that hold on
// a noisy machine; docs/performance.md records them.

// BenchmarkThroughput compares the harness's request rate with a bare
// net/http loop that sends the very requests the harness sent (recorded on
// the server), with the same concurrency, to the same loopback server. The
// config's rate is 0 (unlimited); each scan is prepared (spec, plan, client)
// outside the clock, and its controls and baselines count as requests. The
// two alternate within every iteration, so that a noisy neighbour slows both
// alike, and the ratio is reported with the rates.
func BenchmarkThroughput(b *testing.B) {
	n := benchConcurrency(b)
	rec := &recorder{next: demoHandler(b)}
	rec.on.Store(true)
	srv := httptest.NewServer(rec)
	defer srv.Close()
	scan(b, demoConfig(b, srv.URL, n), nil)
	rec.on.Store(false)
	reqs := rec.reqs
	var harness, bare clock
	var harnessReqs int64
	for i := 0; i < b.N; i++ {
		s := prepare(b, demoConfig(b, srv.URL, n), nil)
		settle()
		harness.start()
		harnessReqs += run(b, s)
		harness.stop()
		settle()
		bare.start()
		if failed, err := bareLoop(loopbackTransport(n), srv.URL, reqs, n); err != nil {
			b.Fatalf("bare loop: %d requests failed, e.g. %v", failed, err)
		}
		bare.stop()
	}
	bareReqs := int64(len(reqs) * b.N)
	reportPair(b, "harness", harness.rate(harnessReqs), "bare", bare.rate(bareReqs))
	b.ReportMetric(harness.cpuPer(harnessReqs), "harness-cpu-µs/req")
	b.ReportMetric(bare.cpuPer(bareReqs), "bare-cpu-µs/req")
	reportPeakRSS(b)
}

// BenchmarkInProcess compares one scan of the demo API served in process
// (no socket) with the same scan over loopback HTTP, alternating as
// BenchmarkThroughput does.
func BenchmarkInProcess(b *testing.B) {
	n := benchConcurrency(b)
	h := demoHandler(b)
	srv := httptest.NewServer(h)
	defer srv.Close()
	var times [2]time.Duration
	var reqs [2]int64
	for i := 0; i < b.N; i++ {
		for mode, handler := range []http.Handler{h, nil} {
			s := prepare(b, demoConfig(b, srv.URL, n), handler)
			settle()
			start := time.Now()
			reqs[mode] += run(b, s)
			times[mode] += time.Since(start)
		}
	}
	reportPair(b, "inprocess", float64(reqs[0])/times[0].Seconds(), "loopback", float64(reqs[1])/times[1].Seconds())
	reportPeakRSS(b)
}

// BenchmarkTransport isolates the transports: the bare loop of
// BenchmarkThroughput, sending the demo scan's requests through the
// in-process transport and through loopback HTTP, alternating.
func BenchmarkTransport(b *testing.B) {
	n := benchConcurrency(b)
	rec := &recorder{next: demoHandler(b)}
	rec.on.Store(true)
	srv := httptest.NewServer(rec)
	defer srv.Close()
	scan(b, demoConfig(b, srv.URL, n), nil)
	rec.on.Store(false)
	h := demoHandler(b)
	// Ten rounds of the scan's requests per timed section: one round takes
	// a few milliseconds in process, too short to time fairly.
	var reqs []wireRequest
	for r := 0; r < 10; r++ {
		reqs = append(reqs, rec.reqs...)
	}
	var times [2]time.Duration
	for i := 0; i < b.N; i++ {
		for mode, target := range []struct {
			rt   http.RoundTripper
			base string
		}{{&harness.InProcessTransport{Handler: h}, harness.InProcessBaseURL}, {loopbackTransport(n), srv.URL}} {
			settle()
			start := time.Now()
			if failed, err := bareLoop(target.rt, target.base, reqs, n); err != nil {
				b.Fatalf("%d requests failed, e.g. %v", failed, err)
			}
			times[mode] += time.Since(start)
		}
	}
	total := float64(len(reqs) * b.N)
	reportPair(b, "inprocess", total/times[0].Seconds(), "loopback", total/times[1].Seconds())
	reportPeakRSS(b)
}

// BenchmarkLoadPlan compares LoadSpec+BuildPlan of large real specs with a
// bare kin-openapi load of the same file (read, parse, resolve refs; for
// Swagger 2.0, parse and convert to OpenAPI 3 as the harness must).
func BenchmarkLoadPlan(b *testing.B) {
	for _, name := range []string{"stripe.yaml", "openai.yaml", "k8s.json"} {
		b.Run(strings.TrimSuffix(strings.TrimSuffix(name, ".yaml"), ".json"), func(b *testing.B) {
			path := corpusSpec(b, name)
			b.Run("harness", func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					spec, err := harness.LoadSpec(path)
					if err != nil {
						b.Fatal(err)
					}
					if p := harness.BuildPlan(spec, harness.PlanOptions{}); len(p.Operations) == 0 {
						b.Fatalf("%s: nothing planned", name)
					}
				}
				reportPeakRSS(b)
			})
			b.Run("bare", func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					bareLoad(b, path)
				}
				reportPeakRSS(b)
			})
		})
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

// BenchmarkScale loads and plans synthetic specs of 1,000 and 10,000
// operations, and scans them in process, to show that time and memory grow
// linearly with the size of the API.
func BenchmarkScale(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		data := syntheticSpec(n)
		b.Run("plan/"+itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				spec, err := harness.LoadSpecData("synthetic.yaml", data)
				if err != nil {
					b.Fatal(err)
				}
				if p := harness.BuildPlan(spec, harness.PlanOptions{}); len(p.Operations) != n/2 {
					b.Fatalf("planned %d operations, want %d", len(p.Operations), n/2)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/operation")
			reportPeakRSS(b)
		})
		b.Run("scan/"+itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			var total int64
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				s := prepare(b, widgetConfig(b, data), widgetHandler())
				b.StartTimer()
				total += run(b, s)
			}
			reportRate(b, total, b.Elapsed())
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/operation")
			reportPeakRSS(b)
		})
	}
}
