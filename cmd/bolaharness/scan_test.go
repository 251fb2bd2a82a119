package main

import (
	"encoding/json"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/bolaharness/bolaharness/harness"

	"github.com/bolaharness/bolaharness/harness/plan"
	"github.com/bolaharness/bolaharness/harness/report"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// view is what one report format says: the findings (operation, parameter,
// attacker, victim, value) and the counts.
type view struct {
	findings []string
	counts   map[string]int64
}

func finding(op, param, attacker, victim, value string) string {
	return strings.Join([]string{op, param, attacker, victim, value}, " | ")
}

func (v *view) sorted() []string {
	out := append([]string(nil), v.findings...)
	sort.Strings(out)
	return out
}

func jsonView(t *testing.T, path string) view {
	r, err := harness.ReadReport(path)
	require.NoError(t, err)
	v := view{counts: map[string]int64{"findings": int64(len(r.Findings)), "operations": int64(r.Stats.Operations),
		"skipped": int64(len(r.Skipped)), "cases": int64(r.Stats.Cases), "leaks": int64(r.Stats.Leaks), "safe": int64(r.Stats.Safe),
		"noVerdict": int64(r.Stats.NoVerdict), "notSent": int64(r.Stats.NotSent), "requests": r.Stats.Requests}}
	for _, f := range r.Findings {
		v.findings = append(v.findings, finding(f.Operation, f.Parameter, f.Attacker, f.Victim, f.Value))
	}
	return v
}

func sarifView(t *testing.T, path string) view {
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var log struct {
		Runs []struct {
			Results []struct {
				Properties map[string]any `json:"properties"`
			} `json:"results"`
			Invocations []struct {
				Notifications []struct {
					Properties map[string]any `json:"properties"`
				} `json:"toolExecutionNotifications"`
				Properties map[string]any `json:"properties"`
			} `json:"invocations"`
		} `json:"runs"`
	}
	require.NoError(t, json.Unmarshal(data, &log))
	require.Len(t, log.Runs, 1)
	run := log.Runs[0]
	require.Len(t, run.Invocations, 1)
	left := 0 // the notifications of operations left out name the operation
	for _, n := range run.Invocations[0].Notifications {
		if _, ok := n.Properties["operation"]; ok {
			left++
		}
	}
	v := view{counts: map[string]int64{"findings": int64(len(run.Results)), "skipped": int64(left)}}
	for _, k := range []string{"operations", "cases", "leaks", "safe", "noVerdict", "notSent", "requests"} {
		v.counts[k] = int64(run.Invocations[0].Properties[k].(float64))
	}
	for _, r := range run.Results {
		p := r.Properties
		v.findings = append(v.findings, finding(p["operation"].(string), p["parameter"].(string), p["attacker"].(string), p["victim"].(string), p["value"].(string)))
	}
	return v
}

var (
	mdRow    = regexp.MustCompile("(?m)^\\| \\d+ \\| [^|]+ \\| [^|]+ \\| `([^`]+)` \\| (\\S+) → (\\S+) \\| `([^=`]+)=([^`]*)` \\(")
	mdCounts = map[string]*regexp.Regexp{
		"findings":   regexp.MustCompile(`\| Findings \| (\d+)`),
		"operations": regexp.MustCompile(`\| Operations attacked \| (\d+) \|`),
		"skipped":    regexp.MustCompile(`\| Operations left out \| (\d+) \|`),
		"cases":      regexp.MustCompile(`\| Cases \| (\d+):`),
		"leaks":      regexp.MustCompile(`\| Cases \| \d+: (\d+) leaked`),
		"safe":       regexp.MustCompile(`leaked, (\d+) safe`),
		"noVerdict":  regexp.MustCompile(`safe, (\d+) without verdict`),
		"notSent":    regexp.MustCompile(`without verdict, (\d+) not sent[ |(]`),
		"requests":   regexp.MustCompile(`\| Requests \| (\d+) in`),
	}
	htmlArticle = regexp.MustCompile(`<article class="finding" id="f\d+" data-operation="([^"]*)" data-parameter="([^"]*)" data-attacker="([^"]*)" data-victim="([^"]*)" data-value="([^"]*)"`)
	htmlCount   = regexp.MustCompile(`<dd data-count="(\w+)"[^>]*>(\d+)</dd>`)
)

func markdownView(t *testing.T, path string) view {
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	md := string(data)
	v := view{counts: map[string]int64{}}
	for k, re := range mdCounts {
		m := re.FindStringSubmatch(md)
		require.Len(t, m, 2, "markdown count %s", k)
		v.counts[k] = atoi(t, m[1])
	}
	unesc := strings.NewReplacer(`\|`, "|").Replace
	for _, m := range mdRow.FindAllStringSubmatch(md, -1) {
		v.findings = append(v.findings, finding(unesc(m[1]), unesc(m[4]), m[2], m[3], unesc(m[5])))
	}
	return v
}

func htmlView(t *testing.T, path string) view {
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	page := string(data)
	v := view{counts: map[string]int64{}}
	for _, m := range htmlCount.FindAllStringSubmatch(page, -1) {
		v.counts[m[1]] = atoi(t, m[2])
	}
	for _, m := range htmlArticle.FindAllStringSubmatch(page, -1) {
		u := html.UnescapeString
		v.findings = append(v.findings, finding(u(m[1]), u(m[2]), u(m[3]), u(m[4]), u(m[5])))
	}
	return v
}

func atoi(t *testing.T, s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	require.NoError(t, err)
	return n
}

// TestFormatsAgree runs one scan of the demo with every output and reads
// each format back: the same findings and the same counts in all four.
func TestFormatsAgree(t *testing.T) {
	quiet(t)
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	code, _, errOut := cli(t, "scan", "-seed", "5", "-progress", "never",
		"-report", p("r.json"), "-sarif", p("r.sarif"), "-markdown", p("r.md"), "-html", p("r.html"))
	require.Equal(t, exitLeaks, code, errOut)

	want := jsonView(t, p("r.json"))
	require.NotEmpty(t, want.findings)
	for name, got := range map[string]view{"sarif": sarifView(t, p("r.sarif")), "markdown": markdownView(t, p("r.md")), "html": htmlView(t, p("r.html"))} {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, want.sorted(), got.sorted(), "same findings as the JSON report")
			assert.Equal(t, want.counts, got.counts, "same counts as the JSON report")
		})
	}
	t.Logf("JSON, SARIF, Markdown and HTML agree: %v", want.counts)

	r, err := harness.ReadReport(p("r.json"))
	require.NoError(t, err)
	page, err := os.ReadFile(p("r.html"))
	require.NoError(t, err)
	leakCells := 0
	for _, c := range r.Matrix {
		if c.Outcome == report.CellLeak {
			leakCells++
		}
	}
	assert.Equal(t, leakCells, strings.Count(string(page), `class="cell leak"`), "the matrix paints every leaking cell of the report")
}

