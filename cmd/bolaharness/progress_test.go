package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bolaharness/bolaharness/harness"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeClock is a clock the test moves by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func TestLiveLineText(t *testing.T) {
	cases := []struct {
		name        string
		done, total int
		requests    int64
		findings    int
		after       time.Duration
		want        string
	}{
		{"start", 0, 9, 0, 0, 0, "[0/9 operations] 0 requests · 0 findings · 0:00 elapsed · estimating"},
		{"a third done", 3, 9, 512, 4, 20 * time.Second, "[3/9 operations] 512 requests · 4 findings · 0:20 elapsed · ~0:40 left"},
		{"one of each", 1, 9, 1, 1, 10 * time.Second, "[1/9 operations] 1 request · 1 finding · 0:10 elapsed · ~1:20 left"},
		{"done", 9, 9, 1400, 33, 95 * time.Second, "[9/9 operations] 1400 requests · 33 findings · 1:35 elapsed · ~0:00 left"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clk := &fakeClock{t: time.Unix(1000, 0)}
			var term bytes.Buffer
			l := newLiveLine(&term, clk.now)
			clk.t = clk.t.Add(c.after)
			l.update(c.done, c.total, c.requests, c.findings)
			assert.Equal(t, clearLine+c.want, term.String())
		})
	}
}

func TestLiveLineKeepsOtherOutputAbove(t *testing.T) {
	clk := &fakeClock{t: time.Unix(0, 0)}
	var term, out bytes.Buffer
	l := newLiveLine(&term, clk.now)
	l.update(1, 2, 10, 0)
	w := l.writer(&out)
	_, err := fmt.Fprint(w, "--- LEAK: demo/getInvoice\n")
	require.NoError(t, err)
	assert.Equal(t, "--- LEAK: demo/getInvoice\n", out.String(), "the output itself is untouched")
	line := "[1/2 operations] 10 requests · 0 findings · 0:00 elapsed · ~0:00 left"
	assert.Equal(t, clearLine+line+clearLine+clearLine+line, term.String(), "erased before the output, drawn again after it")

	term.Reset()
	_, err = fmt.Fprint(w, "partial")
	require.NoError(t, err)
	assert.Equal(t, clearLine, term.String(), "not drawn after a partial line")
	l.close()
	_, err = fmt.Fprint(w, " end\n")
	require.NoError(t, err)
	assert.Equal(t, clearLine, term.String(), "nothing drawn once closed")
}

func TestScanShowsProgress(t *testing.T) {
	quiet(t)
	cases := []struct {
		mode       string
		live       bool
		perOpLines bool
	}{
		{"always", true, true},
		{"never", false, true},
		{"auto", false, true}, // a test's stderr is not a terminal
	}
	for _, c := range cases {
		t.Run(c.mode, func(t *testing.T) {
			code, _, errOut := cli(t, "scan", "-fixture-mode", "fixed", "-progress", c.mode)
			require.Equal(t, exitClean, code, errOut)
			assert.Equal(t, c.live, strings.Contains(errOut, clearLine+"[9/9 operations]"), errOut)
			assert.Equal(t, c.live, strings.Contains(errOut, clearLine+"[0/9 operations]"))
			assert.Equal(t, c.perOpLines, strings.Contains(errOut, "[9/9] GET "), "one line per operation")
		})
	}
}

// recordTB is a TB that records the names of the cases that ran.
type recordTB struct {
	name string
	ran  *[]string
}

func (r *recordTB) Helper()               {}
func (r *recordTB) Name() string          { return r.name }
func (r *recordTB) Logf(string, ...any)   {}
func (r *recordTB) Errorf(string, ...any) {}
func (r *recordTB) Skip(...any)           {}
func (r *recordTB) Run(name string, f func(harness.TB)) bool {
	full := strings.TrimPrefix(r.name+"/"+name, "/")
	*r.ran = append(*r.ran, full)
	f(&recordTB{name: full, ran: r.ran})
	return true
}

