package main

import (
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/bolaharness/bolaharness/harness"

	"github.com/bolaharness/bolaharness/harness/plan"
)

// runFilter selects cases the way `go test -run` does: the pattern is split
// on "/" and each part is an unanchored regular expression matched against
// the name at that level, below the config: operation, attacker-vs-victim,
// parameter, case. Levels past the pattern's parts all match.
type runFilter struct {
	pattern string
	parts   []*regexp.Regexp
	mu      sync.Mutex
	// params counts, per operation entered, the parameter-level cases that
	// were selected: an operation whose count stays 0 was not attacked.
	params map[string]int
	// lastTop says whether the latest operation was selected, so the
	// per-operation log line of an operation that did not run is dropped.
	lastTop bool
}

// newRunFilter compiles pattern; "" selects everything (nil filter).
func newRunFilter(pattern string) (*runFilter, error) {
	if pattern == "" {
		return nil, nil
	}
	f := &runFilter{pattern: pattern, params: map[string]int{}, lastTop: true}
	for i, p := range strings.Split(pattern, "/") {
		re, err := regexp.Compile(p)
		if err != nil {
			return nil, fmt.Errorf("-run %q: part %d: %v (the pattern is go test's: regular expressions joined by /)", pattern, i+1, err)
		}
		f.parts = append(f.parts, re)
	}
	return f, nil
}

// wrap applies the filter to the cases run under t (the config's level).
func (f *runFilter) wrap(t harness.TB) harness.TB {
	if f == nil {
		return t
	}
	return &filterTB{TB: t, f: f}
}

// operations is how many operations were attacked: some id parameter of
// theirs was selected.
func (f *runFilter) operations() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.params {
		if c > 0 {
			n++
		}
	}
	return n
}

// keepSkips drops the "no case could be built" entries of operations the
// filter entered but left no parameter of: they were not attacked because
// of -run, not because of the API.
func (f *runFilter) keepSkips(skips []plan.Skip, plan plan.Plan) []plan.Skip {
	if f == nil {
		return skips
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	notAttacked := map[string]bool{}
	for _, op := range plan.Operations {
		if c, entered := f.params[op.TestName]; entered && c == 0 {
			notAttacked[op.Operation] = true
		}
	}
	out := skips[:0:0]
	for _, s := range skips {
		if !notAttacked[s.Operation] {
			out = append(out, s)
		}
	}
	return out
}

// logf drops the per-operation line of an operation the filter left out.
func (f *runFilter) logf(next func(string, ...any)) func(string, ...any) {
	if f == nil {
		return next
	}
	return func(format string, args ...any) {
		f.mu.Lock()
		show := f.lastTop
		f.mu.Unlock()
		if show || !strings.HasPrefix(format, "[") {
			next(format, args...)
		}
	}
}

func (f *runFilter) noteTop(name string, selected bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lastTop = selected
	if _, ok := f.params[name]; selected && !ok {
		f.params[name] = 0
	}
}

func (f *runFilter) noteParam(op string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.params[op]++
}

// paramLevel is the level of id parameters below the config:
// operation (0) / attacker-vs-victim (1) / parameter (2) / case (3).
const paramLevel = 2

// filterTB is a TB whose nested cases pass through the filter.
type filterTB struct {
	harness.TB
	f     *runFilter
	level int
	op    string // the operation this case is under
}

// Run runs fn only when name matches the pattern's part for this level;
// a case left out counts as passed, as in go test.
func (t *filterTB) Run(name string, fn func(harness.TB)) bool {
	selected := t.level >= len(t.f.parts) || t.f.parts[t.level].MatchString(name)
	op := t.op
	switch t.level {
	case 0:
		op = name
		t.f.noteTop(name, selected)
	case paramLevel:
		if selected {
			t.f.noteParam(op)
		}
	}
	if !selected {
		return true
	}
	return t.TB.Run(name, func(c harness.TB) { fn(&filterTB{TB: c, f: t.f, level: t.level + 1, op: op}) })
}

// selectedNone reports whether the run entered operations but the pattern
// selected no parameter of any: the pattern names nothing that exists.
func (f *runFilter) selectedNone() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.params) == 0 {
		return false // nothing was entered: the run stopped before attacking
	}
	for _, c := range f.params {
		if c > 0 {
			return false
		}
	}
	return true
}
