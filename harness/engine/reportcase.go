package engine

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/bolaharness/bolaharness/harness/client"
	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/mutate"
	"github.com/bolaharness/bolaharness/harness/oracle"
	"github.com/bolaharness/bolaharness/harness/report"
	"github.com/bolaharness/bolaharness/harness/secret"
)

// DuplicateNote ends the message of a leaking case whose finding an
// earlier case already reported: the subtest still fails, and a quiet
// console prints the finding's block only once.
const DuplicateNote = "(same leak as an earlier case; reported once)"

// reportCase turns one outcome into the subtest's result: a leak fails it
// with the evidence and a curl line, a case without verdict is skipped with
// its reason, a safe case logs why.
func (s *Scan) reportCase(t TB, g *group, o *Outcome) {
	t.Helper()
	var f *report.Finding
	if o.skipped == "" && o.Verdict.Outcome == oracle.Leak {
		f = s.finding(g, o, t.Name())
	}
	fresh := s.rec.outcome(g, o, f, t.Name())
	switch {
	case o.skipped != "":
		// The reasons quote URLs; redacted, and only when a TB prints them.
		t.Skip(lazyText(func() string { return s.redact(o.skipped) }))
	case f != nil:
		msg := s.describeLeak(f, o)
		if !fresh {
			msg += "\n" + DuplicateNote
		}
		s.fail(t, f, msg)
	case o.Verdict.Outcome == oracle.NoVerdict:
		t.Skip(lazyText(func() string { return s.redact("no verdict: " + strings.Join(o.Verdict.Reasons, "; ")) }))
	default:
		t.Logf("%s", lazyText(func() string { return s.redact("safe: " + o.url + " → " + strings.Join(o.Verdict.Reasons, "; ")) }))
	}
}

// lazyText is a line built only when a TB formats it (fmt calls String):
// a quiet console never reads the line of a safe case, and joining and
// redacting one per case was a tenth of what a scan allocated. testing.T
// formats at once, so the text, redaction included, is the same.
type lazyText func() string

// String builds the text.
func (l lazyText) String() string { return l() }

// finding builds the report entry for a leak from its simplest form.
func (s *Scan) finding(g *group, o *Outcome, test string) *report.Finding {
	m := o
	if o.minimal != nil {
		m = o.minimal
	}
	f := &report.Finding{
		Operation: g.op.Operation, Parameter: g.p.Name, In: g.p.In, Attacker: g.a.Name, Victim: m.Verdict.Victim,
		Mutation: m.C.Mutation(), Value: m.C.Wire, URL: m.url, Status: m.attack.Status,
		Severity: "high", CWE: "CWE-639", Evidence: redactEvidence(m.Verdict.Evidence, s.Cfg.Secrets()),
		Curl: s.curl(g, client.Request{Method: g.op.Op.Method, URL: m.url}), Kind: flawKind(g, m.C, o.scope),
		Reasons: m.Verdict.Reasons, Test: test, Origin: g.op.Op.Origin, Control: s.controlURL(g, m),
	}
	switch {
	case o.via.method != "":
		f.Kind, f.Mutation = "method-leak", "method-"+o.via.method
	case o.via.route != "":
		f.Kind, f.Mutation = "alternate-route", routeMutation(o.via.route)
	}
	if m != o {
		f.FoundAs = o.C.Mutation() + "=" + o.C.Wire
	}
	s.placeFinding(f, g, m)
	s.RecordRequests(f, g, m)
	f.Remediation = report.Remediation(f.Kind)
	f.Confidence = Confidence(f.Evidence)
	if f.Confidence != ConfidenceCertain && f.Kind != "write" {
		f.Reasons = append(append([]string{}, f.Reasons...), "judged by content alone: no owner field or personal value of "+f.Victim+
			"'s came back; if every user may read this object by design, list the operation under public in the config")
	}
	s.functionWrite(f, g)
	return f
}

// Confidence values of a finding.
const (
	// ConfidenceCertain: the answer carries the victim's identity (an owner
	// field or a personal value such as an email).
	ConfidenceCertain = "certain"
	// ConfidenceFirm: the answer carries content only the victim's own
	// answer has, but names nobody: right unless the object is public by
	// design, which only the API's owners can say.
	ConfidenceFirm = "firm"
)

func Confidence(ev []oracle.Evidence) string {
	for _, e := range ev {
		if strings.Contains(e.Why, "identity") {
			return ConfidenceCertain
		}
	}
	return ConfidenceFirm
}

