package client

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWorkerPool(t *testing.T) {
	tests := []struct {
		name string
		jobs int
	}{{"one job", 1}, {"more jobs than idle workers", 8}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newWorkerPool(30 * time.Millisecond)
			block := make(chan struct{})
			var started, done sync.WaitGroup
			started.Add(tt.jobs)
			done.Add(tt.jobs)
			for i := 0; i < tt.jobs; i++ {
				p.run(func() { started.Done(); <-block; done.Done() })
			}
			// Every job runs at once: none waits behind a blocked one.
			waitOrFail(t, &started, "a job waited behind a blocked one")
			close(block)
			waitOrFail(t, &done, "jobs did not finish")
			require.Eventually(t, func() bool { return p.idle.Load() == int64(tt.jobs) }, time.Second, time.Millisecond)
			// An idle worker takes the next job instead of a new goroutine.
			hold := make(chan struct{})
			p.run(func() { <-hold })
			assert.Eventually(t, func() bool { return p.idle.Load() == int64(tt.jobs-1) }, time.Second, time.Millisecond)
			close(hold)
			// Idle workers exit after idleFor.
			assert.Eventually(t, func() bool { return p.idle.Load() == 0 }, time.Second, 5*time.Millisecond)
		})
	}
}

func waitOrFail(t *testing.T, wg *sync.WaitGroup, msg string) {
	t.Helper()
	ch := make(chan struct{})
	go func() { wg.Wait(); close(ch) }()
	select {
	case <-ch:
	case <-time.After(2 * time.Second):
		t.Fatal(msg)
	}
}
