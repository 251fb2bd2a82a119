package report_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bolaharness/bolaharness/harness/report"
)

// triaged is the golden report compared with a baseline that lacks its
// first finding and has one finding this run does not (and one on an
// operation the run did not attack), with its second
// finding accepted by an ignore entry and an expired entry on its third.
func triaged(t *testing.T) (*report.Report, report.Finding) {
	t.Helper()
	r := goldenReport(t)
	require.GreaterOrEqual(t, len(r.Findings), 3)
	old := goldenReport(t)
	gone := old.Findings[0]
	gone.Victim = "dave" // an operation this run attacked: absent
	old.Findings[0] = gone
	untested := old.Findings[1]
	untested.Operation = "GET /gone/{id}" // one it did not attack: not absent
	old.Findings = append(old.Findings, untested)
	r.CompareBaseline(old, "previous.json")
	r.ApplyIgnores([]report.IgnoreRule{
		{Fingerprint: report.Fingerprint(r.Findings[1]), Reason: "test tenant, accepted by security", Expires: "2027-01-31", Where: "bola.yaml:30"},
		{Fingerprint: report.Fingerprint(r.Findings[2]), Reason: "old waiver", Expires: "2026-11-30", Where: "bola.yaml:33"},
		{Fingerprint: "0123456789abcdef0123456789abcdef", Reason: "fixed long ago", Where: "bola.yaml:36"},
	}, time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC))
	return r, gone
}

func TestBaselineMarksNewUnchangedAbsent(t *testing.T) {
	r, gone := triaged(t)
	first := r.Findings[0]
	assert.Equal(t, report.BaselineNew, first.BaselineState, "the baseline had another operation in its place")
	for _, f := range r.Findings[1:] {
		if f.Fingerprint == first.Fingerprint {
			assert.Equal(t, report.BaselineNew, f.BaselineState)
			continue
		}
		assert.Equal(t, report.BaselineUnchanged, f.BaselineState, "same fingerprint as in the baseline")
	}
	require.NotNil(t, r.Baseline)
	assert.Equal(t, "previous.json", r.Baseline.File)
	assert.Equal(t, len(r.Findings), r.Baseline.New+r.Baseline.Unchanged)
	require.Len(t, r.Baseline.Absent, 1)
	assert.Equal(t, report.Fingerprint(gone), r.Baseline.Absent[0].Fingerprint)
	assert.Equal(t, "dave", r.Baseline.Absent[0].Victim)
	assert.Equal(t, 1, r.Baseline.NotAttacked, "a finding on an operation not attacked is not absent")

	// Only new, unsuppressed findings fail the run.
	for _, f := range r.Failing() {
		assert.Equal(t, report.BaselineNew, f.BaselineState)
		assert.Nil(t, f.Suppressed)
	}
	assert.NotEmpty(t, r.Failing())

	// The JSON carries the state on each finding, and the absent ones.
	var b bytes.Buffer
	require.NoError(t, r.JSON(&b))
	assert.Contains(t, b.String(), `"baselineState": "new"`)
	assert.Contains(t, b.String(), `"baselineState": "unchanged"`)
	assert.Contains(t, b.String(), `"absent": [`)
	back, err := report.ReadReport(writeTemp(t, b.Bytes()))
	require.NoError(t, err)
	assert.Equal(t, r.Findings[0].BaselineState, back.Findings[0].BaselineState, "the state survives a round trip")
}

func TestIgnoreSuppressesExpiresAndNeverDrops(t *testing.T) {
	r, gone := triaged(t)
	n := len(goldenReport(t).Findings)
	assert.Len(t, r.Findings, n, "a suppressed finding stays in the report")
	require.NotNil(t, r.Findings[1].Suppressed)
	assert.Equal(t, "test tenant, accepted by security", r.Findings[1].Suppressed.Reason)
	assert.Nil(t, r.Findings[2].Suppressed, "an expired entry suppresses nothing")
	require.Len(t, r.Ignored, 3)
	assert.Equal(t, report.IgnoreSuppressing, r.Ignored[0].State)
	assert.Equal(t, report.IgnoreExpired, r.Ignored[1].State)
	assert.Equal(t, report.IgnoreUnmatched, r.Ignored[2].State)
	for _, f := range r.Failing() {
		assert.NotEqual(t, r.Findings[1].Fingerprint, f.Fingerprint, "a suppressed finding does not fail the run")
	}

	// The entry holds through its last day, and stops the day after.
	fresh := goldenReport(t)
	rule := []report.IgnoreRule{{Fingerprint: report.Fingerprint(fresh.Findings[0]), Reason: "r", Expires: "2026-12-05"}}
	fresh.ApplyIgnores(rule, time.Date(2026, 12, 5, 23, 59, 0, 0, time.UTC))
	assert.NotNil(t, fresh.Findings[0].Suppressed, "still valid on its expiry day")
	fresh = goldenReport(t)
	fresh.ApplyIgnores(rule, time.Date(2026, 12, 6, 0, 0, 1, 0, time.UTC))
	assert.Nil(t, fresh.Findings[0].Suppressed, "expired the day after")

	// Every format says so.
	lines := strings.Join(r.TriageLines(), "\n")
	assert.Contains(t, lines, "suppressed: finding 2,")
	assert.Contains(t, lines, "test tenant, accepted by security (bola.yaml:30, until 2027-01-31)")
	assert.Contains(t, lines, "expired after 2026-11-30 and no longer suppresses")
	assert.Contains(t, lines, "matched no finding of this run")
	assert.Contains(t, lines, "absent: "+gone.Operation+" "+gone.Attacker+"→dave")
	assert.Contains(t, lines, "; 1 on operations this run did not attack")
	md := string(render(t, r, "md"))
	assert.Contains(t, md, "### Baseline and accepted risks")
	assert.Contains(t, md, "| 2 | high (suppressed) |")
	assert.Contains(t, md, "expired after 2026-11-30")
	html := string(render(t, r, "html"))
	assert.Contains(t, html, "<h2>Baseline and accepted risks</h2>")
	assert.Contains(t, html, "suppressed: test tenant, accepted by security</span>")
}

