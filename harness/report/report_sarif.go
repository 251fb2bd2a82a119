package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/bolaharness/bolaharness/harness/config"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
)

// SARIF identity of the tool, as code scanning shows it.
const (
	// ToolName is the driver name in SARIF.
	ToolName = "bolaharness"
	// ToolURI is where the tool is described.
	ToolURI = "https://github.com/bolaharness/bolaharness"
	// ToolVersion is the tool's version in SARIF.
	ToolVersion = "0.1.0"
	// FingerprintKey names the partial fingerprint every result carries; the
	// suffix is bumped if what it hashes ever changes.
	FingerprintKey = "bolaFinding/v1"
	// securitySeverity ranks BOLA for GitHub code scanning (0-10; 7+ is high):
	// another user's data is read with a valid token and a changed id.
	securitySeverity = "8.1"
	// lowSecuritySeverity ranks the low kinds (an existence leak tells
	// which ids exist, not what they hold): below 4 is low.
	lowSecuritySeverity = "3.7"
)

// SARIF builds the report as a SARIF 2.1.0 log: one rule per kind of flaw,
// one result per finding located at the operation in the spec, and the
// operations left out as notifications of the run.
func (r *Report) SARIF() *sarif.Report {
	run := sarif.NewRunWithInformationURI(ToolName, ToolURI)
	run.Tool.Driver.WithVersion(ToolVersion).WithSemanticVersion(ToolVersion)
	for _, k := range kindTable {
		addRule(run, k)
	}
	for _, f := range r.Findings {
		k := KindOf(f.Kind)
		if run.GetRuleIndex(k.RuleID) < 0 {
			addRule(run, k) // a kind this version does not list
		}
		addResult(run, r, f, k)
	}
	run.AddInvocation(r.sarifInvocation())
	if r.Config != "" {
		run.WithAutomationDetails(sarif.NewRunAutomationDetails().WithID(ToolName + "/" + config.ConfigName(r.Config) + "/"))
	}
	return sarif.NewReport().AddRun(run)
}

