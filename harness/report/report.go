package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/bolaharness/bolaharness/harness/oracle"
	"github.com/bolaharness/bolaharness/harness/plan"
	"github.com/bolaharness/bolaharness/harness/spec"
)

// ReportVersion is the version of the JSON report's shape.
const ReportVersion = 1

// Report is the outcome of one scan, as the JSON report writes it.
type Report struct {
	Version  int          `json:"version"`
	Seed     int64        `json:"seed"`
	BaseURL  string       `json:"baseURL"`
	Config   string       `json:"config,omitempty"`
	Spec     string       `json:"spec,omitempty"`
	Findings []Finding    `json:"findings"`
	Skipped  []plan.Skip  `json:"skipped"`
	Stats    Stats        `json:"stats"`
	Warnings []string     `json:"warnings,omitempty"`
	Matrix   []MatrixCell `json:"matrix,omitempty"`
	// NoVerdicts lists cases that could not be judged, with the reason, so
	// that nothing passes silently (capped; Stats counts them all).
	NoVerdicts []NoVerdictCase `json:"noVerdicts,omitempty"`
	// PerOperation counts the requests each attacked operation cost.
	PerOperation []OperationStat `json:"perOperation,omitempty"`
	// Harvest lists the requests that looked users' object ids up and the
	// ids found (harvest.go); nil when the scan did not harvest.
	Harvest *HarvestReport `json:"harvest,omitempty"`
	// Writes counts the writes sent and lists what could not be restored
	// (write_restore.go); nil when the scan sent no write.
	Writes *WriteSummary `json:"writes,omitempty"`
	// Created lists the objects the harness created as their owners and
	// whether each was deleted again (create.go); empty when none.
	Created []CreatedObject `json:"created,omitempty"`
	// Partial marks a report of a run that was interrupted (Ctrl-C) or
	// stopped before it reached every operation.
	Partial bool `json:"partial,omitempty"`
	// Coverage says what the run tested (report_coverage.go).
	Coverage *Coverage `json:"coverage,omitempty"`
	// Baseline compares the run with an earlier report (-baseline; nil
	// without one): counts and the earlier findings now absent.
	Baseline *BaselineSummary `json:"baseline,omitempty"`
	// Ignored says what each entry of the config's ignore list did:
	// suppressing, expired or unmatched (report_triage.go).
	Ignored []IgnoreStatus `json:"ignored,omitempty"`
}

// Finding is one leak: who read whose object, how, and the proof.
type Finding struct {
	Operation string `json:"operation"`
	Parameter string `json:"parameter"`
	In        string `json:"in"`
	Attacker  string `json:"attacker"`
	Victim    string `json:"victim"`
	Mutation  string `json:"mutation"`
	Value     string `json:"value"`
	URL       string `json:"url"`
	Status    int    `json:"status"`
	Severity  string `json:"severity"`
	// Confidence is certain (the victim's identity came back) or firm
	// (content only the victim's object has, naming nobody).
	Confidence string            `json:"confidence,omitempty"`
	CWE        string            `json:"cwe"`
	Evidence   []oracle.Evidence `json:"evidence"`
	Curl       string            `json:"curl"`
	// Kind names the flaw: swap, nested-scope, normalisation,
	// alternate-route, method-leak, list-confusion, enumeration,
	// parameter-pollution, added-parameter, or write (report_kinds.go).
	Kind string `json:"kind"`
	// FoundAs is the case that found the leak before it was shrunk.
	FoundAs string      `json:"foundAs,omitempty"`
	Reasons []string    `json:"reasons"`
	Test    string      `json:"test,omitempty"`
	Origin  spec.Origin `json:"origin,omitempty"`
	// Remediation is the fix for this kind of flaw (Remediation(Kind)).
	Remediation string `json:"remediation,omitempty"`
	// Control is the victim's own request for the object, the oracle's
	// baseline; replay sends it again as the victim.
	Control string `json:"control,omitempty"`
	// Pointer is, for an id in a JSON body (In "body"), the field's JSON
	// pointer ("/owner_id"); In says where every id travels: path, query,
	// header or body.
	Pointer string `json:"pointer,omitempty"`
	// Request is the attack as sent, for an id in a header or a JSON body,
	// whose URL alone does not carry it; replay sends it again. It never
	// holds the Authorization header: tokens come from the config.
	Request *SentRequest `json:"request,omitempty"`
	// ControlRequest is the victim's control as sent, for the same ids.
	ControlRequest *SentRequest `json:"controlRequest,omitempty"`
	// Decoy is, for an existence leak, the attacker's request for an id
	// nobody owns, whose answer the request for the victim's object was
	// told apart from; replay sends both again.
	Decoy string `json:"decoy,omitempty"`
	// Fingerprint identifies the finding across runs (Fingerprint, the
	// SARIF partial fingerprint): what ignore entries and baselines name.
	// The CLI fills it; "" in reports written before it.
	Fingerprint string `json:"fingerprint,omitempty"`
	// BaselineState is new or unchanged when the run was compared with a
	// baseline report (as SARIF's result.baselineState), else "".
	BaselineState string `json:"baselineState,omitempty"`
	// Suppressed is set when an unexpired ignore entry accepts the risk:
	// the finding stays in every report, marked, and does not fail the run.
	Suppressed *Suppression `json:"suppressed,omitempty"`
}