// flawKind names the kind of flaw from the simplest leaking case.
func flawKind(g *group, c mutate.Case, scope string) string {
	if k := placementKind(c); k != "" {
		return k
	}
	for _, tr := range c.Transforms {
		switch tr.Kind {
		case "trailing-slash", "suffix-json", "suffix-semicolon":
			return "alternate-route"
		case "comma-list", "array":
			return "list-confusion"
		}
	}
	switch {
	case len(c.Transforms) > 0:
		return "normalisation"
	case c.Source == mutate.SourceNeighbour || c.Source == mutate.SourceBoundary:
		return "enumeration"
	case pathIDCount(g) > 1 && scope == "":
		return "nested-scope"
	}
	return "swap"
}

// describeLeak is the failure message: what leaked, the proof, and how to
// reproduce and replay it.
func (s *Scan) describeLeak(f *report.Finding, o *Outcome) string {
	var b strings.Builder
	switch f.Kind {
	case KindIgnoredAuth:
		fmt.Fprintf(&b, "LEAK (%s, %s): %s's object served to a request with %s: %s %s=%s (in %s) → status %d\n",
			f.Kind, f.CWE, f.Victim, authCheckCaller(authCheckOf(*f)), f.Operation, f.Parameter, f.Value, f.In, f.Status)
	case KindExistenceLeak:
		fmt.Fprintf(&b, "EXISTENCE LEAK (%s, %s, low): %s tells %s's object from a missing one: %s %s=%s (in %s) → status %d\n",
			f.Kind, f.CWE, f.Attacker, f.Victim, f.Operation, f.Parameter, f.Value, f.In, f.Status)
	default:
		fmt.Fprintf(&b, "LEAK (%s, %s): %s %s %s's object: %s %s=%s (%s, in %s) → status %d\n",
			f.Kind, f.CWE, f.Attacker, leakVerb(f), f.Victim, f.Operation, f.Parameter, f.Value, f.Mutation, f.In, f.Status)
	}
	fmt.Fprintf(&b, "  url: %s\n", f.URL)
	for _, r := range f.Reasons {
		fmt.Fprintf(&b, "  why: %s\n", r)
	}
	b.WriteString("  evidence:\n")
	for _, e := range f.Evidence {
		fmt.Fprintf(&b, "    %s = %q  (%s)\n", e.Path, e.Value, e.Why)
	}
	if f.FoundAs != "" {
		fmt.Fprintf(&b, "  found as %s, shrunk: %s\n", f.FoundAs, strings.Join(o.steps, ", "))
	}
	fmt.Fprintf(&b, "  reproduce: %s\n", f.Curl)
	fmt.Fprintf(&b, "  replay: %s", s.replayLine(f.Test))
	return b.String()
}

// replayLine is the go test command that re-runs one case with the same
// seed, config and fixture mode.
func (s *Scan) replayLine(test string) string {
	if !strings.HasPrefix(test, "TestBOLA/") {
		test = "TestBOLA/" + test // the CLI's names start at the config
	}
	env := fmt.Sprintf("BOLA_CONFIG=%s BOLA_SEED=%d", s.Cfg.File, s.seed)
	if s.fixtureMode != "" && s.fixtureMode != s.Cfg.FixtureMode {
		env += " " + config.EnvFixtureMode + "=" + s.fixtureMode
	}
	return fmt.Sprintf("%s go test -run '%s' .", env, RunPattern(test))
}

// runPattern turns a subtest name into a -run pattern that selects it alone:
// each level anchored, regexp metacharacters escaped.
func RunPattern(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = "^" + regexpQuote(p) + "$"
	}
	return strings.Join(parts, "/")
}

func regexpQuote(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`\.+*?()|[]{}^$`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func (s *Scan) redact(text string) string { return secret.Redact(text, s.Cfg.Secrets()...) }

func redactEvidence(ev []oracle.Evidence, secrets []secret.Secret) []oracle.Evidence {
	out := make([]oracle.Evidence, len(ev))
	for i, e := range ev {
		out[i] = oracle.Evidence{Path: e.Path, Value: secret.Redact(e.Value, secrets...), Why: e.Why}
	}
	return out
}

// controlURL is the victim's own request for the object that leaked: the
// plain id with the victim's own ids for the other id parameters. It is what
// the oracle compared against, and what replay sends again as the victim.
func (s *Scan) controlURL(g *group, m *Outcome) string {
	u := s.Cfg.User(m.Verdict.Victim)
	if u == nil {
		return ""
	}
	fill, ok := g.ownFill(u)
	if !ok {
		return ""
	}
	return g.url(url.PathEscape(m.C.Base), fill)
}

// curl is the line that reproduces r as g's attacker, with the credentials
// g's operation takes named as environment variables.
func (s *Scan) curl(g *group, r client.Request) string {
	return s.client.Curl(client.WithOperation(context.Background(), g.op.Operation), r, g.a)
}
