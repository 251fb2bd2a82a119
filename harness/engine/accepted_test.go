package engine

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/report"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// aliceReadsBob is the fingerprint of alice reading bob's things.
var aliceReadsBob = report.Fingerprint(report.Finding{Operation: "GET /things/{thingId}", Parameter: "thingId",
	Attacker: "alice", Victim: "bob", Kind: "swap"})

// TestAcceptedRiskPassesItsSubtest: an ignore entry in force turns its
// finding's failures into logged accepted risks, under any driver; the
// finding stays in the report, marked suppressed, and the others still fail.
func TestAcceptedRiskPassesItsSubtest(t *testing.T) {
	srv := httptest.NewServer(thingsAPI(false))
	defer srv.Close()
	cfg := thingsConfig(t, srv.URL)
	cfg.Ignore = []config.Ignore{{Fingerprint: aliceReadsBob, Reason: "test tenant", Expires: "2999-12-31", Line: 12}}
	tb := newRecTB()
	rep, err := RunConfig(context.Background(), cfg, Options{}, tb)
	require.NoError(t, err)

	for name := range tb.errors {
		assert.False(t, strings.HasPrefix(name, "getThing/alice-vs-bob/"), "an accepted risk does not fail: %s", name)
	}
	assert.Contains(t, tb.errors, "getThing/bob-vs-alice/thingId/swap=1", "findings no entry names still fail")
	assert.Contains(t, tb.logs.String(), "accepted risk, not a failure (ignore entry at things.yaml:12, until 2999-12-31: test tenant)")
	require.Len(t, rep.Findings, 4, "accepted findings stay in the report")
	suppressed := 0
	for _, f := range rep.Findings {
		if f.Suppressed != nil {
			suppressed++
			assert.Equal(t, aliceReadsBob, f.Fingerprint)
		}
	}
	assert.Equal(t, 2, suppressed, "both of alice's reads of bob's things are marked")
	assert.Len(t, rep.Failing(), 2)
}

// TestExpiredAcceptanceFailsAgain: an entry past its last day suppresses
// nothing, and the report says it expired.
func TestExpiredAcceptanceFailsAgain(t *testing.T) {
	srv := httptest.NewServer(thingsAPI(false))
	defer srv.Close()
	cfg := thingsConfig(t, srv.URL)
	cfg.Ignore = []config.Ignore{{Fingerprint: aliceReadsBob, Reason: "test tenant", Expires: "2000-01-31", Line: 12}}
	tb := newRecTB()
	rep, err := RunConfig(context.Background(), cfg, Options{}, tb)
	require.NoError(t, err)
	assert.Contains(t, tb.errors, "getThing/alice-vs-bob/thingId/swap=3")
	assert.NotContains(t, tb.logs.String(), "accepted risk")
	require.Len(t, rep.Ignored, 1)
	assert.Equal(t, report.IgnoreExpired, rep.Ignored[0].State)
	assert.Len(t, rep.Failing(), 4)
}