// Stats counts the run.
type Stats struct {
	Operations int   `json:"operations"`
	Requests   int64 `json:"requests"`
	DurationMs int64 `json:"durationMs"`
	Cases      int   `json:"cases"`
	Leaks      int   `json:"leaks"`
	Safe       int   `json:"safe"`
	NoVerdict  int   `json:"noVerdict"`
	NotSent    int   `json:"notSent"`
	// Settled counts the cases of NotSent that answers already sent made
	// certain (the same rewriting refused on this pair or an earlier one,
	// a handler that ignores the id), as opposed to those a leak made
	// redundant. Omitted when zero.
	Settled int `json:"settled,omitempty"`
}

// SettledNote is the clause that says how many of the cases not sent were
// settled by answers already sent, between open and end; "" when none were.
func (st Stats) SettledNote(open, end string) string {
	if st.Settled == 0 {
		return ""
	}
	return fmt.Sprintf("%s%d of them settled by answers already sent%s", open, st.Settled, end)
}

// MatrixCell summarises one operation for one attacker-victim pair.
type MatrixCell struct {
	Operation string `json:"operation"`
	Attacker  string `json:"attacker"`
	Victim    string `json:"victim"`
	// Outcome is leak, denied, public or no-verdict.
	Outcome   string `json:"outcome"`
	Cases     int    `json:"cases"`
	Leaks     int    `json:"leaks"`
	NoVerdict int    `json:"noVerdict"`
	// Places are the id parameters tried, each as "<in> <name>": "path
	// invoice_id", "query threadId", "header X-Account-Id", "body /owner_id".
	Places []string `json:"places,omitempty"`
}

// OperationStat is what attacking one operation cost.
type OperationStat struct {
	Operation string `json:"operation"`
	Requests  int64  `json:"requests"`
}

// NoVerdictCase is one case that could not be judged.
type NoVerdictCase struct {
	Operation string `json:"operation"`
	Test      string `json:"test"`
	Why       string `json:"why"`
}

// JSON writes the report as indented JSON (shared/DESIGN.md, "JSON
// report"), ending in a newline.
func (r *Report) JSON(w io.Writer) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if _, err := w.Write(append(data, '\n')); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

// WriteJSON writes the report to path, creating its directory.
func (r *Report) WriteJSON(path string) error {
	var b bytes.Buffer
	if err := r.JSON(&b); err != nil {
		return err
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("report %s: %w", path, err)
		}
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("report %s: %w", path, err)
	}
	return nil
}
