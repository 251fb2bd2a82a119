package oracle

import (
	"net/http"
	"strings"
	"testing"

	"github.com/bolaharness/bolaharness/harness/client"
	"github.com/bolaharness/bolaharness/harness/words"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	alice = Party{Name: "alice", Identity: map[string]string{"id": "1", "email": "alice@example.test", "name": "Alice Archer"}}
	bob   = Party{Name: "bob", Identity: map[string]string{"id": "2", "email": "bob@example.test", "name": "Bob Baker"}}
)

func ok(body string) client.Exchange { return client.Exchange{Status: 200, Body: []byte(body)} }

func xp(e client.Exchange) *client.Exchange { return &e }

// bobInvoice and aliceInvoice are the victim's and the attacker's own objects.
const (
	bobInvoice   = `{"id": 8, "owner_id": 2, "owner_email": "bob@example.test", "amount_cents": 12000, "memo": "Consulting March"}`
	aliceInvoice = `{"id": 7, "owner_id": 1, "owner_email": "alice@example.test", "amount_cents": 4500, "memo": "Design work"}`
)

func TestOracleKnownOwner(t *testing.T) {
	tests := []struct {
		name     string
		attack   client.Exchange
		control  *client.Exchange
		own      []client.Exchange
		sent     []string
		want     Outcome
		evidence string // a path the evidence must name
		reason   string // a phrase a reason must hold
	}{
		{name: "plain swap leaks the victim's invoice", attack: ok(bobInvoice), control: xp(ok(bobInvoice)),
			own: []client.Exchange{ok(aliceInvoice)}, sent: []string{"8"}, want: Leak, evidence: "$.owner_email"},
		{name: "partial leak: only the owner's email", attack: ok(`{"id": 8, "contact": "bob@example.test"}`), control: xp(ok(bobInvoice)),
			sent: []string{"8"}, want: Leak, evidence: "$.contact"},
		{name: "email inside a longer string", attack: ok(`{"note": "sent to bob@example.test on Monday"}`), control: xp(ok(bobInvoice)),
			want: Leak, evidence: "$.note"},
		{name: "short id counts in an owner field", attack: ok(`{"id": 8, "user_id": 2, "total": 99}`), control: xp(ok(bobInvoice)),
			sent: []string{"8"}, want: Leak, evidence: "$.user_id"},
		{name: "nested owner object", attack: ok(`{"id": 8, "owner": {"id": 2}}`), control: xp(ok(bobInvoice)),
			sent: []string{"8"}, want: Leak, evidence: "$.owner.id"},
		{name: "content that only the victim's object has", attack: ok(`{"id": 8, "amount_cents": 12000, "memo": "Consulting March"}`),
			control: xp(ok(`{"id": 8, "amount_cents": 12000, "memo": "Consulting March"}`)),
			own:     []client.Exchange{ok(`{"id": 7, "amount_cents": 4500, "memo": "Design work"}`)}, sent: []string{"8"}, want: Leak, evidence: "$.memo"},
		{name: "text body identical to the victim's own", attack: ok("<h1>Invoice 8: Consulting March, 120.00</h1>"),
			control: xp(ok("<h1>Invoice 8: Consulting March, 120.00</h1>")), own: []client.Exchange{ok("<h1>Invoice 7: Design work</h1>")},
			want: Leak, evidence: "body"},

		{name: "403 is not a leak", attack: client.Exchange{Status: 403, Body: []byte(bobInvoice)}, control: xp(ok(bobInvoice)), want: Safe, reason: "status 403"},
		{name: "404 is not a leak", attack: client.Exchange{Status: 404, Body: []byte(`{"error":"not found"}`)}, control: xp(ok(bobInvoice)), want: Safe},
		{name: "200 with an error body", attack: ok(`{"ok": false, "error": "forbidden"}`), control: xp(ok(bobInvoice)), want: Safe, reason: "access-denied"},
		{name: "200 with an html access denied page", attack: ok(`<html><body><h1>Access denied</h1></body></html>`), control: xp(ok(bobInvoice)), want: Safe, reason: "access-denied"},
		{name: "200 error echoing the id", attack: ok(`{"error": "invoice 8 is not yours", "invoice_id": 8}`), control: xp(ok(bobInvoice)),
			sent: []string{"8"}, want: Safe},
		{name: "204 no content", attack: client.Exchange{Status: 204}, control: xp(ok(bobInvoice)), want: Safe, reason: "no content"},
		{name: "empty list", attack: ok(`{"data": []}`), control: xp(ok(`{"data":[{"id":8,"owner_email":"bob@example.test"}]}`)), want: Safe, reason: "no content"},
		{name: "endpoint ignores the id and answers with the caller's own object", attack: ok(aliceInvoice), control: xp(ok(bobInvoice)),
			own: []client.Exchange{ok(aliceInvoice)}, sent: []string{"8"}, want: Safe, reason: "alice (the attacker)"},
		{name: "a number equal to the victim's id in a field that names no owner", attack: ok(`{"id": 3, "stock": 2, "rating": 2}`),
			control: xp(ok(bobInvoice)), sent: []string{"3"}, want: Safe},
		{name: "the victim's email echoed from the request", attack: ok(`{"error": "no such user", "query": "bob@example.test"}`),
			control: xp(ok(bobInvoice)), sent: []string{"bob@example.test"}, want: Safe},
		{name: "victim value that the attacker's own objects hold too", attack: ok(`{"id": 8, "payee": "bob@example.test"}`),
			control: xp(ok(bobInvoice)), own: []client.Exchange{ok(`{"id": 7, "payee": "bob@example.test"}`)}, sent: []string{"8"}, want: Safe},

		{name: "control failed", attack: ok(bobInvoice), control: xp(client.Exchange{Status: 404}), want: NoVerdict, reason: "control failed"},
		{name: "no control", attack: ok(bobInvoice), want: NoVerdict, reason: "no control"},
		{name: "transport failure", attack: client.Exchange{Err: "timeout after 15s"}, control: xp(ok(bobInvoice)), want: NoVerdict, reason: "timeout"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := MarkerOracle{}.Judge(Trial{Attacker: alice, Victim: &bob, Others: []Party{bob}, Sent: tc.sent,
				Attack: tc.attack, Control: tc.control, AttackerOwn: tc.own})
			require.Equal(t, tc.want, v.Outcome, "reasons: %v evidence: %v", v.Reasons, v.Evidence)
			require.NotEmpty(t, v.Reasons, "every verdict says why")
			if tc.evidence != "" {
				assert.True(t, hasPath(v.Evidence, tc.evidence), "evidence %v lacks %s", v.Evidence, tc.evidence)
			}
			if tc.reason != "" {
				assert.Contains(t, strings.Join(v.Reasons, " "), tc.reason)
			}
		})
	}
}

