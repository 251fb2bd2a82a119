package engine

import (
	"context"
	"strings"
	"sync"

	"github.com/bolaharness/bolaharness/harness/client"
	"github.com/bolaharness/bolaharness/harness/config"
)

// sendMemo is the run's memo for read requests that a URL alone does not
// name: GETs with an id in a header, and the controls and own-object
// requests of reads whose id is in a body (POST searches). They are sent
// once per run, like plain GETs in memo.go; writes never come here.
type sendMemo struct {
	mu    sync.Mutex
	m     map[string]*sendEntry
	bytes int
}

type sendEntry struct {
	once sync.Once
	x    client.Exchange
}

// do sends r as u once per run and hands later callers the same exchange.
func (m *sendMemo) Do(ctx context.Context, c *client.Client, u *config.User, r client.Request) client.Exchange {
	key := requestKey(u, r)
	m.mu.Lock()
	if m.m == nil {
		m.m = map[string]*sendEntry{}
	}
	e, ok := m.m[key]
	if !ok {
		if m.bytes > client.MaxMemoBytes {
			m.mu.Unlock()
			return c.DoRequest(ctx, u, r)
		}
		e = &sendEntry{}
		m.m[key] = e
	}
	m.mu.Unlock()
	e.once.Do(func() {
		e.x = c.DoRequest(ctx, u, r)
		m.mu.Lock()
		m.bytes += len(e.x.Body)
		m.mu.Unlock()
	})
	return e.x
}

// requestKey names a request whole: user, method, URL, headers and body.
func requestKey(u *config.User, r client.Request) string {
	name := ""
	if u != nil {
		name = u.Name
	}
	return strings.Join([]string{name, r.Method, r.URL, strings.Join(client.HeaderLines(r.Header), "\n"), string(r.Body)}, "\x00")
}

// send sends r as u. Plain GETs and HEADs go through the run's memo (they
// are safe to share), reads that carry a header or body through sendMemo,
// and anything else (an attack with a body, every write) each time.
func (s *Scan) send(ctx context.Context, u *config.User, r client.Request) client.Exchange {
	read := r.Method == "GET" || r.Method == "HEAD"
	switch {
	case r.Invalid != "":
		return s.client.DoRequest(ctx, u, r)
	case read && len(r.Header) == 0 && r.Body == nil:
		return s.memo.Do(ctx, s.client, u, r.Method, r.URL)
	case read || r.Shared:
		return s.sends.Do(ctx, s.client, u, r)
	}
	return s.client.DoRequest(ctx, u, r)
}
