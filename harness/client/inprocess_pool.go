package client

import (
	"sync/atomic"
	"time"
)

// handlers runs the in-process handlers. A fresh goroutine per request made
// every request grow a new stack (a handler's ServeMux and JSON encoding
// outgrow a new goroutine's stack): a sixth of the in-process profile.
// Pooled goroutines keep theirs.
var handlers = newWorkerPool(time.Second)

// workerPool hands jobs to idle goroutines and starts a new one when none is
// idle, so a job never waits behind another (a handler that blocks forever
// holds only its own goroutine). An idle goroutine exits after idleFor, so a
// finished run leaves none behind.
type workerPool struct {
	jobs    chan func()
	idleFor time.Duration
	idle    atomic.Int64 // goroutines waiting for a job
}

func newWorkerPool(idleFor time.Duration) *workerPool {
	return &workerPool{jobs: make(chan func()), idleFor: idleFor}
}

// run starts f on an idle worker, or on a new one.
func (p *workerPool) run(f func()) {
	select {
	case p.jobs <- f:
	default:
		go p.work(f)
	}
}

func (p *workerPool) work(f func()) {
	idle := time.NewTimer(p.idleFor)
	defer idle.Stop()
	for {
		f()
		idle.Reset(p.idleFor)
		p.idle.Add(1)
		select {
		case f = <-p.jobs:
			p.idle.Add(-1)
		case <-idle.C:
			p.idle.Add(-1)
			return
		}
	}
}
