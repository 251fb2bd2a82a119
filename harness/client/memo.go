package client

import (
	"context"
	"sync"

	"github.com/bolaharness/bolaharness/harness/config"
)

// maxMemoBytes bounds the bodies kept for reuse; past it, requests are still
// sent and judged but no longer kept.
const MaxMemoBytes = 64 << 20

// memo sends each (user, method, URL) once per run: controls, the
// attacker's own objects and neighbours shared by several pairs are asked
// for once. GET and HEAD are the methods it sees, and they are meant to be
// safe and idempotent.
type Memo struct {
	mu    sync.Mutex
	m     map[string]*memoEntry
	bytes int
}

type memoEntry struct {
	once sync.Once
	x    Exchange
}

func NewMemo() *Memo { return &Memo{m: map[string]*memoEntry{}} }

func (m *Memo) Do(ctx context.Context, c *Client, u *config.User, method, url string) Exchange {
	key := u.Name + "\x00" + method + "\x00" + url
	m.mu.Lock()
	e, ok := m.m[key]
	if !ok {
		if m.bytes > MaxMemoBytes {
			m.mu.Unlock()
			return c.Do(ctx, u, method, url)
		}
		e = &memoEntry{}
		m.m[key] = e
	}
	m.mu.Unlock()
	e.once.Do(func() {
		e.x = c.Do(ctx, u, method, url)
		m.mu.Lock()
		m.bytes += len(e.x.Body)
		m.mu.Unlock()
	})
	return e.x
}
