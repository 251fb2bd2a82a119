package report

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestCoverageLines_SayItLoudly: a run that tested nothing opens with the
// cause, and a user refused on half or more of their own objects is a
// warning even when the run found leaks.
func TestCoverageLines_SayItLoudly(t *testing.T) {
	c := &Coverage{Users: []UserCoverage{
		{Name: "alice", Credential: CredentialWorks, Controls: 10},
		{Name: "bob", Credential: CredentialWorks, Controls: 40, Refused: 30},
	}, Attacked: 3, Judged: 12, WithoutVerdict: 30, Why: []ReasonCount{{Why: "bob: control failed: status 401", Count: 30}}}
	lines := c.Lines()
	assert.False(t, strings.HasPrefix(lines[0], "WARNING"), "alice is fine: %q", lines[0])
	assert.Equal(t, "WARNING: bob: credential works; 30 of 40 own-object requests refused: many of these cases have no verdict", lines[1])
	assert.Contains(t, c.String(), "30 without verdict: bob: control failed: status 401")
	c.Untested = "bob's credential was rejected"
	assert.Equal(t, "NOTHING WAS TESTED: bob's credential was rejected", c.Lines()[0])
}

// TestMergeCoverage_AddsUp: shards add their counts, a credential takes its
// worst state, and one shard that tested nothing leaves the whole untested.
func TestMergeCoverage_AddsUp(t *testing.T) {
	a := mergeCoverage(nil, &Coverage{Users: []UserCoverage{{Name: "bob", Credential: CredentialWorks, Controls: 2}},
		Attacked: 2, Judged: 5, Why: []ReasonCount{{Why: "x", Count: 1}}}, 1)
	m := mergeCoverage(a, &Coverage{Users: []UserCoverage{{Name: "bob", Credential: CredentialRejected, Controls: 3, Refused: 3}},
		Attacked: 1, Judged: 0, Untested: "bob refused", Why: []ReasonCount{{Why: "x", Count: 2}, {Why: "y", Count: 1}}}, 2)
	assert.Equal(t, 3, m.Attacked)
	assert.Equal(t, 5, m.Judged)
	assert.Equal(t, "report 2: bob refused", m.Untested)
	assert.Equal(t, UserCoverage{Name: "bob", Credential: CredentialRejected, Controls: 5, Refused: 3}, m.Users[0])
	assert.Equal(t, []ReasonCount{{Why: "x", Count: 3}, {Why: "y", Count: 1}}, m.Why)
}