// MarshalSARIF is the SARIF log as indented JSON.
func (r *Report) MarshalSARIF() ([]byte, error) {
	var b bytes.Buffer
	if err := r.SARIF().PrettyWrite(&b); err != nil {
		return nil, fmt.Errorf("sarif: %w", err)
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// WriteSARIF writes the SARIF log to path, creating its directory.
func (r *Report) WriteSARIF(path string) error {
	data, err := r.MarshalSARIF()
	if err != nil {
		return fmt.Errorf("sarif %s: %w", path, err)
	}
	return writeReportFile(path, data)
}

func addRule(run *sarif.Run, k FlawKind) {
	severity, level := securitySeverity, sarif.LevelError
	if k.Low {
		severity, level = lowSecuritySeverity, sarif.LevelNote
	}
	props := sarif.NewPropertyBag().
		Add("security-severity", severity).
		Add("precision", "high").
		Add("problem.severity", level).
		Add("cwe", k.CWE).
		Add("owasp", k.OWASP).
		WithTags(append([]string{"security", "external/cwe/" + strings.ToLower(k.CWE)}, k.Tags...))
	run.AddRule(k.RuleID).
		WithName(k.RuleName).
		WithDescription(k.Title).
		WithFullDescription(sarif.NewMultiformatMessageString().WithText(k.Summary)).
		WithMarkdownHelp(ruleHelp(k)).
		WithHelpURI(k.OWASPURL).
		WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(level)).
		WithProperties(props)
}

// ruleHelp is the rule's help: what the flaw is, the fix and the references.
func ruleHelp(k FlawKind) string {
	return fmt.Sprintf("%s\n\n%s\n\n**Fix:** %s\n\nFiled under [%s](%s) and [%s](%s).",
		k.Title, k.Summary, k.Remediation, k.CWE, k.CWEURL, k.OWASP, k.OWASPURL)
}

func addResult(run *sarif.Run, r *Report, f Finding, k FlawKind) {
	res := run.CreateResultForRule(k.RuleID).
		WithLevel(sarifLevel(f.Severity)).
		WithMessage(sarif.NewTextMessage(resultMessage(f))).
		WithPartialFingerprints(map[string]string{FingerprintKey: Fingerprint(f)})
	if loc := sarifLocation(r, f); loc != nil {
		res.AddLocation(loc)
	}
	if f.BaselineState != "" {
		res.WithBaselineState(f.BaselineState)
	}
	if s := f.Suppressed; s != nil {
		// external: the suppression lives in the config's ignore list, not
		// in the spec; accepted: a person reviewed it and gave the reason.
		res.AddSuppression(sarif.NewSuppression().WithKind("external").WithStatus("accepted").
			WithJustification(s.Reason + ignoreSource(s.Where, s.Expires)))
	}
	evidence := make([]string, len(f.Evidence))
	for i, e := range f.Evidence {
		evidence[i] = fmt.Sprintf("%s = %q (%s)", e.Path, e.Value, e.Why)
	}
	res.WithProperties(sarif.NewPropertyBag().
		Add("operation", f.Operation).Add("parameter", f.Parameter).
		Add("attacker", f.Attacker).Add("victim", f.Victim).
		Add("mutation", f.Mutation).Add("value", f.Value).
		Add("url", f.URL).Add("status", f.Status).
		Add("kind", f.Kind).Add("cwe", k.CWE).
		Add("in", f.In).Add("pointer", f.Pointer).
		Add("evidence", evidence).Add("curl", f.Curl).
		Add("remediation", remediationOf(f)).Add("test", f.Test))
}

// resultMessage is the result's message: who read whose object and how,
// the proof, and the line that reproduces it.
func resultMessage(f Finding) string {
	var b strings.Builder
	b.WriteString(headline(f))
	for _, e := range f.Evidence {
		fmt.Fprintf(&b, " %s = %q (%s).", e.Path, e.Value, e.Why)
	}
	fmt.Fprintf(&b, " Reproduce: %s. Fix: %s", f.Curl, remediationOf(f))
	return b.String()
}

// sarifLocation points at the operation in the spec; nil when the report
// knows no spec file (code scanning then shows the result without a line).
func sarifLocation(r *Report, f Finding) *sarif.Location {
	file := f.Origin.File
	if file == "" {
		file = r.Spec
	}
	if file == "" {
		return nil
	}
	phys := sarif.NewPhysicalLocation().WithArtifactLocation(sarif.NewSimpleArtifactLocation(sarifURI(file)))
	if f.Origin.Line > 0 {
		phys.WithRegion(sarif.NewRegion().WithStartLine(f.Origin.Line))
	}
	return sarif.NewLocationWithPhysicalLocation(phys)
}

// sarifURI is the spec path as code scanning resolves it: relative to the
// working directory (the repository root in CI) with forward slashes, or a
// file URI for a spec outside it.
func sarifURI(file string) string {
	if filepath.IsAbs(file) {
		if wd, err := os.Getwd(); err == nil {
			if rel, err := filepath.Rel(wd, file); err == nil && !strings.HasPrefix(rel, "..") {
				return filepath.ToSlash(rel)
			}
		}
		return "file://" + filepath.ToSlash(file)
	}
	return filepath.ToSlash(filepath.Clean(file))
}

// sarifLevel maps a finding's severity to a SARIF level.
func sarifLevel(severity string) string {
	switch strings.ToLower(severity) {
	case "critical", "high":
		return sarif.LevelError
	case "low", "info":
		return sarif.LevelNote
	default:
		return sarif.LevelWarning
	}
}

// Fingerprint identifies a finding across runs: the operation, parameter,
// attacker, victim and kind, never the port, seed or mutated value, so a
// re-run with another seed or on another port updates the same alert.
func Fingerprint(f Finding) string {
	h := sha256.New()
	for _, part := range []string{f.Operation, f.Parameter, f.Attacker, f.Victim, f.Kind} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// sarifInvocation records the run's outcome, and each operation left out
// as a note, so that code scanning shows what was not tested.
func (r *Report) sarifInvocation() *sarif.Invocation {
	c := r.Coverage
	inv := sarif.NewInvocation().WithExecutionSuccessful(c == nil || (c.Untested == "" && !c.Interrupted))
	if c != nil {
		if c.Untested != "" {
			inv.AddToolExecutionNotification(sarif.NewNotification().WithLevel(sarif.LevelError).
				WithMessage(sarif.NewTextMessage("nothing was tested: " + c.Untested)))
		}
		if c.Interrupted {
			inv.AddToolExecutionNotification(sarif.NewNotification().WithLevel(sarif.LevelError).
				WithMessage(sarif.NewTextMessage("interrupted: the results are partial")))
		}
		for _, u := range c.Users {
			level := sarif.LevelNote
			if u.Credential == CredentialRejected {
				level = sarif.LevelError
			}
			inv.AddToolExecutionNotification(sarif.NewNotification().WithLevel(level).
				WithMessage(sarif.NewTextMessage(fmt.Sprintf("%s: credential %s%s", u.Name, u.Credential, coverageDetail(u)))).
				WithProperties(sarif.NewPropertyBag().Add("user", u.Name)))
		}
		for _, w := range c.Why {
			inv.AddToolExecutionNotification(sarif.NewNotification().WithLevel(sarif.LevelWarning).
				WithMessage(sarif.NewTextMessage(fmt.Sprintf("%d cases without verdict: %s", w.Count, w.Why))))
		}
	}
	for _, s := range r.Skipped {
		inv.AddToolExecutionNotification(sarif.NewNotification().
			WithLevel(sarif.LevelNote).
			WithMessage(sarif.NewTextMessage(fmt.Sprintf("%s left out: %s", s.Operation, s.Why))).
			WithProperties(sarif.NewPropertyBag().Add("operation", s.Operation)))
	}
	for _, line := range r.TriageLines() {
		if strings.HasPrefix(line, "suppressed: ") {
			continue // each suppressed result carries its own suppression
		}
		inv.AddToolExecutionNotification(sarif.NewNotification().WithLevel(sarif.LevelNote).
			WithMessage(sarif.NewTextMessage(line)))
	}
	st := r.Stats
	inv.WithProperties(sarif.NewPropertyBag().
		Add("seed", fmt.Sprint(r.Seed)).Add("operations", st.Operations).Add("requests", st.Requests).
		Add("cases", st.Cases).Add("leaks", st.Leaks).Add("safe", st.Safe).
		Add("noVerdict", st.NoVerdict).Add("notSent", st.NotSent).Add("settled", st.Settled).Add("findings", len(r.Findings)))
	return inv
}

// writeReportFile writes one report format, creating its directory.
func writeReportFile(path string, data []byte) error {
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("report %s: %w", path, err)
		}
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("report %s: %w", path, err)
	}
	return nil
}
