package engine

import (
	"testing"

	"github.com/bolaharness/bolaharness/harness/report"

	"github.com/stretchr/testify/assert"
)

func TestRebaseURL(t *testing.T) {
	cases := []struct{ name, raw, from, to, want string }{
		{"report base prefix", "http://127.0.0.1:4001/orders/031", "http://127.0.0.1:4001", "http://127.0.0.1:5002", "http://127.0.0.1:5002/orders/031"},
		{"base with a path prefix", "https://a.test/api/orders/%2B31", "https://a.test/api", "https://b.test/api/", "https://b.test/api/orders/%2B31"},
		{"unknown report base: origin swapped", "http://old:81/receipts/51.json?x=1", "", "http://new:82/ignored", "http://new:82/receipts/51.json?x=1"},
		{"wire text kept byte for byte", "http://h:1/p/a%252Fb;x", "http://h:1", "http://k:2", "http://k:2/p/a%252Fb;x"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, RebaseURL(c.raw, c.from, c.to))
		})
	}
}

func TestSentTexts(t *testing.T) {
	got := SentTexts("http://h/accounts/100/statements/%2B2001?page=3", "%2B2001")
	for _, want := range []string{"%2B2001", "+2001", "accounts", "100", "3"} {
		assert.Contains(t, got, want)
	}
}

func TestRemediationForEveryKind(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range report.FlawKinds() {
		assert.NotEmpty(t, k.Remediation, k.Kind)
		assert.Equal(t, "bola/"+k.Kind, k.RuleID)
		assert.False(t, seen[k.Remediation], "each kind has its own fix: %s", k.Kind)
		seen[k.Remediation] = true
	}
	for _, kind := range []string{"swap", "nested-scope", "normalisation", "alternate-route", "method-leak", "list-confusion", "enumeration"} {
		assert.Equal(t, kind, report.KindOf(kind).Kind, "flawKind's names are all described")
	}
	unknown := report.KindOf("from-the-future")
	assert.Equal(t, "bola/from-the-future", unknown.RuleID)
	assert.Equal(t, report.Remediation("swap"), unknown.Remediation, "an unknown kind gets the general fix")
}

func TestAttackMethod(t *testing.T) {
	cases := []struct{ mutation, want string }{
		{"swap", "GET"}, {"leading-zeros", "GET"}, {"method-HEAD", "HEAD"}, {"method-", "GET"},
	}
	for _, c := range cases {
		t.Run(c.mutation, func(t *testing.T) {
			assert.Equal(t, c.want, AttackMethod(report.Finding{Mutation: c.mutation}, "GET"))
		})
	}
}
