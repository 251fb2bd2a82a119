package jsonbody

import (
	"bytes"
	"hash/maphash"
	"sync"
)

// minCachedBody is the size from which a parsed body is kept: below it,
// parsing costs about what hashing and comparing would.
const MinCachedBody = 512

// maxCachedBodyBytes bounds the cache: each entry counts its bytes three
// times over (the copy of the body and, roughly, its leaves).
const MaxCachedBodyBytes = 32 << 20

// parsedBodies is the process's cache of parsed bodies, keyed by content.
// It is shared by concurrent scans and bounded, so a long run or many runs
// in one test binary cannot grow it past maxCachedBodyBytes.
var ParsedBodies = NewBodyCache(MaxCachedBodyBytes)

// bodyCache maps a body's content to its parse, evicting the oldest entries
// first. A hit is checked byte for byte, so a hash collision costs a parse,
// never a wrong answer.
type bodyCache struct {
	mu    sync.Mutex
	seed  maphash.Seed
	max   int
	Size  int
	M     map[bodyKey]*cachedBody
	order []bodyKey // insertion order, for eviction
}

type bodyKey struct {
	hash uint64
	n    int
}

type cachedBody struct {
	raw  []byte // a private copy: the caller's slice is not ours to keep
	b    Parsed
	cost int
}

func NewBodyCache(max int) *bodyCache {
	return &bodyCache{seed: maphash.MakeSeed(), max: max, M: map[bodyKey]*cachedBody{}}
}

// parse returns raw's parse from the cache, or parses and keeps it. The
// returned body's Raw is the caller's raw, and its Leaves are capped so that
// a caller's append copies them instead of writing into the shared array.
func (c *bodyCache) Parse(raw []byte) Parsed {
	key := bodyKey{maphash.Bytes(c.seed, raw), len(raw)}
	c.mu.Lock()
	e, ok := c.M[key]
	c.mu.Unlock()
	if ok && bytes.Equal(e.raw, raw) {
		return shareBody(e.b, raw)
	}
	b := ParseNow(raw)
	c.put(key, raw, b)
	return shareBody(b, raw)
}

func shareBody(b Parsed, raw []byte) Parsed {
	b.Raw = raw
	b.Leaves = b.Leaves[:len(b.Leaves):len(b.Leaves)]
	return b
}

func (c *bodyCache) put(key bodyKey, raw []byte, b Parsed) {
	cost := 3 * len(raw)
	if cost > c.max/4 {
		return // one huge body would flush everything else
	}
	e := &cachedBody{raw: bytes.Clone(raw), b: b, cost: cost}
	e.b.Raw = e.raw
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, dup := c.M[key]; dup {
		return // a concurrent parse of the same body won
	}
	for c.Size+cost > c.max && len(c.order) > 0 {
		old := c.order[0]
		c.order = c.order[1:]
		if o, ok := c.M[old]; ok {
			c.Size -= o.cost
			delete(c.M, old)
		}
	}
	c.M[key] = e
	c.order = append(c.order, key)
	c.Size += cost
}
