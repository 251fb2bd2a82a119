package engine

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/bolaharness/bolaharness/harness/client"
	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/mutate"
	"github.com/bolaharness/bolaharness/harness/oracle"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// zerosAPI serves /things/{id} to three users. Its check compares the id's
// text with the caller's ids; in the vulnerable mode an id it does not know
// as text ("03", "+3") is parsed as a number and served without the check,
// the partial fix that rewritings find. Another user's thing is a 403 there,
// and a 404 in the fixed mode.
func zerosAPI(vulnerable bool) http.Handler {
	owner := map[string]string{"1": "alice", "2": "alice", "3": "bob", "4": "bob", "5": "carol", "6": "carol"}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		caller := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer tok-")
		if caller == "" || caller == r.Header.Get("Authorization") {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		raw := strings.TrimPrefix(r.URL.Path, "/things/")
		o, known := owner[raw]
		if !known {
			n, err := strconv.Atoi(raw)
			if !vulnerable || err != nil || owner[strconv.Itoa(n)] == "" {
				http.Error(w, `{"error":"not found"}`, http.StatusNotFound)
				return
			}
			raw, o = strconv.Itoa(n), owner[strconv.Itoa(n)]
		} else if o != caller && vulnerable {
			http.Error(w, `{"error":"forbidden"}`, http.StatusForbidden)
			return
		} else if o != caller {
			http.Error(w, `{"error":"not found"}`, http.StatusNotFound) // the fix also hides existence
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if err := json.NewEncoder(w).Encode(map[string]any{"id": raw, "ownerEmail": o + "@things.test"}); err != nil {
			panic(err)
		}
	})
}

func zerosConfig(t *testing.T, base string) *config.Config {
	t.Helper()
	return thingsUsers(t, base, 7, `
  - {name: alice, token: tok-alice, identity: {email: alice@things.test}, owns: {thingId: [1, 2]}}
  - {name: bob, token: tok-bob, identity: {email: bob@things.test}, owns: {thingId: [3, 4]}}
  - {name: carol, token: tok-carol, identity: {email: carol@things.test}, owns: {thingId: [5, 6]}}`)
}

// TestWiden_RewritingThatLeaksIsTriedOnEveryPair: a rewriting kind that
// leaked on the first pair settles nothing, so every pair still finds the
// flaw; the refused kinds are not sent again on the later pairs.
func TestWiden_RewritingThatLeaksIsTriedOnEveryPair(t *testing.T) {
	srv := httptest.NewServer(zerosAPI(true))
	defer srv.Close()
	tb := newRecTB()
	rep, err := RunConfig(context.Background(), zerosConfig(t, srv.URL), Options{}, tb)
	require.NoError(t, err)
	pairs := map[string]bool{}
	for _, f := range rep.Findings {
		if f.Operation == "GET /things/{thingId}" && f.Kind == "normalisation" {
			pairs[f.Attacker+"-vs-"+f.Victim] = true
		}
	}
	assert.Len(t, pairs, 6, "every attacker-victim pair finds the rewriting that bypasses the check: %v", pairs)
	assert.Positive(t, rep.Stats.Settled, "kinds refused on the first pair are settled on the others")
}

// TestWiden_FixedAPISettlesLaterPairs: on the fixed API every rewriting is
// refused on the first pair, so the later pairs skip them, each skip names
// the answer that settled it, and nothing is flagged.
func TestWiden_FixedAPISettlesLaterPairs(t *testing.T) {
	srv := httptest.NewServer(zerosAPI(false))
	defer srv.Close()
	tb := newRecTB()
	rep, err := RunConfig(context.Background(), zerosConfig(t, srv.URL), Options{}, tb)
	require.NoError(t, err)
	assert.Empty(t, rep.Findings)
	require.Positive(t, rep.Stats.Settled)
	assert.LessOrEqual(t, rep.Stats.Settled, rep.Stats.NotSent)
	byEarlier, single := 0, 0
	for name, why := range tb.skips {
		if !strings.Contains(name, "getThing/") || !strings.HasPrefix(why, "not sent:") {
			continue
		}
		if strings.Contains(why, "on alice-vs-bob") {
			byEarlier++
			assert.False(t, strings.HasPrefix(name, "getThing/alice-vs-bob/"), "the first pair settles only later pairs: %s", name)
		}
		if strings.Contains(name, "/thingId/") && !strings.Contains(name, "+") && strings.Contains(why, "alone was refused") {
			single++
		}
	}
	assert.Positive(t, byEarlier, "later pairs name the pair whose answers settled them")
	assert.Positive(t, single, "a rewriting kind settled on the first pair is not even tried alone later")
	// The first pair sends every kind alone; the five later pairs far fewer.
	first, later := 0, 0
	for name := range tb.skips {
		if strings.HasPrefix(name, "getThing/alice-vs-bob/") {
			first++
		} else if strings.HasPrefix(name, "getThing/") {
			later++
		}
	}
	assert.Greater(t, later, 5*first/2, "later pairs skip more than the first: first %d, later %d", first, later)
}

