package report_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/bolaharness/bolaharness/harness/oracle"
	"github.com/bolaharness/bolaharness/harness/plan"
	"github.com/bolaharness/bolaharness/harness/report"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// update rewrites the golden files: go test ./harness/report -run Golden -update
var update = flag.Bool("update", false, "rewrite the golden report files in testdata/golden")

// goldenReport is a report made from a real demo scan (seed 42), trimmed
// to five operations, with no-verdict cases and a warning added by hand
// so that every section of every format shows.
func goldenReport(t *testing.T) *report.Report {
	t.Helper()
	r, err := report.ReadReport(filepath.Join("testdata", "golden", "report.json"))
	require.NoError(t, err)
	return r
}

func render(t *testing.T, r *report.Report, format string) []byte {
	t.Helper()
	var b bytes.Buffer
	switch format {
	case "json":
		require.NoError(t, r.JSON(&b))
	case "sarif":
		data, err := r.MarshalSARIF()
		require.NoError(t, err)
		return data
	case "md":
		require.NoError(t, r.Markdown(&b))
	case "html":
		require.NoError(t, r.HTML(&b))
	default:
		t.Fatalf("unknown format %q", format)
	}
	return b.Bytes()
}

func TestReportGolden(t *testing.T) {
	r := goldenReport(t)
	// json: the input was written by this writer, so it must come back
	// byte for byte (a field renamed, reordered or dropped shows here).
	for _, format := range []string{"json", "sarif", "md", "html"} {
		t.Run(format, func(t *testing.T) {
			got := render(t, r, format)
			path := filepath.Join("testdata", "golden", "report."+format)
			if *update {
				require.NoError(t, os.WriteFile(path, got, 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "run go test ./harness/report -run Golden -update to create it")
			assert.Equal(t, string(want), string(got), "%s differs from its golden file; if the change is meant, run go test ./harness/report -run Golden -update", path)
		})
	}
}

// sarifSchema compiles the SARIF 2.1.0 schema shipped in testdata.
func sarifSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "sarif-schema-2.1.0.json"))
	require.NoError(t, err)
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	require.NoError(t, err)
	const id = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	require.NoError(t, c.AddResource(id, doc))
	sch, err := c.Compile(id)
	require.NoError(t, err)
	return sch
}

func TestSARIFSchema(t *testing.T) {
	sch := sarifSchema(t)
	empty := &report.Report{Version: report.ReportVersion, Findings: []report.Finding{}, Skipped: []plan.Skip{}}
	golden := goldenReport(t)
	cases := []struct {
		name   string
		mangle func(map[string]any)
		valid  bool
	}{
		{"golden report", nil, true},
		{"no findings", nil, true},
		// The validator must catch a broken log, or the passes prove nothing.
		{"version missing", func(m map[string]any) { delete(m, "version") }, false},
		{"level unknown", func(m map[string]any) {
			res := m["runs"].([]any)[0].(map[string]any)["results"].([]any)[0].(map[string]any)
			res["level"] = "severe"
		}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := golden
			if c.name == "no findings" {
				r = empty
			}
			data, err := r.MarshalSARIF()
			require.NoError(t, err)
			var doc map[string]any
			require.NoError(t, json.Unmarshal(data, &doc))
			if c.mangle != nil {
				c.mangle(doc)
			}
			inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(mustJSON(t, doc)))
			require.NoError(t, err)
			err = sch.Validate(inst)
			if c.valid {
				require.NoError(t, err)
				// go-sarif's own validator (a second implementation, draft-04).
				log, err := sarif.FromBytes(data)
				require.NoError(t, err)
				require.NoError(t, log.Validate())
			} else {
				require.Error(t, err)
			}
		})
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	data, err := json.Marshal(v)
	require.NoError(t, err)
	return data
}

