package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// Terminal control: carriage return and "erase to end of line".
const clearLine = "\r\x1b[K"

// tickEvery is how often the live line redraws its clock between updates.
const tickEvery = 500 * time.Millisecond

// isTerminal reports whether w is a terminal (a character device), without
// a dependency: CI logs, pipes and buffers are not, so they get one line
// per operation instead of a live line.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("TERM") == "dumb" {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// liveLine is a progress line kept at the bottom of a terminal: operations
// done of total, requests, findings, elapsed and estimated remaining time.
// Other output written through writer() scrolls above it.
type liveLine struct {
	mu       sync.Mutex
	term     io.Writer
	now      func() time.Time
	start    time.Time
	shown    bool
	closed   bool
	done     int
	total    int
	requests int64
	findings int
	// preparing is what the line says before the first update; the scan's
	// "preparing the scan" when empty.
	preparing string
	stop      chan struct{}
	stopped   sync.WaitGroup
}

// newLiveLine starts a live line on term; now is the clock (time.Now).
func newLiveLine(term io.Writer, now func() time.Time) *liveLine {
	return &liveLine{term: term, now: now, start: now(), stop: make(chan struct{})}
}

// update is harness.Options.Progress: it records the counts and redraws.
func (l *liveLine) update(done, total int, requests int64, findings int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.done, l.total, l.requests, l.findings = done, total, requests, findings
	l.draw()
}

// tick redraws the line every interval (the clock moves between
// operations) until close.
func (l *liveLine) tick(interval time.Duration) {
	l.stopped.Add(1)
	go func() {
		defer l.stopped.Done()
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-l.stop:
				return
			case <-t.C:
				l.mu.Lock()
				l.draw()
				l.mu.Unlock()
			}
		}
	}()
}

// close stops the clock and erases the line, leaving the terminal clean
// for the summary.
func (l *liveLine) close() {
	close(l.stop)
	l.stopped.Wait()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	if l.shown {
		fmt.Fprint(l.term, clearLine)
		l.shown = false
	}
}

// draw writes the line over itself; the caller holds mu.
func (l *liveLine) draw() {
	if l.closed {
		return
	}
	fmt.Fprint(l.term, clearLine+l.text())
	l.shown = true
}

// text is the line: "[3/9 operations] 512 requests · 4 findings · 0:02 elapsed · ~0:04 left".
func (l *liveLine) text() string {
	elapsed := l.now().Sub(l.start)
	if l.total == 0 && l.done == 0 {
		what := l.preparing
		if what == "" {
			what = "preparing the scan"
		}
		return what + " · " + clock(elapsed) + " elapsed"
	}
	eta := "estimating"
	if l.done > 0 && l.total >= l.done {
		left := time.Duration(float64(elapsed) / float64(l.done) * float64(l.total-l.done))
		eta = "~" + clock(left) + " left"
	}
	return fmt.Sprintf("[%d/%d operations] %s · %s · %s elapsed · %s",
		l.done, l.total, plural(int(l.requests), "request", "requests"), plural(l.findings, "finding", "findings"), clock(elapsed), eta)
}

// clock formats a duration as m:ss.
func clock(d time.Duration) string {
	s := int(d.Round(time.Second) / time.Second)
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// writer wraps w so that what it prints scrolls above the live line: the
// line is erased before the write and drawn again after a whole line.
func (l *liveLine) writer(w io.Writer) io.Writer { return &aboveLine{l: l, w: w} }

type aboveLine struct {
	l *liveLine
	w io.Writer
}

// Write implements io.Writer.
func (a *aboveLine) Write(p []byte) (int, error) {
	a.l.mu.Lock()
	defer a.l.mu.Unlock()
	if a.l.shown {
		if _, err := fmt.Fprint(a.l.term, clearLine); err != nil {
			return 0, err
		}
		a.l.shown = false
	}
	n, err := a.w.Write(p)
	if err == nil && bytes.HasSuffix(p, []byte("\n")) {
		a.l.draw()
	}
	return n, err
}
