package engine

import (
	"github.com/bolaharness/bolaharness/harness/report"
)

// Accepted risks (the config's `ignore:` list) are applied where a finding
// is reported, so that go test and the command line agree: a finding that
// an entry in force names is logged as an accepted risk and its subtest
// passes, just as the command line's exit code does not count it. It stays
// in the report, marked suppressed with the entry's reason (Run applies the
// list to the report), so nothing accepted is hidden.

// fail reports the finding f, described by msg, on t: a failed subtest, or
// a logged accepted risk when an entry of the ignore list in force names it.
func (s *Scan) fail(t TB, f *report.Finding, msg string) {
	if rule, ok := s.accepted[report.Fingerprint(*f)]; ok {
		until := ""
		if rule.Expires != "" {
			until = ", until " + rule.Expires
		}
		t.Logf("%s", s.redact("accepted risk, not a failure (ignore entry at "+rule.Where+until+": "+rule.Reason+")\n"+msg))
		return
	}
	t.Errorf("%s", s.redact(msg))
}
