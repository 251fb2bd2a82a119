package oracle

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/bolaharness/bolaharness/harness/client"
	"github.com/bolaharness/bolaharness/harness/jsonbody"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// bigJSON is a JSON list of n objects owned by owner: comfortably above
// minCachedBody.
func bigJSON(n int, owner string) []byte {
	var sb strings.Builder
	sb.WriteString(`{"items":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"id":%d,"owner_email":%q,"title":"item %d of %s"}`, i, owner, i, owner)
	}
	sb.WriteString(`]}`)
	return []byte(sb.String())
}

func TestBodyCache(t *testing.T) {
	alice := bigJSON(40, "alice@example.test")
	tests := []struct {
		name     string
		max      int
		bodies   [][]byte
		wantSize int // entries kept at the end
	}{
		{"a repeated body is kept once", 1 << 20, [][]byte{alice, alice, alice}, 1},
		{"equal content in another slice hits", 1 << 20, [][]byte{alice, append([]byte(nil), alice...)}, 1},
		{"small bodies are not kept", 1 << 20, [][]byte{[]byte(`{"id":1}`)}, 0},
		{"the bound evicts the oldest", 3*len(alice)*4 + 10, [][]byte{alice, bigJSON(40, "bobby@example.test"),
			bigJSON(40, "carol@example.test"), bigJSON(40, "dave1@example.test"), bigJSON(40, "erin1@example.test")}, 4},
		{"a body above a quarter of the bound is not kept", 3 * len(alice), [][]byte{alice}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := jsonbody.NewBodyCache(tt.max)
			for _, raw := range tt.bodies {
				var got jsonbody.Parsed
				if len(raw) < jsonbody.MinCachedBody {
					got = jsonbody.ParseNow(raw)
				} else {
					got = c.Parse(raw)
				}
				want := jsonbody.ParseNow(raw)
				assert.Equal(t, want.Leaves, got.Leaves)
				assert.Equal(t, want.JSON, got.JSON)
				assert.Equal(t, &raw[0], &got.Raw[0], "Raw is the caller's slice")
			}
			assert.Len(t, c.M, tt.wantSize)
			assert.LessOrEqual(t, c.Size, tt.max)
		})
	}
}

// TestBodyCache_AppendDoesNotLeak: the oracle appends header leaves to a
// parsed body; concurrent callers must not see each other's leaves.
func TestBodyCache_AppendDoesNotLeak(t *testing.T) {
	c := jsonbody.NewBodyCache(1 << 20)
	raw := bigJSON(40, "alice@example.test")
	n := len(c.Parse(raw).Leaves)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			b := c.Parse(raw)
			b.Leaves = append(b.Leaves, jsonbody.Leaf{Path: fmt.Sprintf("header:X-%d", i), Value: "v"})
			assert.Equal(t, fmt.Sprintf("header:X-%d", i), b.Leaves[n].Path)
		}(i)
	}
	wg.Wait()
	require.Len(t, c.Parse(raw).Leaves, n)
}

// BenchmarkJudgeRepeatedBodies judges a 2xx answer whose body equals the
// victim's control (the shape of a leak, or of a public object) with two
// attacker-own baselines, all ~8 KB: with the cache each body is parsed
// once; without it, four parses per judgement.
func BenchmarkJudgeRepeatedBodies(b *testing.B) {
	victim := bigJSON(100, "bob@example.test")
	trial := Trial{
		Attacker: Party{Name: "alice", Identity: map[string]string{"email": "alice@example.test"}},
		Victim:   &Party{Name: "bob", Identity: map[string]string{"email": "bob@example.test"}},
		Others:   []Party{{Name: "bob", Identity: map[string]string{"email": "bob@example.test"}}},
		Sent:     []string{"8"},
		Attack:   client.Exchange{Status: 200, Body: victim},
		Control:  &client.Exchange{Status: 200, Body: victim},
		AttackerOwn: []client.Exchange{{Status: 200, Body: bigJSON(100, "alice@example.test")},
			{Status: 200, Body: bigJSON(99, "alice@example.test")}},
	}
	for _, mode := range []struct {
		name string
		max  int
	}{{"cache", jsonbody.MaxCachedBodyBytes}, {"nocache", 0}} {
		b.Run(mode.name, func(b *testing.B) {
			saved := jsonbody.ParsedBodies
			jsonbody.ParsedBodies = jsonbody.NewBodyCache(mode.max)
			defer func() { jsonbody.ParsedBodies = saved }()
			b.ReportAllocs()
			for b.Loop() {
				if v := (MarkerOracle{}).Judge(trial); v.Outcome != Leak {
					b.Fatalf("want a leak, got %+v", v)
				}
			}
		})
	}
}
