package oracle

import (
	"testing"

	"github.com/bolaharness/bolaharness/harness/client"

	"github.com/stretchr/testify/assert"
)

var root = Party{Name: "root", Identity: map[string]string{"id": "9", "email": "root@example.test"}}

// reader is alice's second, read-only credential: the same person.
var reader = Party{Name: "reader", Identity: alice.Identity}

func TestJudgeFunction(t *testing.T) {
	listing := `{"users": [{"id": 1, "email": "alice@example.test"}, {"id": 2, "email": "bob@example.test"}, {"id": 9, "email": "root@example.test"}]}`
	status := `{"status": "ok", "version": "4.2.1", "region": "eu-west"}`
	aliceMe := `{"id": 1, "email": "alice@example.test", "name": "Alice Archer"}`
	rootMe := `{"id": 9, "email": "root@example.test"}`
	for _, c := range []struct {
		name            string
		attacker        Party
		control, attack client.Exchange
		want            Outcome
		evidence        string // a value the evidence must hold
	}{
		{"admin listing served to a user", alice, ok(listing), ok(listing), Leak, "root@example.test"},
		{"refused", alice, ok(listing), client.Exchange{Status: 403, Body: []byte(`{"error":"administrators only"}`)}, Safe, ""},
		{"a page naming no one, alike for every role", alice, ok(status), ok(status), Safe, ""},
		{"the caller's own profile at the same route", alice, ok(rootMe), ok(aliceMe), Safe, ""},
		{"another user's email only the attacker got, not the function's output", alice, ok(status), ok(`{"peer": "bob@example.test"}`), Safe, ""},
		{"a second credential of a listed person still sees the others", reader, ok(listing), ok(listing), Leak, "bob@example.test"},
		{"an error status", bob, ok(listing), client.Exchange{Err: "timeout"}, NoVerdict, ""},
		{"the control failed", bob, client.Exchange{Status: 500}, ok(listing), NoVerdict, ""},
		{"a 2xx denial page naming the admin as contact", bob, ok(listing), ok(`{"error": "access denied: ask root@example.test"}`), Safe, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			var others []Party
			for _, p := range []Party{alice, bob, root, reader} {
				if p.Name != c.attacker.Name {
					others = append(others, p)
				}
			}
			v := JudgeFunction(Trial{Attacker: c.attacker, Victim: &root, Others: others, Attack: c.attack, Control: xp(c.control)})
			assert.Equal(t, c.want, v.Outcome, "%v", v.Reasons)
			if c.evidence != "" {
				var vals []string
				for _, e := range v.Evidence {
					vals = append(vals, e.Value)
				}
				assert.Contains(t, vals, c.evidence)
			}
			for _, e := range v.Evidence {
				assert.NotEqual(t, c.attacker.Identity["email"], e.Value, "the attacker's own identity is never evidence")
			}
		})
	}
	// Evidence lists each person once even though the victim is among Others.
	v := JudgeFunction(Trial{Attacker: bob, Victim: &root, Others: []Party{alice, root}, Attack: ok(listing), Control: xp(ok(listing))})
	seen := map[string]bool{}
	for _, e := range v.Evidence {
		assert.False(t, seen[e.Path+e.Value], "evidence repeated: %s", e.Path)
		seen[e.Path+e.Value] = true
	}
}
