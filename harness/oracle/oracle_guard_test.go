package oracle

import (
	"testing"

	"github.com/bolaharness/bolaharness/harness/client"

	"github.com/stretchr/testify/assert"
)

func TestGuardVerdict(t *testing.T) {
	ok := client.Exchange{Status: 200, Body: []byte(`{}`)}
	cut := client.Exchange{Status: 200, Body: []byte(`{"a"`), Truncated: true}
	safeV := Verdict{Outcome: Safe, Victim: "bob", Reasons: []string{"quoting the body: secret"}}
	leak := Verdict{Outcome: Leak, Victim: "bob", Reasons: []string{"bob's email"}}
	tests := []struct {
		name    string
		v       Verdict
		attack  client.Exchange
		control *client.Exchange
		want    Outcome
		reason  string
	}{
		{"safe on a whole answer stays", safeV, ok, &ok, Safe, "quoting the body"},
		{"safe on a cut attack", safeV, cut, &ok, NoVerdict, "cannot call it safe: attack: the body was cut"},
		{"safe on a cut control", safeV, ok, &cut, NoVerdict, "cannot call it safe: control: the body was cut"},
		{"a cut control does not matter to a denial", safeV, client.Exchange{Status: 403}, &cut, Safe, "quoting"},
		{"a leak stands", leak, cut, &cut, Leak, "bob's email"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := GuardVerdict(tt.v, tt.attack, tt.control)
			assert.Equal(t, tt.want, got.Outcome)
			assert.Contains(t, got.Reasons[0], tt.reason)
			if got.Outcome == NoVerdict {
				assert.Len(t, got.Reasons, 1, "the safe verdict's reasons (which may quote the body) are dropped")
				assert.Equal(t, "bob", got.Victim)
			}
		})
	}
}
