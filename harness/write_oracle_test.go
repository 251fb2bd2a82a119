package harness

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestJudgeWrite(t *testing.T) {
	ok := func(body string) Exchange { return Exchange{Status: 200, Body: []byte(body)} }
	const marker = "bolaharness-7-1"
	tests := []struct {
		name     string
		attack   Exchange
		before   Exchange
		after    Exchange
		marker   string
		volatile map[string]bool
		want     Outcome
		evidence string // a path the evidence must name
	}{
		{"the marker landed though the write answered 204", Exchange{Status: 204}, ok(`{"title":"plan"}`), ok(`{"title":"` + marker + `"}`), marker, nil, Leak, "$.title"},
		{"the marker landed though the write answered 403", Exchange{Status: 403}, ok(`{"title":"plan"}`), ok(`{"title":"` + marker + `"}`), marker, nil, Leak, "$.title"},
		{"unchanged after a 204 is safe", Exchange{Status: 204}, ok(`{"title":"plan"}`), ok(`{"title":"plan"}`), marker, nil, Safe, ""},
		{"an action changed a flag", Exchange{Status: 204}, ok(`{"archived":false}`), ok(`{"archived":true}`), "", nil, Leak, "$.archived"},
		{"a volatile field is no change", Exchange{Status: 204}, ok(`{"views":3,"t":"a"}`), ok(`{"views":4,"t":"a"}`), "", map[string]bool{"$.views": true}, Safe, ""},
		{"gone after a DELETE", Exchange{Status: 204}, ok(`{"id":"U-3"}`), Exchange{Status: 404}, "", nil, Leak, "status"},
		{"the read-back before failed", Exchange{Status: 204}, Exchange{Status: 500}, ok(`{}`), marker, nil, NoVerdict, ""},
		{"the read-back after failed", Exchange{Status: 204}, ok(`{}`), Exchange{Err: "timeout"}, marker, nil, NoVerdict, ""},
	}
	for _, tt := range tests {
		v := JudgeWrite(WriteTrial{Attacker: Party{Name: "alice"}, Victim: Party{Name: "bob"}, Method: "PUT",
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
	a := Exchange{Body: []byte(`{"id":1,"readAt":"10:00","n":[1,2]}`)}
	b := Exchange{Body: []byte(`{"id":1,"readAt":"10:01","n":[1]}`)}
	assert.Equal(t, map[string]bool{"$.readAt": true, "$.n[1]": true}, volatilePaths(a, b))
}

func TestMergeWrites(t *testing.T) {
	a := &WriteSummary{Sent: 3, Changed: 1, Restored: 1, Unrestored: []UnrestoredWrite{}}
	b := &WriteSummary{Sent: 2, Changed: 1, Unrestored: []UnrestoredWrite{{Operation: "DELETE /d/{id}", Why: "deleted"}}}
	rep, err := MergeReports(&Report{Version: ReportVersion, Writes: a}, &Report{Version: ReportVersion}, &Report{Version: ReportVersion, Writes: b})
	require.NoError(t, err)
	assert.Equal(t, &WriteSummary{Sent: 5, Changed: 2, Restored: 1, Unrestored: b.Unrestored}, rep.Writes)
	none, err := MergeReports(&Report{Version: ReportVersion})
	require.NoError(t, err)
	assert.Nil(t, none.Writes)
}
