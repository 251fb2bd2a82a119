package report

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/bolaharness/bolaharness/harness/internal/sortedkeys"

	"github.com/bolaharness/bolaharness/harness/oracle"
)

// Caps that keep the summary readable and under GitHub's 1 MiB limit for
// $GITHUB_STEP_SUMMARY; the JSON report always has everything.
const (
	maxMarkdownFindings   = 200
	maxMarkdownReasons    = 20
	maxMarkdownEvidenceCh = 160
)

// WriteMarkdown writes the report as a Markdown summary fit for
// $GITHUB_STEP_SUMMARY, creating the file's directory.
func (r *Report) WriteMarkdown(path string) error {
	var b strings.Builder
	if err := r.Markdown(&b); err != nil {
		return fmt.Errorf("markdown %s: %w", path, err)
	}
	return writeReportFile(path, []byte(b.String()))
}

// Markdown writes the summary: the counts, a table of findings with their
// evidence and curl line, how to fix each kind found, what was left out and
// why, and the cases that got no verdict.
func (r *Report) Markdown(w io.Writer) error {
	mw := &mdWriter{w: w}
	r.mdCounts(mw)
	r.mdFindings(mw)
	r.mdTriage(mw)
	r.mdFixes(mw)
	r.mdUnrestored(mw)
	r.mdHarvest(mw)
	r.mdSkipped(mw)
	r.mdNoVerdicts(mw)
	r.mdWarnings(mw)
	return mw.err
}

// mdWriter keeps the sections short to write: it keeps the first write
// error, skips the writes after it, and Markdown returns it.
type mdWriter struct {
	w   io.Writer
	err error
}

func (m *mdWriter) printf(format string, args ...any) {
	if m.err == nil {
		_, m.err = fmt.Fprintf(m.w, format, args...)
	}
}

func (r *Report) mdCounts(m *mdWriter) {
	st := r.Stats
	verdict := "no leak found"
	if n := len(r.Findings); n > 0 {
		verdict = fmt.Sprintf("%d %s", n, plural(n, "finding", "findings"))
	}
	if c := r.Coverage; c != nil && c.Untested != "" {
		verdict = "nothing was tested"
	}
	m.printf("## bolaharness: %s\n\n", verdict)
	m.printf("Broken Object Level Authorization (%s, %s).\n\n", CWE639, OWASPAPI1)
	if c := r.Coverage; c != nil && c.Untested != "" {
		m.printf("> **Nothing was tested:** %s\n\n", c.Untested)
	}
	if c := r.Coverage; c != nil && c.Interrupted {
		m.printf("> **Interrupted:** this report is partial.\n\n")
	}
	m.printf("| | |\n|---|---|\n")
	m.printf("| Findings | %d%s |\n", len(r.Findings), kindCounts(r.Findings))
	m.printf("| Operations attacked | %d |\n", st.Operations)
	m.printf("| Operations left out | %d |\n", len(r.Skipped))
	m.printf("| Cases | %d: %d leaked, %d safe, %d without verdict, %d not sent%s |\n", st.Cases, st.Leaks, st.Safe, st.NoVerdict, st.NotSent, st.SettledNote(" (", ")"))
	m.printf("| Requests | %d in %s |\n", st.Requests, durationText(st.DurationMs))
	if h := r.Harvest; h != nil {
		m.printf("| Harvesting | %s |\n", mdCell(harvestText(h)))
	}
	if w := r.Writes; w != nil {
		m.printf("| Writes | %s |\n", writesText(w))
	}
	if c := r.Coverage; c != nil {
		for _, u := range c.Users {
			m.printf("| Credential of %s | %s%s |\n", mdCell(u.Name), u.Credential, mdCell(coverageDetail(u)))
		}
		m.printf("| Judged | %d cases judged, %d without verdict |\n", c.Judged, c.WithoutVerdict)
		for i, w := range c.Why {
			if i == 5 {
				break
			}
			m.printf("| Without verdict | %d: %s |\n", w.Count, mdCell(w.Why))
		}
	}
	m.printf("| Seed | `%d` (replay: `BOLA_SEED=%d`) |\n", r.Seed, r.Seed)
	if r.BaseURL != "" {
		m.printf("| Target | `%s` |\n", mdCode(r.BaseURL))
	}
	m.printf("\n")
}

