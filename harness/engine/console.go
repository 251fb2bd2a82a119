package engine

import (
	"fmt"
	"io"
	"strings"
	"sync"
)

// Console is the TB the CLI reports into: leaks are printed with their
// evidence; with Verbose, safe and unjudged cases are printed too.
type Console struct {
	w       io.Writer
	verbose bool
	name    string
	failed  bool
	parent  *Console
	mu      *sync.Mutex
	sum     *ConsoleSummary
}

// ConsoleSummary counts what a Console saw.
type ConsoleSummary struct {
	Failed, Skipped, Passed int
}

var _ TB = (*Console)(nil)

// NewConsole returns a root Console writing to w.
func NewConsole(w io.Writer, verbose bool) *Console {
	return &Console{w: w, verbose: verbose, mu: &sync.Mutex{}, sum: &ConsoleSummary{}}
}

// Summary returns the counts of cases seen so far (leaf cases only).
func (c *Console) Summary() ConsoleSummary {
	c.mu.Lock()
	defer c.mu.Unlock()
	return *c.sum
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

// Errorf implements TB: a leak is always printed.
func (c *Console) Errorf(format string, args ...any) {
	c.mark(true)
	c.print("", "--- LEAK: "+c.name, indent(fmt.Sprintf(format, args...), "    "))
}

// Skip implements TB: printed only when verbose.
func (c *Console) Skip(args ...any) {
	c.mu.Lock()
	c.sum.Skipped++
	c.mu.Unlock()
	if c.verbose {
		c.print("", "--- SKIP: "+c.name, indent(fmt.Sprint(args...), "    "))
	}
}

// Run implements TB: f runs at once, in this goroutine.
func (c *Console) Run(name string, f func(TB)) bool {
	full := name
	if c.name != "" {
		full = c.name + "/" + name
	}
	child := &Console{w: c.w, verbose: c.verbose, name: full, parent: c, mu: c.mu, sum: c.sum}
	f(child)
	return !child.failed
}

// Failed reports whether any case under c leaked.
func (c *Console) Failed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.failed
}

func (c *Console) mark(failed bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if failed {
		c.sum.Failed++
	}
	for p := c; p != nil; p = p.parent {
		p.failed = p.failed || failed
	}
}

func (c *Console) print(prefix, head, body string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if body == "" {
		fmt.Fprintf(c.w, "%s%s\n", prefix, head)
		return
	}
	fmt.Fprintf(c.w, "%s%s\n%s\n", prefix, head, body)
}

func indent(s, pad string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = pad + l
	}
	return strings.Join(lines, "\n")
}