func hasPath(ev []Evidence, path string) bool {
	for _, e := range ev {
		if e.Path == path {
			return true
		}
	}
	return false
}

func TestOracleUnknownOwner(t *testing.T) {
	catalogue := `{"id": 2, "title": "Blue mug", "stock": 1, "vendor_rating": 2}`
	tests := []struct {
		name   string
		attack client.Exchange
		peer   *client.Exchange
		want   Outcome
		owner  string
		reason string
	}{
		{name: "neighbour owned by bob names its owner", attack: ok(bobInvoice), want: NoVerdict, owner: "bob"},
		{name: "public catalogue object every user sees alike", attack: ok(catalogue), peer: xp(client.Exchange{User: "bob", Status: 200, Body: []byte(catalogue)}), want: Safe, reason: "public object"},
		{name: "object of someone not configured", attack: ok(`{"id": 12, "owner_email": "dave@example.test"}`),
			peer: xp(ok(`{"id": 12, "owner_email": "dave@example.test"}`)), want: NoVerdict, reason: "not a configured user"},
		{name: "attacker's own neighbour", attack: ok(aliceInvoice), want: Safe, reason: "alice's own"},
		{name: "unknown object that differs per user", attack: ok(`{"id": 5, "title": "x"}`), peer: xp(ok(`{"id": 5, "title": "y"}`)), want: NoVerdict, reason: "owner is unknown"},
		{name: "404 neighbour", attack: client.Exchange{Status: 404}, want: Safe},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			trial := Trial{Attacker: alice, Others: []Party{bob}, Sent: []string{"2", "12", "5"}, Attack: tc.attack, Peer: tc.peer}
			owner, ev := FindOwner(trial)
			assert.Equal(t, tc.owner, owner)
			if tc.owner != "" {
				require.NotEmpty(t, ev)
				return
			}
			v := MarkerOracle{}.Judge(trial)
			require.Equal(t, tc.want, v.Outcome, "reasons: %v", v.Reasons)
			if tc.reason != "" {
				assert.Contains(t, strings.Join(v.Reasons, " "), tc.reason)
			}
		})
	}
}