// sarifLog is the part of a SARIF log the content test reads.
type sarifLog struct {
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name  string `json:"name"`
				Rules []struct {
					ID   string `json:"id"`
					Help struct {
						Text string `json:"text"`
					} `json:"help"`
					Properties map[string]any `json:"properties"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results []struct {
			RuleID    string                `json:"ruleId"`
			RuleIndex int                   `json:"ruleIndex"`
			Level     string                `json:"level"`
			Message   struct{ Text string } `json:"message"`
			Finger    map[string]string     `json:"partialFingerprints"`
			Locations []struct {
				Physical struct {
					Artifact struct {
						URI string `json:"uri"`
					} `json:"artifactLocation"`
					Region struct {
						StartLine int `json:"startLine"`
					} `json:"region"`
				} `json:"physicalLocation"`
			} `json:"locations"`
			Properties map[string]any `json:"properties"`
		} `json:"results"`
		Invocations []struct {
			Notifications []struct {
				Message struct{ Text string } `json:"message"`
			} `json:"toolExecutionNotifications"`
		} `json:"invocations"`
	} `json:"runs"`
}

func readSARIF(t *testing.T, data []byte) sarifLog {
	t.Helper()
	var l sarifLog
	require.NoError(t, json.Unmarshal(data, &l))
	require.Len(t, l.Runs, 1)
	return l
}

func TestSARIFContent(t *testing.T) {
	r := goldenReport(t)
	data, err := r.MarshalSARIF()
	require.NoError(t, err)
	l := readSARIF(t, data)
	run := l.Runs[0]
	assert.Equal(t, "2.1.0", l.Version)
	assert.Equal(t, report.ToolName, run.Tool.Driver.Name)

	// One rule per kind of flaw, the object-level ones filed under CWE-639
	// and OWASP API1:2023, the authorization-matrix ones under their own,
	// with the fix for that kind in its help.
	want := map[string][2]string{
		"ignored-auth":   {"CWE-287", "API2:2023"},
		"function-level": {"CWE-285", "API5:2023"},
		"scope-bypass":   {"CWE-285", "API5:2023"},
		"existence-leak": {"CWE-204", "API1:2023"},
	}
	require.Len(t, run.Tool.Driver.Rules, len(report.FlawKinds()))
	for i, k := range report.FlawKinds() {
		rule := run.Tool.Driver.Rules[i]
		refs, ok := want[k.Kind]
		if !ok {
			refs = [2]string{"CWE-639", "API1:2023"}
		}
		assert.Equal(t, "bola/"+k.Kind, rule.ID)
		assert.Contains(t, rule.Help.Text, k.Remediation)
		assert.Contains(t, rule.Properties["tags"], "external/cwe/"+strings.ToLower(refs[0]))
		assert.Equal(t, refs[0], rule.Properties["cwe"])
		assert.Contains(t, rule.Properties["owasp"], refs[1])
		assert.NotEmpty(t, rule.Properties["security-severity"])
	}

	// One result per finding, at the operation's line in the spec.
	require.Len(t, run.Results, len(r.Findings))
	for i, f := range r.Findings {
		res := run.Results[i]
		assert.Equal(t, "bola/"+f.Kind, res.RuleID)
		assert.Equal(t, "bola/"+f.Kind, run.Tool.Driver.Rules[res.RuleIndex].ID)
		assert.Equal(t, "error", res.Level, "severity high is an error")
		require.Len(t, res.Locations, 1)
		assert.Equal(t, f.Origin.File, res.Locations[0].Physical.Artifact.URI)
		assert.Equal(t, f.Origin.Line, res.Locations[0].Physical.Region.StartLine)
		assert.Equal(t, report.Fingerprint(f), res.Finger[report.FingerprintKey])
		assert.Contains(t, res.Message.Text, f.Curl)
		assert.Equal(t, f.Operation, res.Properties["operation"])
	}
	// The operations left out are notes of the run.
	require.Len(t, run.Invocations, 1)
	// One notification per user's credential, per reason without verdict,
	// then one per operation left out: code scanning shows what was covered.
	notes := run.Invocations[0].Notifications
	require.Len(t, notes, len(r.Coverage.Users)+len(r.Coverage.Why)+len(r.Skipped))
	assert.Contains(t, notes[0].Message.Text, "alice: credential works")
	assert.Contains(t, notes[len(r.Coverage.Users)].Message.Text, "cases without verdict")
	assert.Contains(t, notes[len(notes)-1].Message.Text, r.Skipped[len(r.Skipped)-1].Why)
}

func TestFingerprintStableAcrossRuns(t *testing.T) {
	base := report.Finding{Operation: "GET /invoices/{invoice_id}", Parameter: "invoice_id", Attacker: "alice", Victim: "bob",
		Kind: "swap", URL: "http://127.0.0.1:40001/invoices/8", Value: "8", Mutation: "swap"}
	cases := []struct {
		name   string
		change func(*report.Finding)
		same   bool
	}{
		{"another port", func(f *report.Finding) { f.URL = "http://127.0.0.1:40002/invoices/8" }, true},
		{"another seed's mutation", func(f *report.Finding) { f.Value, f.Mutation = "08", "leading-zeros" }, true},
		{"another attacker", func(f *report.Finding) { f.Attacker = "carol" }, false},
		{"another victim", func(f *report.Finding) { f.Victim = "carol" }, false},
		{"another kind", func(f *report.Finding) { f.Kind = "normalisation" }, false},
		{"another parameter", func(f *report.Finding) { f.Parameter = "id" }, false},
		{"another operation", func(f *report.Finding) { f.Operation = "GET /v1/invoices/{invoice_id}" }, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := base
			c.change(&f)
			assert.Equal(t, c.same, report.Fingerprint(f) == report.Fingerprint(base))
		})
	}
}

func TestSARIFLevels(t *testing.T) {
	cases := []struct{ severity, level string }{
		{"critical", "error"}, {"high", "error"}, {"medium", "warning"}, {"", "warning"}, {"low", "note"}, {"info", "note"},
	}
	for _, c := range cases {
		t.Run(c.severity, func(t *testing.T) {
			r := &report.Report{Version: 1, Findings: []report.Finding{{Operation: "GET /x/{id}", Kind: "swap", Severity: c.severity}}}
			data, err := r.MarshalSARIF()
			require.NoError(t, err)
			assert.Equal(t, c.level, readSARIF(t, data).Runs[0].Results[0].Level)
		})
	}
}

func TestMarkdownEscapesCells(t *testing.T) {
	hostile := report.Finding{Operation: "GET /notes/{id}", Parameter: "id", Attacker: "alice", Victim: "bob", Kind: "swap",
		Value: "7", Status: 200, Severity: "high",
		Evidence: []oracle.Evidence{{Path: "$.body", Value: "a | b\n<img src=x onerror=alert(1)> `tick`", Why: "victim's | text"}},
		Curl:     "curl 'http://h/notes/7|x'"}
	r := &report.Report{Version: 1, Findings: []report.Finding{hostile}}
	var b bytes.Buffer
	require.NoError(t, r.Markdown(&b))
	md := b.String()
	var row string
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "| 1 |") {
			row = line
		}
	}
	require.NotEmpty(t, row, "the finding's row:\n%s", md)
	unescaped := regexp.MustCompile(`(^|[^\\])\|`).FindAllString(row, -1)
	assert.Len(t, unescaped, 10, "9 columns need 10 cell separators; a value's pipe must not add one: %s", row)
	// Inside a code span markup is shown, not rendered; the span cannot be
	// closed early because backticks are replaced.
	assert.Contains(t, row, "`a \\| b <img src=x onerror=alert(1)> 'tick'`")
	assert.Contains(t, row, "(victim's \\| text)")
	assert.Contains(t, md, report.Remediation("swap"))
}

func TestMarkdownCapsLongTables(t *testing.T) {
	r := &report.Report{Version: 1}
	for i := 0; i < 230; i++ {
		r.Findings = append(r.Findings, report.Finding{Operation: "GET /x/{id}", Kind: "swap", Value: "v"})
	}
	var b bytes.Buffer
	require.NoError(t, r.Markdown(&b))
	assert.Contains(t, b.String(), "and 30 more findings")
	assert.Contains(t, b.String(), "| 200 |")
	assert.NotContains(t, b.String(), "| 201 |")
}

func TestHTMLSelfContained(t *testing.T) {
	r := goldenReport(t)
	r.Findings[0].Evidence = append(r.Findings[0].Evidence, oracle.Evidence{Path: "$.note", Value: `<script>alert("x")</script>`, Why: "hostile"})
	var b bytes.Buffer
	require.NoError(t, r.HTML(&b))
	page := b.String()
	for _, re := range []string{`<script[^>]+src=`, `<link[^>]+href=`, `<img[^>]+src=`, `url\(`, `@import`, `<iframe`} {
		assert.NotRegexp(t, re, page, "the page must load nothing from elsewhere")
	}
	assert.False(t, strings.Contains(page, `<script>alert("x")</script>`), "response values are escaped")
	assert.True(t, strings.Contains(page, `&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;`))
	for _, k := range []string{"swap", "nested-scope", "normalisation"} {
		assert.True(t, strings.Contains(page, html.EscapeString(report.Remediation(k))), "the fix for %s is on the page", k)
	}
}

// TestFormatsShowPlacesHarvestAndWrites: Markdown and HTML carry where each
// finding's id travelled and the harvest and write counts, as the JSON has
// them.
func TestFormatsShowPlacesHarvestAndWrites(t *testing.T) {
	r := goldenReport(t)
	require.NotNil(t, r.Harvest)
	require.NotNil(t, r.Writes)
	require.NotEmpty(t, r.Writes.Unrestored)
	md, page := string(render(t, r, "md")), string(render(t, r, "html"))

	ins := map[string]bool{}
	for i, f := range r.Findings {
		require.NotEmpty(t, f.In, "finding %d", i+1)
		ins[f.In] = true
		assert.Contains(t, md, fmt.Sprintf("| %d | %s |", i+1, f.Severity))
		assert.Regexp(t, fmt.Sprintf("(?m)^\\| %d \\|.*\\(%s, in %s\\) \\|", i+1, regexp.QuoteMeta(f.Mutation), f.In), md, "finding %d's place in Markdown", i+1)
		attrs := fmt.Sprintf(`id="f%d" data-operation="%s"`, i+1, html.EscapeString(f.Operation))
		assert.Contains(t, page, attrs)
		assert.Regexp(t, fmt.Sprintf(`id="f%d" [^>]*data-in="%s" data-pointer="%s"`, i+1, f.In, regexp.QuoteMeta(f.Pointer)), page)
	}
	assert.Equal(t, map[string]bool{"path": true, "header": true, "body": true}, ins, "the golden report has an id in each place")
	assert.Contains(t, page, `id in <code class="place">body /owner_id</code>`)
	assert.Contains(t, page, `id in <code class="place">header X-Account-Id</code>`)

	ids := 0
	for _, f := range r.Harvest.Found {
		ids += len(f.IDs)
	}
	w := r.Writes
	wantCounts := map[string]int{"harvestRequests": len(r.Harvest.Requests), "harvestIds": ids,
		"writesSent": w.Sent, "writesChanged": w.Changed, "writesRestored": w.Restored, "writesUnrestored": len(w.Unrestored)}
	for k, n := range wantCounts {
		assert.Regexp(t, fmt.Sprintf(`<dd data-total="%s"[^>]*>%d</dd>`, k, n), page, k)
	}
	assert.Contains(t, md, fmt.Sprintf("| Harvesting | %d requests, %d ids found |", len(r.Harvest.Requests), ids))
	assert.Contains(t, md, fmt.Sprintf("| Writes | %d sent, %d changed, %d restored, %d not restored |", w.Sent, w.Changed, w.Restored, len(w.Unrestored)))
	for _, u := range w.Unrestored {
		assert.Contains(t, md, "`"+u.Object+"`", "an unrestored object is listed in Markdown")
		assert.Contains(t, page, "<code>"+u.Object+"</code>", "and in HTML")
	}
}

// TestRecordedRequestOmitsAuthorizationInJSON: the golden header and body
// findings carry their request for replay, and no recorded request names
// the Authorization header (replay_request.go drops and redacts it).
func TestRecordedRequestOmitsAuthorizationInJSON(t *testing.T) {
	r := goldenReport(t)
	data, err := json.Marshal(r)
	require.NoError(t, err)
	assert.NotContains(t, strings.ToLower(string(data)), `"authorization"`, "no recorded request names the Authorization header")
	for _, f := range r.Findings {
		if f.In == "header" || f.In == "body" {
			require.NotNil(t, f.Request, "%s: header and body findings carry their request for replay", f.Operation)
		}
	}
}
