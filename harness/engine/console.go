package engine

import (
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
)

// Console is the TB the CLI reports into: leaks are printed with their
// evidence; with Verbose, safe and unjudged cases are printed too. It keeps
// testing's rules, so that the CLI and go test run the engine alike: Run
// runs f in a goroutine of its own and waits, and Skip ends that goroutine.
type Console struct {
	w       io.Writer
	verbose bool
	name    string
	failed  bool
	parent  *Console
	mu      *sync.Mutex
}

var _ TB = (*Console)(nil)

// NewConsole returns a root Console writing to w. Call its Run before
// anything else: Skip on the root would end the caller's goroutine.
func NewConsole(w io.Writer, verbose bool) *Console {
	return &Console{w: w, verbose: verbose, mu: &sync.Mutex{}}
}

// Helper implements TB; it does nothing outside tests.
func (c *Console) Helper() {}

// Name implements TB.
func (c *Console) Name() string { return c.name }

// Logf implements TB: printed only when verbose.
func (c *Console) Logf(format string, args ...any) {
	if c.verbose {
		c.print("    ", c.name, fmt.Sprintf(format, args...))
	}
}

// Errorf implements TB: a leak is always printed, once per finding: a
// case that repeats an earlier finding (DuplicateNote) prints only when
// verbose.
func (c *Console) Errorf(format string, args ...any) {
	c.mark(true)
	msg := fmt.Sprintf(format, args...)
	if !c.verbose && strings.HasSuffix(msg, DuplicateNote) {
		return
	}
	c.print("", "--- LEAK: "+c.name, indent(msg, "    "))
}

// Skip implements TB: printed only when verbose; then, as testing's Skip
// does, it ends the goroutine Run started, so no code after it runs.
func (c *Console) Skip(args ...any) {
	if c.verbose {
		c.print("", "--- SKIP: "+c.name, indent(fmt.Sprint(args...), "    "))
	}
	runtime.Goexit()
}

// Run implements TB: f runs in a goroutine of its own, and Run waits for it
// to return or to end with Skip.
func (c *Console) Run(name string, f func(TB)) bool {
	full := name
	if c.name != "" {
		full = c.name + "/" + name
	}
	child := &Console{w: c.w, verbose: c.verbose, name: full, parent: c, mu: c.mu}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(child)
	}()
	<-done
	c.mu.Lock()
	defer c.mu.Unlock()
	return !child.failed
}

// mark records a leak on c and every case above it.
func (c *Console) mark(failed bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for p := c; p != nil; p = p.parent {
		p.failed = p.failed || failed
	}
}

// print writes one block under the lock, so concurrent cases do not interleave.
func (c *Console) print(prefix, head, body string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if body == "" {
		fmt.Fprintf(c.w, "%s%s\n", prefix, head)
		return
	}
	fmt.Fprintf(c.w, "%s%s\n%s\n", prefix, head, body)
}

// indent prefixes every line of s with pad.
func indent(s, pad string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = pad + l
	}
	return strings.Join(lines, "\n")
}