func TestFindOwnerRefusesTwoOwners(t *testing.T) {
	carol := Party{Name: "carol", Identity: map[string]string{"email": "carol@example.test"}}
	trial := Trial{Attacker: alice, Others: []Party{bob, carol},
		Attack: ok(`{"from": "bob@example.test", "to": "carol@example.test"}`)}
	owner, _ := FindOwner(trial)
	assert.Empty(t, owner, "an object naming two users is shared, not one owner's")
}

func TestStrongKind(t *testing.T) {
	for v, want := range map[string]string{
		"bob@example.test":                     "email",
		"3F2504E0-4F89-11D3-9A0C-0305E82C3301": "uuid",
		"+1 415 555 0100":                      "phone",
		"acct_9f3k2":                           "long value",
		"inv42x":                               "unique value",
		"2":                                    "",
		"bob":                                  "",
		"12345678":                             "",
	} {
		assert.Equal(t, want, words.StrongKind(v), v)
	}
}

func TestOracleHeaders(t *testing.T) {
	head := func(h map[string]string) client.Exchange {
		x := client.Exchange{Status: 200, Header: http.Header{}}
		for k, v := range h {
			x.Header.Set(k, v)
		}
		return x
	}
	tests := []struct {
		name   string
		attack client.Exchange
		want   Outcome
	}{
		{"owner email in a custom header of a bodiless HEAD answer", head(map[string]string{"X-Owner-Email": "bob@example.test"}), Leak},
		{"victim email in a Content-Disposition filename", head(map[string]string{"Content-Disposition": `attachment; filename="bob@example.test-statement.pdf"`}), Leak},
		{"only transfer headers", head(map[string]string{"Content-Type": "application/json", "X-Request-Id": "bob@example.test"}), Safe},
		{"the attacker's own email in a header", head(map[string]string{"X-Owner-Email": "alice@example.test"}), Safe},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := MarkerOracle{}.Judge(Trial{Attacker: alice, Victim: &bob, Others: []Party{bob}, Attack: tc.attack, Control: xp(ok(bobInvoice))})
			assert.Equal(t, tc.want, v.Outcome, "reasons %v evidence %v", v.Reasons, v.Evidence)
		})
	}
}

func TestOracleContentAtOtherPaths(t *testing.T) {
	control := `{"items":[{"id":"key_01HW7PZ4A8N1XK3E6R0DVB5QCM","name":"Grafana dashboard","created_at":"2024-03-01T09:00:00Z"}]}`
	legacy := `{"count":1,"results":[{"key_id":"key_01HW7PZ4A8N1XK3E6R0DVB5QCM","name":"Grafana dashboard","created_at":"2024-03-01T09:00:00Z"}]}`
	own := `{"items":[{"id":"key_01HV3K8Q2M9ZC4T7RX5B1N6WAE","name":"Zapier sync","created_at":"2024-01-11T10:00:00Z"}]}`
	v := MarkerOracle{}.Judge(Trial{Attacker: alice, Victim: &bob, Others: []Party{bob}, Attack: ok(legacy),
		Control: xp(ok(control)), AttackerOwn: []client.Exchange{ok(own)}})
	require.Equal(t, Leak, v.Outcome, "%v", v.Reasons)
	assert.True(t, hasPath(v.Evidence, "$.results[0].key_id"), "%v", v.Evidence)

	// One shared-looking value is not enough.
	v = MarkerOracle{}.Judge(Trial{Attacker: alice, Victim: &bob, Others: []Party{bob}, Attack: ok(`{"results":[{"created_at":"2024-03-01T09:00:00Z"}]}`),
		Control: xp(ok(control)), AttackerOwn: []client.Exchange{ok(own)}})
	assert.Equal(t, Safe, v.Outcome, "%v", v.Evidence)
}
