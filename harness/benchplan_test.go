package harness_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/engine"
	"github.com/bolaharness/bolaharness/harness/plan"
)

// planScaleSizes are the operation counts BenchmarkPlanScale and the peak
// memory runs plan; the target is 40,000 operations planned in at
// most twice kin-openapi's bare load, in time and in memory.
var planScaleSizes = []struct {
	name string
	ops  int
}{{"2k", 2000}, {"8k", 8000}, {"40k", 40000}}

// BenchmarkPlanScale compares what `bolaharness plan -spec` does (load, the
// attack plan and the harvest plan, every id parameter a target) with a bare
// kin-openapi load of the same synthetic document, at 2,000, 8,000 and
// 40,000 operations, each resource with its own id parameter.
func BenchmarkPlanScale(b *testing.B) {
	for _, size := range planScaleSizes {
		b.Run(size.name, func(b *testing.B) {
			path := writeSynthetic(b, size.ops)
			// One untimed load first: the 40k size runs one round, and the
			// side that goes first (the harness) would pay alone for a cold
			// heap, fresh spans cleared and pages faulted in, that the
			// second side reuses (a profile showed the same kin call
			// clearing spans four times as long inside the harness's load).
			bareLoad(b, path)
			clocks := alternate(b, draftSection(b, path, size.ops), func(c *clock) int64 {
				c.start()
				defer c.stop()
				bareLoad(b, path)
				return 1
			})
			reportCosts(b, "plan", "kin", clocks)
		})
	}
}

// writeSynthetic writes the distinct-parameter synthetic spec of ops
// operations to a temporary file.
func writeSynthetic(b *testing.B, ops int) string {
	path := filepath.Join(b.TempDir(), "synthetic.yaml")
	if err := os.WriteFile(path, syntheticSpecDistinct(ops), 0o600); err != nil {
		b.Fatal(err)
	}
	return path
}

// draftSection drafts the plan of the spec at path as `plan -spec` does,
// and checks that harvesting reads every listing (each feeds its resource's
// parameter), so that the work measured is the whole of harvest planning.
func draftSection(b *testing.B, path string, ops int) section {
	return func(c *clock) int64 {
		c.start()
		defer c.stop()
		bp, err := engine.Draft(config.ForSpec(path, nil), plan.Shard{})
		if err != nil {
			b.Fatal(err)
		}
		if len(bp.Plan.Operations) < ops/2 || len(bp.Harvest.Calls) < ops/2 {
			b.Fatalf("planned %d operations and %d harvest calls, want %d of each", len(bp.Plan.Operations), len(bp.Harvest.Calls), ops/2)
		}
		return 1
	}
}

// BenchmarkPlanPeakMemory plans (plan-N) or bare-loads (kin-N) one
// synthetic spec and reports the process's peak resident memory; like
// BenchmarkPeakMemory, scripts/bench.sh runs each alone in a process. Both
// sides include the test binary and the generated document.
func BenchmarkPlanPeakMemory(b *testing.B) {
	for _, size := range planScaleSizes {
		b.Run("plan-"+size.name, func(b *testing.B) {
			path := writeSynthetic(b, size.ops)
			for i := 0; i < b.N; i++ {
				draftSection(b, path, size.ops)(&clock{})
			}
			reportPeakRSS(b)
		})
		b.Run("kin-"+size.name, func(b *testing.B) {
			path := writeSynthetic(b, size.ops)
			for i := 0; i < b.N; i++ {
				bareLoad(b, path)
			}
			reportPeakRSS(b)
		})
	}
}
