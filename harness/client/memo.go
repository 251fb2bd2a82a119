package client

import "sync"

// MaxMemoBytes bounds the bodies a Memo keeps for reuse; past it, requests
// are still sent and judged but no longer kept.
const MaxMemoBytes = 64 << 20

// Memo sends each request once per run and hands later callers the same
// exchange: controls, the attacker's own objects and neighbours shared by
// several user pairs are asked for once. Only reads are meant to come here:
// they are safe and idempotent, so sharing one answer changes nothing.
type Memo struct {
	mu    sync.Mutex
	m     map[string]*memoEntry
	bytes int
}

// memoEntry is one key's exchange, filled once.
type memoEntry struct {
	once sync.Once
	x    Exchange
}

// NewMemo returns an empty memo.
func NewMemo() *Memo { return &Memo{m: map[string]*memoEntry{}} }

// Do returns the exchange kept under key, calling send to get it the first
// time; concurrent callers of one key wait for that one send.
func (m *Memo) Do(key string, send func() Exchange) Exchange {
	m.mu.Lock()
	e, ok := m.m[key]
	if !ok {
		if m.bytes > MaxMemoBytes {
			m.mu.Unlock()
			return send()
		}
		e = &memoEntry{}
		m.m[key] = e
	}
	m.mu.Unlock()
	e.once.Do(func() {
		e.x = send()
		m.mu.Lock()
		m.bytes += len(e.x.Body)
		m.mu.Unlock()
	})
	return e.x
}
