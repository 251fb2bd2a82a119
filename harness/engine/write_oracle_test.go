package engine

import (
	"testing"

	"github.com/bolaharness/bolaharness/harness/client"
	"github.com/bolaharness/bolaharness/harness/oracle"
	"github.com/bolaharness/bolaharness/harness/report"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestJudgeWrite(t *testing.T) {
	ok := func(body string) client.Exchange { return client.Exchange{Status: 200, Body: []byte(body)} }
	const marker = "bolaharness-7-1"
	tests := []struct {
		name     string
		attack   client.Exchange
		before   client.Exchange
		after    client.Exchange
		marker   string
		volatile map[string]bool
		want     oracle.Outcome
		evidence string // a path the evidence must name
	}{
		{"the marker landed though the write answered 204", client.Exchange{Status: 204}, ok(`{"title":"plan"}`), ok(`{"title":"` + marker + `"}`), marker, nil, oracle.Leak, "$.title"},
		{"the marker landed though the write answered 403", client.Exchange{Status: 403}, ok(`{"title":"plan"}`), ok(`{"title":"` + marker + `"}`), marker, nil, oracle.Leak, "$.title"},
		{"unchanged after a 204 is safe", client.Exchange{Status: 204}, ok(`{"title":"plan"}`), ok(`{"title":"plan"}`), marker, nil, oracle.Safe, ""},
		{"an action changed a flag", client.Exchange{Status: 204}, ok(`{"archived":false}`), ok(`{"archived":true}`), "", nil, oracle.Leak, "$.archived"},
		{"a volatile field is no change", client.Exchange{Status: 204}, ok(`{"views":3,"t":"a"}`), ok(`{"views":4,"t":"a"}`), "", map[string]bool{"$.views": true}, oracle.Safe, ""},
		{"gone after a DELETE", client.Exchange{Status: 204}, ok(`{"id":"U-3"}`), client.Exchange{Status: 404}, "", nil, oracle.Leak, "status"},
		{"the read-back before failed", client.Exchange{Status: 204}, client.Exchange{Status: 500}, ok(`{}`), marker, nil, oracle.NoVerdict, ""},
		{"the read-back after failed", client.Exchange{Status: 204}, ok(`{}`), client.Exchange{Err: "timeout"}, marker, nil, oracle.NoVerdict, ""},
	}
	for _, tt := range tests {
		v := oracle.JudgeWrite(oracle.WriteTrial{Attacker: oracle.Party{Name: "alice"}, Victim: oracle.Party{Name: "bob"}, Method: "PUT",
			Attack: tt.attack, Before: tt.before, After: tt.after, Marker: tt.marker, Volatile: tt.volatile})
		assert.Equal(t, tt.want, v.Outcome, "%s: %v", tt.name, v.Reasons)
		assert.Equal(t, "bob", v.Victim, tt.name)
		assert.NotEmpty(t, v.Reasons, tt.name)
		if tt.evidence != "" && assert.NotEmpty(t, v.Evidence, tt.name) {
			assert.Equal(t, tt.evidence, v.Evidence[0].Path, tt.name)
		}
	}
}

func TestVolatilePaths(t *testing.T) {
	a := client.Exchange{Body: []byte(`{"id":1,"readAt":"10:00","n":[1,2]}`)}
	b := client.Exchange{Body: []byte(`{"id":1,"readAt":"10:01","n":[1]}`)}
	assert.Equal(t, map[string]bool{"$.readAt": true, "$.n[1]": true}, oracle.VolatilePaths(a, b))
}

func TestMergeWrites(t *testing.T) {
	a := &report.WriteSummary{Sent: 3, Changed: 1, Restored: 1, Unrestored: []report.UnrestoredWrite{}}
	b := &report.WriteSummary{Sent: 2, Changed: 1, Unrestored: []report.UnrestoredWrite{{Operation: "DELETE /d/{id}", Why: "deleted"}}}
	rep, err := report.MergeReports(&report.Report{Version: report.ReportVersion, Writes: a}, &report.Report{Version: report.ReportVersion}, &report.Report{Version: report.ReportVersion, Writes: b})
	require.NoError(t, err)
	assert.Equal(t, &report.WriteSummary{Sent: 5, Changed: 2, Restored: 1, Unrestored: b.Unrestored}, rep.Writes)
	none, err := report.MergeReports(&report.Report{Version: report.ReportVersion})
	require.NoError(t, err)
	assert.Nil(t, none.Writes)
}
