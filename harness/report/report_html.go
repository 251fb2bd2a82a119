package report

import (
	"bytes"
	_ "embed" // the HTML report's template ships inside the binary
	"fmt"
	"html/template"
	"io"
	"sort"
	"strings"

	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/oracle"
	"github.com/bolaharness/bolaharness/harness/spec"
)

// reportTemplate is one self-contained page: inline CSS and script, no
// fonts, images or scripts from the network, so the file opens offline and
// can be attached to a ticket as it is.
//
//go:embed templates/report.html.tmpl
var reportTemplate string

var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"inc":        func(i int) int { return i + 1 },
	"place":      PlaceText,
	"harvestIDs": harvestIDs,
	"harvest":    harvestText,
	"join":       strings.Join,
}).Parse(reportTemplate))

// Matrix cell outcomes, as Report.Matrix and the HTML report name them;
// "none" is a pair that was not attacked on that operation.
const (
	// CellLeak: some case of the pair leaked on the operation.
	CellLeak = "leak"
	// CellDenied: cases were judged and none leaked.
	CellDenied = "denied"
	// CellPublic: the operation needs no token, so anyone may read it.
	CellPublic = "public"
	// CellNoVerdict: no case of the pair could be judged.
	CellNoVerdict = "no-verdict"
	cellNone      = "none"
)

// htmlPage is what the template renders.
type htmlPage struct {
	R        *Report
	Title    string
	Pairs    []htmlPair
	Rows     []htmlRow
	Legend   []htmlLegend
	Findings []htmlFinding
	Kinds    []FlawKind
	Reasons  []htmlReason
	Refs     htmlRefs
	// Beyond is the grid of ignored-auth and existence-leak findings
	// (report_html_matrix.go).
	Beyond []htmlBeyond
}

type htmlPair struct{ Attacker, Victim string }

type htmlRow struct {
	Operation string
	Origin    string
	Cells     []htmlCell
}

// htmlCell is one square of the matrix; Detail is shown on click and
// Title on hover.
type htmlCell struct {
	ID      string
	Outcome string
	// Heading names the cell and its counts; Title adds the evidence.
	Heading  string
	Title    string
	Cell     MatrixCell
	Findings []int // 1-based numbers in the findings list
	Evidence []oracle.Evidence
}

type htmlLegend struct {
	Outcome, Label string
	Count          int
}

type htmlFinding struct {
	N int
	F Finding
	K FlawKind
	// Origin is "file:line" of the operation in the spec.
	Origin string
	Fix    string
	// Verb and Tail word the sentence: "alice read bob's object", "alice
	// told apart bob's object from a missing one".
	Verb, Tail string
}

type htmlReason struct {
	Why   string
	Count int
}

type htmlRefs struct{ CWE, CWEURL, OWASP, OWASPURL string }

// WriteHTML writes the report as one self-contained HTML page, creating
// the file's directory.
func (r *Report) WriteHTML(path string) error {
	var b bytes.Buffer
	if err := r.HTML(&b); err != nil {
		return fmt.Errorf("html %s: %w", path, err)
	}
	return writeReportFile(path, b.Bytes())
}

// HTML writes the page: the counts, the authorization matrix (operations
// down, attacker→victim pairs across, each cell coloured by outcome with
// its evidence on hover and click), the findings with the fix for each kind,
// and what was left out or got no verdict.
func (r *Report) HTML(w io.Writer) error {
	page := r.htmlPage()
	if err := htmlTemplate.Execute(w, page); err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	return nil
}

func (r *Report) htmlPage() *htmlPage {
	p := &htmlPage{R: r, Title: "bolaharness report", Kinds: orderedKinds(r.Findings),
		Refs: htmlRefs{CWE639, CWE639URL, OWASPAPI1, OWASPAPI1URL}}
	if r.Config != "" {
		p.Title += ": " + config.ConfigName(r.Config)
	}
	for i, f := range r.Findings {
		hf := htmlFinding{N: i + 1, F: f, K: KindOf(f.Kind), Origin: originText(f.Origin, r.Spec), Fix: remediationOf(f)}
		hf.Verb, hf.Tail = findingVerb(f)
		p.Findings = append(p.Findings, hf)
	}
	p.Pairs, p.Rows = r.matrixRows()
	p.Beyond = r.beyondRows()
	p.Legend = legend(p.Rows)
	p.Reasons = noVerdictReasons(r.NoVerdicts)
	return p
}

