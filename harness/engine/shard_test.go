package engine

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"testing"

	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/plan"
	"github.com/bolaharness/bolaharness/harness/report"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bolaharness/bolaharness/fixtures"
	"github.com/bolaharness/bolaharness/specs"
)

func TestParseShard(t *testing.T) {
	tests := []struct {
		in      string
		want    plan.Shard
		wantErr string
	}{
		{"1/4", plan.Shard{Index: 1, Count: 4}, ""},
		{" 4/4 ", plan.Shard{Index: 4, Count: 4}, ""},
		{"1/1", plan.Shard{Index: 1, Count: 1}, ""},
		{"", plan.Shard{}, "write it as i/n"},
		{"2", plan.Shard{}, `shard "2": write it as i/n`},
		{"0/4", plan.Shard{}, "i must be between 1 and 4 (shards are numbered from 1)"},
		{"5/4", plan.Shard{}, "i must be between 1 and 4"},
		{"1/0", plan.Shard{}, "n must be at least 1"},
		{"a/b", plan.Shard{}, "i and n must be whole numbers"},
		{"1/2/3", plan.Shard{}, "i and n must be whole numbers"},
	}
	for _, tt := range tests {
		got, err := plan.ParseShard(tt.in)
		if tt.wantErr != "" {
			assert.ErrorContains(t, err, tt.wantErr, tt.in)
			continue
		}
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, got, tt.in)
	}
	sh, err := plan.ShardFromEnv(config.MapEnv(map[string]string{plan.EnvShard: "2/3"}))
	require.NoError(t, err)
	assert.Equal(t, "2/3", sh.String())
	sh, err = plan.ShardFromEnv(config.MapEnv(map[string]string{plan.EnvShard: " "}))
	require.NoError(t, err)
	assert.True(t, sh.IsZero(), "empty means the whole run")
	_, err = plan.ShardFromEnv(config.MapEnv(map[string]string{plan.EnvShard: "3/2"}))
	assert.ErrorContains(t, err, `BOLA_SHARD: shard "3/2": i must be between 1 and 2`)
}

// opKeys is n made-up operation keys.
func opKeys(n int) []string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("GET /resource%d/{id}", i)
	}
	return keys
}

func TestShard_PartitionStableBalanced(t *testing.T) {
	keys := opKeys(300)
	for _, n := range []int{2, 3, 5, 8} {
		owner := map[string]int{}
		sizes := make([]int, n)
		for i := 1; i <= n; i++ {
			for _, k := range keys {
				if (plan.Shard{Index: i, Count: n}).Includes(k) {
					_, dup := owner[k]
					assert.False(t, dup, "%s in two shards", k)
					owner[k] = i
					sizes[i-1]++
				}
			}
		}
		assert.Len(t, owner, len(keys), "every operation in exactly one of %d shards", n)
		for _, size := range sizes {
			assert.InDelta(t, len(keys)/n, size, float64(len(keys)/n)/2, "n=%d sizes %v are close", n, sizes)
		}
		// Adding operations moves none of the existing ones.
		for _, k := range keys[:50] {
			assert.True(t, (plan.Shard{Index: owner[k], Count: n}).Includes(k))
		}
	}
	assert.True(t, plan.Shard{}.Includes("anything"), "the zero shard is the whole run")
}

func TestShard_Apply(t *testing.T) {
	p := plan.Plan{Warnings: []string{"w"}}
	for _, k := range opKeys(20) {
		p.Operations = append(p.Operations, plan.PlannedOperation{Operation: k})
		p.Skipped = append(p.Skipped, plan.Skip{Operation: k + "x", Why: "public"})
	}
	var ops, skips int
	for i := 1; i <= 3; i++ {
		got := plan.Shard{Index: i, Count: 3}.Apply(p)
		ops += len(got.Operations)
		skips += len(got.Skipped)
		require.Len(t, got.Warnings, 2)
		assert.Contains(t, got.Warnings[1], fmt.Sprintf("shard %d/3 (BOLA_SHARD): %d of 20 planned operations", i, len(got.Operations)))
	}
	assert.Equal(t, 20, ops)
	assert.Equal(t, 20, skips)
	assert.Equal(t, p, plan.Shard{}.Apply(p))
	assert.Len(t, p.Warnings, 1, "the plan given is not changed")
}

// scanDemoShard scans the embedded demo in vulnerable mode with a fixed
// seed, as shard sh.
func scanDemoShard(t *testing.T, sh plan.Shard) *report.Report {
	t.Helper()
	cfg, err := config.ParseConfigEmbedded("fixtures/demo.yaml", fixtures.DemoConfig, specs.Demo, config.MapEnv(nil))
	require.NoError(t, err)
	cfg.Seed = 42
	s, err := Prepare(cfg, Options{Fixture: fixtures.Handler, FixtureMode: config.FixtureVulnerable, Shard: sh})
	require.NoError(t, err)
	defer s.Close()
	return s.Run(context.Background(), NewConsole(io.Discard, false))
}

// findingKeys are a report's findings as comparable text; each run starts
// the demo on its own port, so URLs are taken without the base URL.
func findingKeys(rep *report.Report) []string {
	var out []string
	for _, f := range rep.Findings {
		path := strings.TrimPrefix(f.URL, rep.BaseURL)
		out = append(out, fmt.Sprintf("%s|%s|%s|%s|%s|%s|%s|%s|%d", f.Operation, f.Parameter, f.Attacker, f.Victim, f.Mutation, path, f.Kind, f.Value, len(f.Evidence)))
	}
	sort.Strings(out)
	return out
}

// TestShard_UnionEqualsWhole: the findings of the shards together are the
// findings of the unsharded run, on the demo API with its planted flaws.
func TestShard_UnionEqualsWhole(t *testing.T) {
	whole := scanDemoShard(t, plan.Shard{})
	require.NotEmpty(t, whole.Findings)
	for _, n := range []int{2, 3} {
		var union []string
		var skipped, ops, busy int
		for i := 1; i <= n; i++ {
			rep := scanDemoShard(t, plan.Shard{Index: i, Count: n})
			union = append(union, findingKeys(rep)...)
			if len(rep.Findings) > 0 {
				busy++
			}
			skipped += len(rep.Skipped)
			ops += rep.Stats.Operations
		}
		sort.Strings(union)
		assert.Equal(t, findingKeys(whole), union, "n=%d", n)
		assert.Equal(t, whole.Stats.Operations, ops, "n=%d: each operation in one shard", n)
		assert.Equal(t, len(whole.Skipped), skipped, "n=%d: each skip in one shard", n)
		assert.Greater(t, busy, 1, "n=%d: the findings are spread over several shards", n)
	}
}