func TestRunFilterSelectsLikeGoTest(t *testing.T) {
	tree := map[string][]string{"": {"getInvoice", "getOrder"}, "getInvoice": {"alice-vs-bob", "bob-vs-alice"},
		"getOrder": {"alice-vs-bob"}, "alice-vs-bob": {"swap=8", "leading-zeros=08"}, "bob-vs-alice": {"swap=7"}}
	var walk func(t harness.TB, level string)
	walk = func(t harness.TB, level string) {
		for _, child := range tree[level] {
			child := child
			t.Run(child, func(t harness.TB) { walk(t, child) })
		}
	}
	cases := []struct {
		pattern string
		leaves  []string
	}{
		{"", []string{"getInvoice/alice-vs-bob/swap=8", "getInvoice/alice-vs-bob/leading-zeros=08", "getInvoice/bob-vs-alice/swap=7", "getOrder/alice-vs-bob/swap=8", "getOrder/alice-vs-bob/leading-zeros=08"}},
		{"Invoice", []string{"getInvoice/alice-vs-bob/swap=8", "getInvoice/alice-vs-bob/leading-zeros=08", "getInvoice/bob-vs-alice/swap=7"}},
		{"/bob-vs-alice", []string{"getInvoice/bob-vs-alice/swap=7"}},
		{"^getOrder$/alice/^swap", []string{"getOrder/alice-vs-bob/swap=8"}},
		{"nothing", nil},
	}
	for _, c := range cases {
		t.Run(c.pattern, func(t *testing.T) {
			f, err := newRunFilter(c.pattern)
			require.NoError(t, err)
			var ran []string
			walk(f.wrap(&recordTB{ran: &ran}), "")
			var leaves []string
			for _, name := range ran {
				if strings.Count(name, "/") == 2 {
					leaves = append(leaves, name)
				}
			}
			assert.ElementsMatch(t, c.leaves, leaves)
			if f != nil {
				assert.Equal(t, len(unique(c.leaves)), f.operations(), "operations with a selected case at the third level")
			}
		})
	}
}

// unique counts the operations (first level) among leaves.
func unique(leaves []string) map[string]bool {
	out := map[string]bool{}
	for _, l := range leaves {
		out[strings.SplitN(l, "/", 2)[0]] = true
	}
	return out
}

func TestLiveLineBeforeThePlan(t *testing.T) {
	clk := &fakeClock{t: time.Unix(0, 0)}
	var term bytes.Buffer
	l := newLiveLine(&term, clk.now)
	clk.t = clk.t.Add(2 * time.Second)
	l.mu.Lock()
	l.draw()
	l.mu.Unlock()
	assert.Equal(t, clearLine+"preparing the scan · 0:02 elapsed", term.String(), "no 0/0 before the first update")
}

func TestIsTerminal(t *testing.T) {
	file, err := os.Create(filepath.Join(t.TempDir(), "log"))
	require.NoError(t, err)
	defer file.Close()
	cases := []struct {
		name string
		w    io.Writer
	}{
		{"a buffer", &bytes.Buffer{}},
		{"a regular file (CI log)", file},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.False(t, isTerminal(c.w))
		})
	}
}

func TestLiveLineWhilePlanning(t *testing.T) {
	clk := &fakeClock{t: time.Unix(0, 0)}
	var term bytes.Buffer
	l := newLiveLine(&term, clk.now)
	l.preparing = planningWhat("../../specs/demo.yaml", "")
	clk.t = clk.t.Add(75 * time.Second)
	l.mu.Lock()
	l.draw()
	l.mu.Unlock()
	info, err := os.Stat("../../specs/demo.yaml")
	require.NoError(t, err)
	want := fmt.Sprintf("loading and planning ../../specs/demo.yaml (%.1f MB) · 1:15 elapsed", float64(info.Size())/1e6)
	assert.Equal(t, clearLine+want, term.String())
	assert.Equal(t, "loading and planning the spec of fixtures/demo.yaml", planningWhat("", "fixtures/demo.yaml"))
}

func TestPlanPrintsNoProgressOffATerminal(t *testing.T) {
	var stdout, stderr bytes.Buffer
	done := planProgress(&stderr, "../../specs/demo.yaml", "")
	time.Sleep(2 * tickEvery)
	done()
	require.Equal(t, exitClean, run([]string{"plan", "-spec", "../../specs/demo.yaml", "-format", "json"}, &stdout, &stderr))
	assert.Empty(t, stderr.String(), "a buffer is no terminal: no live line")
}