func refusedOutcome(c mutate.Case, status int) *Outcome {
	return &Outcome{C: c, url: "/things/" + c.Wire, attack: client.Exchange{Status: status}, Verdict: oracle.Verdict{Outcome: oracle.Safe}}
}

func victimCase(base string, kinds ...string) mutate.Case {
	c := mutate.Case{Param: "thingId", Source: mutate.SourceVictim, Base: base, Wire: base}
	for _, k := range kinds {
		c.Transforms = append(c.Transforms, mutate.Transform{Kind: k})
		c.Wire += "~" + k
	}
	return c
}

// TestWave_SkipsCompositionsOfSettledKindsOnly checks the rule itself: a
// composition is left out only when each of its kinds was refused alone
// and its plain form was answered; a kind that leaked or was never tried
// keeps it in.
func TestWave_SkipsCompositionsOfSettledKindsOnly(t *testing.T) {
	g := &group{a: &config.User{Name: "alice"}, v: &config.User{Name: "bob"}}
	swap := refusedOutcome(victimCase("3"), 403)
	w := newWave(g, swap, nil, nil, nil)
	upper := refusedOutcome(victimCase("3", "upper"), 403)
	zeros := refusedOutcome(victimCase("3", "leading-zeros"), 404)
	plus := &Outcome{C: victimCase("3", "plus-sign"), attack: client.Exchange{Status: 200}, Verdict: oracle.Verdict{Outcome: oracle.Leak}}
	out := []*Outcome{swap, upper, zeros, plus}
	w.see(out)
	w.learn(out, []int{1, 2, 3})

	assert.Contains(t, w.skip(victimCase("3", "upper", "leading-zeros")), "upper and leading-zeros alone was refused")
	assert.Empty(t, w.skip(victimCase("3", "upper", "plus-sign")), "plus-sign leaked alone: its compositions are sent")
	assert.Empty(t, w.skip(victimCase("3", "upper", "exponent")), "exponent was never tried alone")
	assert.Empty(t, w.skip(victimCase("4", "upper")), "the plain form of 4 was not answered: nothing to compare with")

	nb := mutate.Case{Param: "thingId", Source: mutate.SourceNeighbour, Base: "7", Wire: "7", Offset: 1}
	leak := &Outcome{C: nb, url: "/things/7", attack: client.Exchange{Status: 200}, Verdict: oracle.Verdict{Outcome: oracle.Leak}}
	w.see([]*Outcome{leak})
	nbUpper := nb
	nbUpper.Transforms = []mutate.Transform{{Kind: "exponent"}}
	assert.Contains(t, w.skip(nbUpper), "already leaks", "a rewriting of a leaking neighbour could only shrink to it")
	assert.Empty(t, w.skip(nb), "a plain neighbour is always sent while the handler reads the id")

	// An earlier pair's settled kinds count, but this pair's own answers win.
	from := &widenFirst{pair: "carol-vs-bob", kinds: map[string]bool{"exponent": true, "plus-sign": true}}
	w2 := newWave(g, swap, from, from, nil)
	w2.see(out)
	w2.learn(out, []int{3})
	assert.Contains(t, w2.skip(victimCase("3", "exponent")), "on carol-vs-bob")
	assert.Empty(t, w2.skip(victimCase("3", "plus-sign")), "plus-sign leaked on this pair")

	// A placement is settled only by an earlier pair with the same answer
	// to the plain swap, where it was refused.
	dup := victimCase("3")
	dup.Placement = mutate.PlaceDuplicateMineFirst
	assert.Empty(t, w.skip(dup), "no earlier pair: the placement is sent")
	from.kinds["place:"+mutate.PlaceDuplicateMineFirst] = true
	assert.Contains(t, w2.skip(dup), "on carol-vs-bob this placement was refused")
	dup.Placement = mutate.PlaceArrayParam
	assert.Empty(t, w2.skip(dup), "array-param was not settled")

	// A neighbour refused on the earlier pair is settled; one the attacker
	// owns, or one never refused, is sent.
	from.ids = map[string]bool{"8": true, "9": true}
	g.p.Name = "thingId"
	g.a.Owns = map[string][]string{"thingId": {"9"}}
	n8 := mutate.Case{Param: "thingId", Source: mutate.SourceNeighbour, Base: "8", Wire: "8", Offset: 1}
	assert.Contains(t, w2.skip(n8), "the id 8 was refused")
	assert.Empty(t, w.skip(n8), "no earlier pair with the same swap answer")
	n9, n10 := n8, n8
	n9.Base, n9.Wire = "9", "9"
	n10.Base, n10.Wire = "10", "10"
	assert.Empty(t, w2.skip(n9), "the attacker's own id is its own to read")
	assert.Empty(t, w2.skip(n10), "never refused")
}

