package plan

import (
	"fmt"
	"hash/fnv"
	"os"
	"strconv"
	"strings"
)

// EnvShard splits a run across CI jobs: BOLA_SHARD=i/n runs the i-th of n
// shards (1-based), as a GitHub Actions matrix does.
const EnvShard = "BOLA_SHARD"

// Shard is one part of a run split across CI jobs: operation k is in shard
// Index when a hash of its key, modulo Count, is Index-1. A hash keeps every
// operation in its shard when operations are added or removed (a sorted
// round-robin would move most of them), so a flaky job stays reproducible;
// with the dozens to hundreds of operations of a real API the shards come
// out close in size. The zero Shard is the whole run.
type Shard struct {
	Index int // 1-based
	Count int
}

// ParseShard reads "i/n" with 1 ≤ i ≤ n. The empty string is an error; use
// ShardFromEnv for an optional setting.
func ParseShard(s string) (Shard, error) {
	s = strings.TrimSpace(s)
	fix := "write it as i/n with 1 <= i <= n, such as 1/4 for the first of four CI jobs"
	is, ns, ok := strings.Cut(s, "/")
	if !ok {
		return Shard{}, fmt.Errorf("shard %q: %s", s, fix)
	}
	i, ierr := strconv.Atoi(strings.TrimSpace(is))
	n, nerr := strconv.Atoi(strings.TrimSpace(ns))
	switch {
	case ierr != nil || nerr != nil:
		return Shard{}, fmt.Errorf("shard %q: i and n must be whole numbers; %s", s, fix)
	case n < 1:
		return Shard{}, fmt.Errorf("shard %q: n must be at least 1; %s", s, fix)
	case i < 1 || i > n:
		return Shard{}, fmt.Errorf("shard %q: i must be between 1 and %d (shards are numbered from 1); %s", s, n, fix)
	}
	return Shard{Index: i, Count: n}, nil
}

// ShardFromEnv reads BOLA_SHARD from env (nil = os.LookupEnv); unset or
// empty means the whole run.
func ShardFromEnv(env func(string) (string, bool)) (Shard, error) {
	if env == nil {
		env = os.LookupEnv
	}
	v, ok := env(EnvShard)
	if !ok || strings.TrimSpace(v) == "" {
		return Shard{}, nil
	}
	sh, err := ParseShard(v)
	if err != nil {
		return Shard{}, fmt.Errorf("%s: %w", EnvShard, err)
	}
	return sh, nil
}

// IsZero reports whether s is the whole run.
func (s Shard) IsZero() bool { return s.Count <= 1 }

// String writes s as i/n ("" for the whole run).
func (s Shard) String() string {
	if s.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d/%d", s.Index, s.Count)
}

// Includes reports whether the operation with key ("GET /items/{id}") is in
// this shard.
func (s Shard) Includes(key string) bool {
	if s.IsZero() {
		return true
	}
	h := fnv.New64a()
	h.Write([]byte(key)) // a hash.Hash never fails to write
	return int(h.Sum64()%uint64(s.Count)) == s.Index-1
}

// Apply keeps the operations of p (planned and left out alike) that are in
// this shard, so that the shards' reports together hold each operation
// exactly once, and adds a warning that says what was kept.
func (s Shard) Apply(p Plan) Plan {
	if s.IsZero() {
		return p
	}
	out := p
	out.Operations, out.Skipped = nil, nil
	out.Warnings = append([]string(nil), p.Warnings...)
	for _, op := range p.Operations {
		if s.Includes(op.Operation) {
			out.Operations = append(out.Operations, op)
		}
	}
	for _, sk := range p.Skipped {
		if s.Includes(sk.Operation) {
			out.Skipped = append(out.Skipped, sk)
		}
	}
	out.Policy = p.Policy.inShard(s)
	out.Scopes = scopesInShard(p.Scopes, s)
	out.Warnings = append(out.Warnings, fmt.Sprintf("shard %s (%s): %d of %d planned operations; the other shards run the rest",
		s, EnvShard, len(out.Operations), len(p.Operations)))
	return out
}