// kindCounts is " (swap 3, normalisation 2)" in report order, or "".
func kindCounts(fs []Finding) string {
	counts := map[string]int{}
	for _, f := range fs {
		counts[f.Kind]++
	}
	var parts []string
	for _, k := range orderedKinds(fs) {
		parts = append(parts, fmt.Sprintf("%s %d", k.Kind, counts[k.Kind]))
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// orderedKinds are the kinds present in fs, in FlawKinds order, then any
// unknown kinds by name.
func orderedKinds(fs []Finding) []FlawKind {
	present := map[string]bool{}
	for _, f := range fs {
		present[f.Kind] = true
	}
	var out []FlawKind
	for _, k := range kindTable {
		if present[k.Kind] {
			out = append(out, k)
			delete(present, k.Kind)
		}
	}
	for _, name := range sortedkeys.Of(present) {
		out = append(out, KindOf(name))
	}
	return out
}

func (r *Report) mdFindings(m *mdWriter) {
	if len(r.Findings) == 0 {
		return
	}
	m.printf("### Findings\n\n")
	m.printf("| # | Severity | Kind | Operation | Attacker → victim | Request | Status | Evidence | Reproduce |\n")
	m.printf("|---|---|---|---|---|---|---|---|---|\n")
	for i, f := range r.Findings {
		if i == maxMarkdownFindings {
			m.printf("\n… and %d more findings: see the JSON report.\n", len(r.Findings)-i)
			break
		}
		m.printf("| %d | %s | %s | `%s` | %s → %s | %s | %d | %s | `%s` |\n",
			i+1, mdCell(f.Severity+triageMark(f)), mdCell(f.Kind), mdCode(f.Operation), mdCell(f.Attacker), mdCell(f.Victim),
			mdRequest(f), f.Status, mdEvidence(f.Evidence), mdCode(f.Curl))
	}
	m.printf("\n")
}

// mdEvidence is the proof in one table cell: path = value (why), joined.
func mdEvidence(ev []oracle.Evidence) string {
	parts := make([]string, len(ev))
	for i, e := range ev {
		v := e.Value
		if len(v) > maxMarkdownEvidenceCh {
			v = v[:maxMarkdownEvidenceCh] + "…"
		}
		parts[i] = fmt.Sprintf("`%s` = `%s` (%s)", mdCode(e.Path), mdCode(v), mdCell(e.Why))
	}
	return strings.Join(parts, "<br>")
}

func (r *Report) mdFixes(m *mdWriter) {
	kinds := orderedKinds(r.Findings)
	if len(kinds) == 0 {
		return
	}
	m.printf("### How to fix\n\n")
	for _, k := range kinds {
		if k.CWE != CWE639 { // the authorization-matrix kinds name their own references
			m.printf("- **%s** (`%s`; [%s](%s), [%s](%s)): %s\n", k.Title, k.Kind, k.CWE, k.CWEURL, k.OWASP, k.OWASPURL, k.Remediation)
			continue
		}
		m.printf("- **%s** (`%s`): %s\n", k.Title, k.Kind, k.Remediation)
	}
	m.printf("\nReferences: [%s](%s), [%s](%s).\n\n", CWE639, CWE639URL, OWASPAPI1, OWASPAPI1URL)
}

func (r *Report) mdSkipped(m *mdWriter) {
	if len(r.Skipped) == 0 {
		return
	}
	m.printf("### Left out (%d)\n\n", len(r.Skipped))
	m.printf("<details><summary>Operations not attacked, and why</summary>\n\n")
	m.printf("| Operation | Why |\n|---|---|\n")
	for _, s := range r.Skipped {
		m.printf("| `%s` | %s |\n", mdCode(s.Operation), mdCell(s.Why))
	}
	m.printf("\n</details>\n\n")
}

// mdNoVerdicts groups the unjudged cases by reason, most frequent first:
// a long list of identical reasons says less than its count.
func (r *Report) mdNoVerdicts(m *mdWriter) {
	if r.Stats.NoVerdict == 0 && len(r.NoVerdicts) == 0 {
		return
	}
	m.printf("### Without verdict (%d)\n\n", r.Stats.NoVerdict)
	m.printf("These cases could not be judged, so they neither pass nor fail; the reasons say what is missing.\n\n")
	counts := map[string]int{}
	for _, nv := range r.NoVerdicts {
		counts[nv.Why]++
	}
	reasons := sortedkeys.Of(counts)
	sort.SliceStable(reasons, func(i, j int) bool { return counts[reasons[i]] > counts[reasons[j]] })
	m.printf("| Cases | Why |\n|---|---|\n")
	for i, why := range reasons {
		if i == maxMarkdownReasons {
			m.printf("| … | %d more reasons in the JSON report |\n", len(reasons)-i)
			break
		}
		m.printf("| %d | %s |\n", counts[why], mdCell(why))
	}
	if listed := len(r.NoVerdicts); listed < r.Stats.NoVerdict {
		m.printf("\n(%d of %d cases listed in the report.)\n", listed, r.Stats.NoVerdict)
	}
	m.printf("\n")
}

// mdTriage lists what the baseline and the ignore list did (TriageLines).
func (r *Report) mdTriage(m *mdWriter) {
	lines := r.TriageLines()
	if len(lines) == 0 {
		return
	}
	m.printf("### Baseline and accepted risks\n\n")
	for _, l := range lines {
		m.printf("- %s\n", mdCell(l))
	}
	m.printf("\n")
}

func (r *Report) mdWarnings(m *mdWriter) {
	for _, w := range r.Warnings {
		m.printf("> **Warning:** %s\n\n", mdCell(w))
	}
}

// mdCell makes text safe inside a table cell: pipes escaped, line breaks
// turned into <br>, and HTML-ish brackets escaped so that a response value
// cannot inject markup into the summary.
func mdCell(s string) string {
	s = strings.NewReplacer("\\", "\\\\", "|", "\\|", "<", "&lt;", ">", "&gt;", "\r", "", "\n", "<br>").Replace(s)
	return s
}

// mdCode makes text safe inside a `code span` in a table cell: a backtick
// would end the span, and a pipe would end the cell even inside one.
func mdCode(s string) string {
	return strings.NewReplacer("`", "'", "|", "\\|", "\r", " ", "\n", " ").Replace(s)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// durationText is a duration in ms as people read it.
func durationText(ms int64) string {
	if ms < 1000 {
		return fmt.Sprintf("%d ms", ms)
	}
	return fmt.Sprintf("%.1f s", float64(ms)/1000)
}

// coverageDetail is what checked a user's credential and how many requests
// for their own objects were refused, for the Markdown table.
func coverageDetail(u UserCoverage) string {
	out := ""
	if u.CheckedWith != "" {
		out += " (" + u.CheckedWith + ")"
	}
	if u.Controls > 0 {
		out += fmt.Sprintf("; %d of %d own-object requests refused", u.Refused, u.Controls)
	}
	return out
}
