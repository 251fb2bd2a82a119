package harness_test

import (
	"runtime"
	"testing"
	"time"
)

// Timing of the benchmarks: sections measured in alternation, so that a noisy
// neighbour slows both sides of a ratio alike.

// clock sums the wall time, CPU time and allocated bytes of repeated timed
// sections.
type clock struct {
	wall, cpu time.Duration
	alloc     uint64
	wall0     time.Time
	cpu0      time.Duration
	alloc0    uint64
	count     int64 // what the sections returned: requests, or 1 per run
	runs      int64
	running   bool
}

func (c *clock) start() {
	c.alloc0 = totalAlloc()
	c.wall0, c.cpu0, c.running = time.Now(), cpuTime(), true
}

func (c *clock) stop() {
	if !c.running {
		return
	}
	c.wall += time.Since(c.wall0)
	c.cpu += cpuTime() - c.cpu0
	c.alloc += totalAlloc() - c.alloc0
	c.running = false
}

func totalAlloc() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.TotalAlloc
}

// section is one side of a comparison: it starts and stops c around the
// work it times (setup stays off the clock) and returns what it counted.
type section func(c *clock) int64

// alternate runs every section once per benchmark iteration, in turn,
// settling before each.
func alternate(b *testing.B, sections ...section) []clock {
	clocks := make([]clock, len(sections))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j, s := range sections {
			settle()
			clocks[j].count += s(&clocks[j])
			clocks[j].runs++
		}
	}
	return clocks
}

// settle lets the previous section's leftovers (closing connections, server
// goroutines, garbage) finish before the next clock starts, so that neither
// side of a pair pays for the other.
func settle() {
	time.Sleep(5 * time.Millisecond)
	runtime.GC()
}

// reportRates reports two sections as request rates, CPU per request and
// their ratios (a over b): rate-x for wall-clock rates, cpu-x for CPU time
// per request (b's over a's, so above 1 means a is cheaper).
func reportRates(b *testing.B, aName, bName string, c []clock) {
	ra, rb := float64(c[0].count)/c[0].wall.Seconds(), float64(c[1].count)/c[1].wall.Seconds()
	ca, cb := perCount(c[0].cpu, c[0].count), perCount(c[1].cpu, c[1].count)
	b.ReportMetric(ra, aName+"-req/s")
	b.ReportMetric(rb, bName+"-req/s")
	b.ReportMetric(ra/rb, "rate-x")
	b.ReportMetric(ca, aName+"-cpu-µs/req")
	b.ReportMetric(cb, bName+"-cpu-µs/req")
	if ca > 0 {
		b.ReportMetric(cb/ca, "cpu-x")
	}
}

// reportCosts reports two sections as time and memory per run and their
// ratios (a over b): time-x (wall), cpu-x (CPU) and alloc-x (bytes).
func reportCosts(b *testing.B, aName, bName string, c []clock) {
	wa, wb := perRun(c[0].wall, c[0].runs), perRun(c[1].wall, c[1].runs)
	b.ReportMetric(wa, aName+"-ms")
	b.ReportMetric(wb, bName+"-ms")
	b.ReportMetric(wa/wb, "time-x")
	if cpu := perRun(c[1].cpu, c[1].runs); cpu > 0 {
		b.ReportMetric(perRun(c[0].cpu, c[0].runs)/cpu, "cpu-x")
	}
	ma, mb := float64(c[0].alloc)/float64(c[0].runs)/1e6, float64(c[1].alloc)/float64(c[1].runs)/1e6
	b.ReportMetric(ma, aName+"-MB")
	b.ReportMetric(mb, bName+"-MB")
	b.ReportMetric(ma/mb, "alloc-x")
}

// perCount is microseconds per counted thing.
func perCount(d time.Duration, n int64) float64 { return d.Seconds() * 1e6 / float64(n) }

// perRun is milliseconds per run.
func perRun(d time.Duration, runs int64) float64 { return d.Seconds() * 1e3 / float64(runs) }
