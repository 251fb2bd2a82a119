package report

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
)

// The JUnit XML that most CI systems read (Jenkins, GitLab, the GitHub
// test-report actions, Azure DevOps): testsuites > testsuite > testcase,
// each with at most one failure or skipped element. No Go library for it
// is kept well enough to be worth a dependency, and the schema is small.

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	SystemOut *junitText    `xml:"system-out,omitempty"`
}

// junitText is element text kept as written: CDATA keeps the line breaks
// of the evidence and curl lines readable in the file.
type junitText struct {
	Text string `xml:",cdata"`
}

func (c junitCase) systemOut() string {
	if c.SystemOut == nil {
		return ""
	}
	return c.SystemOut.Text
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",cdata"`
}

// MarshalJUnit renders the report as JUnit XML: one testcase per operation
// and attacker→victim pair (the authorization matrix), failing with every
// finding's evidence and curl line while it leaks; one skipped testcase
// per operation left out, with the reason. A finding suppressed by an
// ignore entry skips its testcase with the reason; one unchanged since the
// baseline is reported in system-out without failing, as the exit status
// does.
func (r *Report) MarshalJUnit() ([]byte, error) {
	suite := junitSuite{Name: "bolaharness", Time: junitSeconds(r.Stats.DurationMs)}
	if r.Config != "" {
		suite.Name += " " + r.Config
	}
	suite.Properties = []junitProperty{{"seed", fmt.Sprint(r.Seed)}, {"baseURL", r.BaseURL}, {"requests", fmt.Sprint(r.Stats.Requests)}}
	byPair := map[[3]string][]int{}
	for i, f := range r.Findings {
		k := [3]string{f.Operation, f.Attacker, f.Victim}
		byPair[k] = append(byPair[k], i)
	}
	done := map[[3]string]bool{}
	for _, c := range r.Matrix {
		k := [3]string{c.Operation, c.Attacker, c.Victim}
		done[k] = true
		tc := r.junitCase(c.Operation, c.Attacker, c.Victim, byPair[k])
		switch {
		case tc.Failure != nil || tc.Skipped != nil:
		case c.Outcome == "no-verdict":
			tc.Skipped = &junitMessage{Message: fmt.Sprintf("no verdict: %d of %d cases could not be judged (see the report's noVerdicts)", c.NoVerdict, c.Cases)}
		default:
			tc.SystemOut = &junitText{strings.TrimSpace(fmt.Sprintf("%s: %d %s; %s\n%s", c.Outcome, c.Cases, plural(c.Cases, "case", "cases"), strings.Join(c.Places, ", "), tc.systemOut()))}
		}
		suite.Cases = append(suite.Cases, tc)
	}
	// Findings outside the matrix (an older report, or a kind judged
	// without a pair) still get their testcase.
	for _, f := range r.Findings {
		k := [3]string{f.Operation, f.Attacker, f.Victim}
		if !done[k] {
			done[k] = true
			suite.Cases = append(suite.Cases, r.junitCase(f.Operation, f.Attacker, f.Victim, byPair[k]))
		}
	}
	for _, s := range r.Skipped {
		suite.Cases = append(suite.Cases, junitCase{Name: "left out", ClassName: s.Operation, Time: "0",
			Skipped: &junitMessage{Message: s.Why}})
	}
	for _, tc := range suite.Cases {
		suite.Tests++
		if tc.Failure != nil {
			suite.Failures++
		}
		if tc.Skipped != nil {
			suite.Skipped++
		}
	}
	doc := junitSuites{Name: "bolaharness", Tests: suite.Tests, Failures: suite.Failures, Skipped: suite.Skipped,
		Time: suite.Time, Suites: []junitSuite{suite}}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("junit: %w", err)
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// WriteJUnit writes the JUnit XML to path, creating its directory.
func (r *Report) WriteJUnit(path string) error {
	data, err := r.MarshalJUnit()
	if err != nil {
		return fmt.Errorf("junit %s: %w", path, err)
	}
	return writeReportFile(path, data)
}

// junitCase is the testcase of one operation and pair with the findings
// numbered idx: failing with each failing finding's proof, skipped when
// every finding is suppressed, passing (with a note) when every finding is
// unchanged since the baseline.
func (r *Report) junitCase(op, attacker, victim string, idx []int) junitCase {
	tc := junitCase{Name: attacker + "-vs-" + victim, ClassName: op, Time: "0"}
	var failing, notes, reasons []string
	for _, i := range idx {
		f := r.Findings[i]
		text := junitFinding(i+1, f)
		switch {
		case f.Suppressed != nil:
			reasons = append(reasons, "suppressed: "+f.Suppressed.Reason)
			notes = append(notes, "suppressed ("+f.Suppressed.Reason+"): "+text)
		case f.BaselineState == BaselineUnchanged:
			notes = append(notes, "unchanged since the baseline: "+text)
		default:
			failing = append(failing, text)
		}
	}
	if len(notes) > 0 {
		tc.SystemOut = &junitText{strings.Join(notes, "\n")}
	}
	switch {
	case len(failing) > 0:
		f := r.Findings[idx[0]]
		tc.Failure = &junitMessage{Type: f.CWE,
			Message: fmt.Sprintf("%s read %s's object through %s: %d %s", attacker, victim, op, len(failing), plural(len(failing), "finding", "findings")),
			Text:    strings.Join(failing, "\n\n")}
	case len(reasons) > 0 && len(reasons) == len(idx):
		tc.Skipped = &junitMessage{Message: strings.Join(dedupe(reasons), "; ")}
	}
	return tc
}

// junitFinding is one finding's proof as failure text.
func junitFinding(n int, f Finding) string {
	var b strings.Builder
	fmt.Fprintf(&b, "finding %d (%s, %s): %s=%s (%s%s) → status %d\nurl: %s\n", n, f.Kind, f.Severity,
		f.Parameter, f.Value, f.Mutation, placeSuffix(f), f.Status, f.URL)
	for _, e := range f.Evidence {
		fmt.Fprintf(&b, "evidence: %s = %q (%s)\n", e.Path, e.Value, e.Why)
	}
	fmt.Fprintf(&b, "reproduce: %s", f.Curl)
	if f.Fingerprint != "" {
		fmt.Fprintf(&b, "\nfingerprint: %s", f.Fingerprint)
	}
	return b.String()
}

// junitSeconds is a duration in ms as JUnit's seconds.
func junitSeconds(ms int64) string {
	return fmt.Sprintf("%.3f", float64(ms)/1000)
}

// dedupe keeps the first of each string, in order.
func dedupe(list []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