func TestSARIFBaselineStateAndSuppressions(t *testing.T) {
	r, _ := triaged(t)
	data, err := r.MarshalSARIF()
	require.NoError(t, err)
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	require.NoError(t, err)
	require.NoError(t, sarifSchema(t).Validate(inst), "baselineState and suppressions are valid SARIF 2.1.0")
	var log struct {
		Runs []struct {
			Results []struct {
				BaselineState string `json:"baselineState"`
				Suppressions  []struct {
					Kind, Status, Justification string
				} `json:"suppressions"`
			} `json:"results"`
		} `json:"runs"`
	}
	require.NoError(t, json.Unmarshal(data, &log))
	res := log.Runs[0].Results
	require.Len(t, res, len(r.Findings))
	assert.Equal(t, "new", res[0].BaselineState)
	assert.Equal(t, "unchanged", res[1].BaselineState)
	require.Len(t, res[1].Suppressions, 1)
	assert.Equal(t, "external", res[1].Suppressions[0].Kind)
	assert.Equal(t, "accepted", res[1].Suppressions[0].Status)
	assert.Contains(t, res[1].Suppressions[0].Justification, "test tenant")
	assert.Empty(t, res[2].Suppressions, "the expired entry adds no suppression")
	assert.True(t, strings.Contains(string(data), "expired after 2026-11-30"), "the SARIF notes the expired entry")
	assert.True(t, strings.Contains(string(data), "absent: "+r.Baseline.Absent[0].Operation), "the SARIF notes the absent finding")
}

// junitDoc is the part of JUnit XML that CI systems read.
type junitDoc struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Skipped  int `xml:"skipped,attr"`
	Suites   []struct {
		Tests int `xml:"tests,attr"`
		Cases []struct {
			Name      string `xml:"name,attr"`
			ClassName string `xml:"classname,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			Skipped *struct {
				Message string `xml:"message,attr"`
			} `xml:"skipped"`
			SystemOut string `xml:"system-out"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func TestJUnitOneCasePerOperationAndPair(t *testing.T) {
	r := goldenReport(t)
	data, err := r.MarshalJUnit()
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(data, []byte(xml.Header)))
	var doc junitDoc
	require.NoError(t, xml.Unmarshal(data, &doc))
	require.Len(t, doc.Suites, 1)
	cases := doc.Suites[0].Cases
	cells := map[string]bool{}
	for _, c := range r.Matrix {
		cells[c.Operation+" "+c.Attacker+"-vs-"+c.Victim] = true
	}
	outside := map[string]bool{}
	for _, f := range r.Findings {
		if k := f.Operation + " " + f.Attacker + "-vs-" + f.Victim; !cells[k] {
			outside[k] = true
		}
	}
	assert.Equal(t, len(r.Matrix)+len(outside)+len(r.Skipped), len(cases),
		"one testcase per matrix cell, per pair with findings outside it, and per operation left out")
	assert.Equal(t, len(cases), doc.Tests)

	leaking := map[string]int{}
	for _, f := range r.Findings {
		leaking[f.Operation+" "+f.Attacker+"-vs-"+f.Victim]++
	}
	failures := 0
	for _, c := range cases {
		key := c.ClassName + " " + c.Name
		if n := leaking[key]; n > 0 {
			require.NotNil(t, c.Failure, "%s leaks", key)
			failures++
			assert.Equal(t, n, strings.Count(c.Failure.Text, "reproduce: curl "), "every finding of the pair with its curl line")
			assert.Contains(t, c.Failure.Text, "evidence: $.")
			assert.NotContains(t, c.Failure.Text, "demo-token-", "no credential in clear")
		} else {
			assert.Nil(t, c.Failure, "%s does not leak", key)
		}
	}
	assert.Equal(t, failures, doc.Failures)
	assert.Equal(t, len(leaking), failures)
	for _, s := range r.Skipped {
		assert.Contains(t, string(data), `classname="`+xmlEscape(s.Operation)+`"`)
	}

	// Suppressed findings skip their testcase with the reason; findings
	// unchanged since the baseline pass with a note, as the exit status.
	tr, _ := triaged(t)
	data, err = tr.MarshalJUnit()
	require.NoError(t, err)
	doc = junitDoc{}
	require.NoError(t, xml.Unmarshal(data, &doc))
	failing := map[string]bool{}
	for _, f := range tr.Failing() {
		failing[f.Operation+" "+f.Attacker+"-vs-"+f.Victim] = true
	}
	assert.Equal(t, len(failing), doc.Failures, "only pairs with new, unsuppressed findings fail")
	assert.Contains(t, string(data), "unchanged since the baseline: finding")
}

func xmlEscape(s string) string {
	var b bytes.Buffer
	if err := xml.EscapeText(&b, []byte(s)); err != nil {
		panic(err)
	}
	return b.String()
}

func writeTemp(t *testing.T, data []byte) string {
	t.Helper()
	p := t.TempDir() + "/r.json"
	require.NoError(t, os.WriteFile(p, data, 0o644))
	return p
}

// A merge of shard reports keeps each finding's marks but not the
// baseline summary: Failing reads the marks alone.
func TestFailingAfterMerge(t *testing.T) {
	r, _ := triaged(t)
	want := len(r.Failing())
	merged, err := report.MergeReports(r)
	require.NoError(t, err)
	assert.Len(t, merged.Failing(), want)
	assert.Less(t, want, len(merged.Findings))
}