// matrixRows lays Report.Matrix out as a grid: operations in the order
// they were attacked, pairs in the order they first appear. Operations
// left out as public get a row of public cells, so the picture shows what
// anyone may read next to what is protected.
func (r *Report) matrixRows() ([]htmlPair, []htmlRow) {
	var pairs []htmlPair
	pairIdx := map[htmlPair]int{}
	var ops []string
	cells := map[string]map[htmlPair]MatrixCell{}
	for _, c := range r.Matrix {
		pr := htmlPair{c.Attacker, c.Victim}
		if _, ok := pairIdx[pr]; !ok {
			pairIdx[pr] = len(pairs)
			pairs = append(pairs, pr)
		}
		if cells[c.Operation] == nil {
			cells[c.Operation] = map[htmlPair]MatrixCell{}
			ops = append(ops, c.Operation)
		}
		cells[c.Operation][pr] = c
	}
	origins := map[string]string{}
	for _, f := range r.Findings {
		origins[f.Operation] = originText(f.Origin, r.Spec)
	}
	var rows []htmlRow
	for ri, op := range ops {
		row := htmlRow{Operation: op, Origin: origins[op]}
		for ci, pr := range pairs {
			row.Cells = append(row.Cells, r.htmlCell(fmt.Sprintf("c%d-%d", ri, ci), op, pr, cells[op]))
		}
		rows = append(rows, row)
	}
	for _, s := range r.Skipped {
		if !strings.HasPrefix(s.Why, "public") || len(pairs) == 0 {
			continue
		}
		row := htmlRow{Operation: s.Operation}
		for ci := range pairs {
			t := s.Operation + ": left out, " + s.Why
			row.Cells = append(row.Cells, htmlCell{ID: fmt.Sprintf("c%d-%d", len(rows), ci), Outcome: CellPublic, Heading: t, Title: t})
		}
		rows = append(rows, row)
	}
	return pairs, rows
}

// htmlCell builds one matrix cell with the findings it stands for.
func (r *Report) htmlCell(id, op string, pr htmlPair, byPair map[htmlPair]MatrixCell) htmlCell {
	c, ok := byPair[pr]
	if !ok {
		t := fmt.Sprintf("%s: %s → %s not attacked", op, pr.Attacker, pr.Victim)
		return htmlCell{ID: id, Outcome: cellNone, Heading: t, Title: t}
	}
	hc := htmlCell{ID: id, Outcome: cellOutcome(c.Outcome), Cell: c}
	for i, f := range r.Findings {
		if f.Operation == op && f.Attacker == pr.Attacker && f.Victim == pr.Victim {
			hc.Findings = append(hc.Findings, i+1)
			hc.Evidence = appendEvidence(hc.Evidence, f.Evidence)
		}
	}
	hc.Heading = fmt.Sprintf("%s: %s → %s: %s (%d cases, %d leaked, %d without verdict)",
		op, pr.Attacker, pr.Victim, hc.Outcome, c.Cases, c.Leaks, c.NoVerdict)
	hc.Title = hc.Heading
	if len(c.Places) > 0 {
		hc.Title += "\nids in: " + strings.Join(c.Places, ", ")
	}
	for _, e := range hc.Evidence {
		hc.Title += fmt.Sprintf("\n%s = %s (%s)", e.Path, e.Value, e.Why)
	}
	return hc
}

// appendEvidence adds the values not yet listed: several findings of one
// cell usually prove it with the same fields.
func appendEvidence(dst, src []oracle.Evidence) []oracle.Evidence {
	for _, e := range src {
		dup := false
		for _, d := range dst {
			if d.Path == e.Path && d.Value == e.Value {
				dup = true
				break
			}
		}
		if !dup {
			dst = append(dst, e)
		}
	}
	return dst
}

// cellOutcome keeps the page's colours to the four known outcomes.
func cellOutcome(o string) string {
	switch o {
	case CellLeak, CellDenied, CellPublic, CellNoVerdict:
		return o
	}
	return CellNoVerdict
}

func legend(rows []htmlRow) []htmlLegend {
	counts := map[string]int{}
	for _, row := range rows {
		for _, c := range row.Cells {
			counts[c.Outcome]++
		}
	}
	return []htmlLegend{
		{CellLeak, "leak: the attacker read the victim's object", counts[CellLeak]},
		{CellDenied, "denied: no case leaked", counts[CellDenied]},
		{CellPublic, "public: the operation needs no token", counts[CellPublic]},
		{CellNoVerdict, "no verdict: no case could be judged", counts[CellNoVerdict]},
		{cellNone, "not attacked: no id known for this pair", counts[cellNone]},
	}
}

func noVerdictReasons(nvs []NoVerdictCase) []htmlReason {
	counts := map[string]int{}
	for _, nv := range nvs {
		counts[nv.Why]++
	}
	out := make([]htmlReason, 0, len(counts))
	for why, n := range counts {
		out = append(out, htmlReason{why, n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Why < out[j].Why
	})
	return out
}

// originText is "file:line" of an operation, or the spec alone.
func originText(o spec.Origin, spec string) string {
	switch {
	case o.File != "" && o.Line > 0:
		return fmt.Sprintf("%s:%d", o.File, o.Line)
	case o.File != "":
		return o.File
	}
	return spec
}