// TestShardsMergeIntoTheWhole runs the demo once whole and once in two
// shards (split with -run, and with -shard), merges the shards with the
// merge command and compares: the same findings, matrix, skips and counts.
func TestShardsMergeIntoTheWhole(t *testing.T) {
	quiet(t)
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	scan := func(out string, extra ...string) {
		code, _, errOut := cli(t, append([]string{"scan", "-seed", "9", "-progress", "never", "-report", p(out)}, extra...)...)
		require.Contains(t, []int{exitClean, exitLeaks}, code, errOut)
	}
	scan("whole.json")
	names := demoOperations(t)
	half := len(names) / 2
	cases := []struct {
		name           string
		shard1, shard2 []string
	}{
		{"-run", []string{"-run", "^(" + strings.Join(names[:half], "|") + ")$"}, []string{"-run", "^(" + strings.Join(names[half:], "|") + ")$"}},
		{"-shard", []string{"-shard", "1/2"}, []string{"-shard", "2/2"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s1, s2, m := p(c.name+"1.json"), p(c.name+"2.json"), p(c.name+"merged.json")
			scan(filepath.Base(s1), c.shard1...)
			scan(filepath.Base(s2), c.shard2...)
			code, _, errOut := cli(t, "merge", "-o", m, s1, s2)
			require.Equal(t, exitLeaks, code, errOut)

			whole, merged, first := load(t, p("whole.json")), load(t, m), load(t, s1)
			require.Positive(t, first.Stats.Operations)
			assert.Less(t, first.Stats.Operations, whole.Stats.Operations, "a shard attacks part of the operations")
			assert.Equal(t, whole.Findings, merged.Findings)
			assert.ElementsMatch(t, whole.Matrix, merged.Matrix)
			assert.ElementsMatch(t, whole.Skipped, merged.Skipped)
			assert.ElementsMatch(t, whole.NoVerdicts, merged.NoVerdicts)
			whole.Stats.DurationMs, merged.Stats.DurationMs = 0, 0
			if c.name == "-run" {
				// -run selects subtests, not the plan: each job's preflight
				// checks every user's credential on the first planned read,
				// which the other job's selection may hold. At most one
				// request per user per extra job.
				extra := merged.Stats.Requests - whole.Stats.Requests
				assert.GreaterOrEqual(t, extra, int64(0))
				assert.LessOrEqual(t, extra, int64(len(whole.Coverage.Users)), "preflight requests of the second job")
				merged.Stats.Requests = whole.Stats.Requests
			}
			assert.Equal(t, whole.Stats, merged.Stats, "requests, cases and outcomes add up")
			t.Logf("whole: %d findings, %d requests; shards of %d and %d operations merge back to it",
				len(whole.Findings), whole.Stats.Requests, first.Stats.Operations, merged.Stats.Operations-first.Stats.Operations)
		})
	}
}

// loopback is the demo API's origin: each run (and each shard) starts it
// on a port of its own.
var loopback = regexp.MustCompile(`http://127\.0\.0\.1:\d+`)

// load reads a report and takes the demo API's origin out of its URLs.
func load(t *testing.T, path string) *harness.Report {
	r, err := harness.ReadReport(path)
	require.NoError(t, err)
	for i := range r.Findings {
		f := &r.Findings[i]
		f.URL = loopback.ReplaceAllString(f.URL, "BASE")
		f.Curl = loopback.ReplaceAllString(f.Curl, "BASE")
		f.Control = loopback.ReplaceAllString(f.Control, "BASE")
	}
	return r
}

// demoOperations are the demo's operations as subtest names, from plan.
func demoOperations(t *testing.T) []string {
	code, out, errOut := cli(t, "plan", "-spec", filepath.Join("..", "..", "specs", "demo.yaml"), "-format", "json")
	require.Equal(t, exitClean, code, errOut)
	var plan plan.Plan
	require.NoError(t, json.Unmarshal([]byte(out), &plan))
	var names []string
	for _, op := range plan.Operations {
		names = append(names, regexp.QuoteMeta(op.TestName))
	}
	require.Greater(t, len(names), 3)
	return names
}