// TestIgnoresID: the neighbours are left out only when the plain swap, the
// attacker's own object and the id nobody owns came back byte for byte the
// same.
func TestIgnoresID(t *testing.T) {
	g := &group{a: &config.User{Name: "alice", Identity: map[string]string{"email": "alice@things.test"}}, v: &config.User{Name: "bob"}}
	body := []byte(`{"plan":"pro","owner":"alice@things.test"}`)
	ok := func(b []byte) client.Exchange { return client.Exchange{Status: 200, Body: b, URL: "/billing?id=x"} }
	swap := &Outcome{url: "/billing?id=3", attack: ok(body), Verdict: oracle.Verdict{Outcome: oracle.Safe}}
	assert.Contains(t, ignoresID(g, swap, []client.Exchange{ok(body), ok(body)}), "ignores this id")
	assert.Empty(t, ignoresID(g, swap, []client.Exchange{ok(body), ok([]byte(`{}`))}), "the decoy answered otherwise")
	assert.Empty(t, ignoresID(g, swap, []client.Exchange{ok(body)}), "no own object to compare with")
	assert.Empty(t, ignoresID(g, swap, []client.Exchange{ok(body), {Status: 404, Body: body}}), "a refused decoy reads the id")
	empty := &Outcome{url: "/notes?owner=3", attack: ok([]byte(`[]`)), Verdict: oracle.Verdict{Outcome: oracle.Safe}}
	assert.Empty(t, ignoresID(g, empty, []client.Exchange{ok([]byte(`[]`)), ok([]byte(`[]`))}),
		"an empty answer to every id is not the attacker's own object: a neighbour's owner may have data")

	w := newWave(g, swap, nil, nil, []client.Exchange{ok(body), ok(body)})
	assert.NotEmpty(t, w.skip(mutate.Case{Source: mutate.SourceNeighbour, Base: "4", Wire: "4", Offset: 1}))
	assert.NotEmpty(t, w.skip(mutate.Case{Source: mutate.SourceBoundary, Base: "0", Wire: "0"}))
	assert.Empty(t, w.skip(victimCase("4")), "victim ids are the plain swaps: always sent")
}

// TestWave_AnswersThatSayNothingSettleNothing: a rate limit, a server
// error or a refused credential on a rewriting alone does not settle its
// kind, however the plain id was answered.
func TestWave_AnswersThatSayNothingSettleNothing(t *testing.T) {
	g := &group{a: &config.User{Name: "alice"}, v: &config.User{Name: "bob"}}
	swap := refusedOutcome(victimCase("3"), 404)
	for _, st := range []int{401, 429, 500, 503} {
		w := newWave(g, swap, nil, nil, nil)
		out := []*Outcome{swap, refusedOutcome(victimCase("3", "upper"), st), refusedOutcome(victimCase("3", "exponent"), 400)}
		w.see(out)
		w.learn(out, []int{1, 2})
		assert.Empty(t, w.skip(victimCase("3", "upper", "exponent")), "status %d settles nothing", st)
		assert.NotEmpty(t, w.skip(victimCase("3", "exponent", "exponent")), "a 400 is the handler's refusal")
	}
	assert.False(t, handlerStatus(0), "no answer")
	assert.True(t, handlerStatus(403))

	// A 401 that the plain id got too is the handler's "not yours".
	swap401 := refusedOutcome(victimCase("3"), 401)
	w := newWave(g, swap401, nil, nil, nil)
	out := []*Outcome{swap401, refusedOutcome(victimCase("3", "upper"), 401), refusedOutcome(victimCase("3", "exponent"), 503)}
	w.see(out)
	w.learn(out, []int{1, 2})
	assert.NotEmpty(t, w.skip(victimCase("3", "upper", "upper")), "401 like the plain id's settles")
	assert.Empty(t, w.skip(victimCase("3", "upper", "exponent")), "a 503 never settles")
}
