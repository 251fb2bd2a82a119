package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/bolaharness/bolaharness/harness/client"
	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/mutate"
	"github.com/bolaharness/bolaharness/harness/plan"
	"github.com/bolaharness/bolaharness/harness/report"
	"github.com/bolaharness/bolaharness/harness/words"
)

// Harvesting: before attacking, the scan calls, as each user, the safe GETs
// that PlanHarvest selected (listings and "me" endpoints), reads the ids of
// the objects they return, decides whose each id is and who else may read it
// (harvest_owner.go), and gives every user the ids found for the id
// parameters that the config lists none for. Ids the user writes down under
// owns win.
//
// The plan runs round by round, every user in turn within a round: round 1
// lists without path parameters, each later round fills its path with ids of
// the rounds before (at most DefaultHarvestParents per listing). Each listing
// is read up to DefaultHarvestPages pages (harvest_pages.go) and again with
// each scope variant. A user sends at most DefaultHarvestRequests harvesting
// requests; every one goes through the scan's one Client (methods, origin,
// rate, budget) and is listed in the report.

// harvester runs one harvest plan.
type Harvester struct {
	S     *Scan
	plan  plan.HarvestPlan
	rep   *report.HarvestReport
	spent map[string]int
	seen  *sightings
	// exclude are the folded names of fields that feed a parameter: they
	// refer to objects, so they never say who owns an item.
	Exclude map[string]bool
}

// newHarvester prepares a run of plan. The fields that feed a parameter are
// noted, since they refer to objects and so never tell an item's owner.
func newHarvester(s *Scan, plan plan.HarvestPlan, rep *report.HarvestReport) *Harvester {
	h := &Harvester{S: s, plan: plan, rep: rep, spent: map[string]int{}, seen: NewSightings(), Exclude: map[string]bool{}}
	for _, c := range plan.Calls {
		for _, f := range c.FeedList {
			h.Exclude[words.NormKey(f.Steps[len(f.Steps)-1])] = true
		}
	}
	return h
}

// run calls the plan round by round, every user in turn within a round,
// so that a nested listing is called with the parents every user's earlier
// rounds found, once it is known which listings are public.
func (h *Harvester) run(ctx context.Context) {
	last := 0
	for _, c := range h.plan.Calls {
		last = max(last, c.Round)
	}
	for round := 1; round <= last; round++ {
		for i := range h.S.Cfg.Users {
			h.runRound(ctx, &h.S.Cfg.Users[i], round)
		}
		h.seen.Settle()
	}
}

// runRound calls the round's GETs as u: each plain, then each scope
// variant; it stops when u's budget is spent.
func (h *Harvester) runRound(ctx context.Context, u *config.User, round int) {
	for _, c := range h.plan.Calls {
		if c.Round != round {
			continue
		}
		for _, q := range append([]map[string]string{nil}, c.Variants...) {
			for _, first := range h.callURLs(u, c, q) {
				if !h.runPages(ctx, u, c, first.url, q != nil || first.borrowed) {
					return
				}
			}
		}
	}
}

// harvestURL is one URL a call is made with; borrowed is set when a parent
// in its path is not the user's alone (shared, or only readable).
type harvestURL struct {
	url      string
	borrowed bool
}

// callURLs are the URLs of one call for u, with the query values extra
// added: one for a call without path parameters, one per parent id (at
// most MaxParentIDs in all) for a nested listing. Parents are u's owns from
// the config, else those the harvest found: u's first own one (one that
// others may read too, if any), then those u shares or may only read, since
// what their children are (shared, or another's that u may read) is what
// keeps the attack from false leaks; then u's other own ones.
func (h *Harvester) callURLs(u *config.User, c plan.HarvestCall, extra map[string]string) []harvestURL {
	type combo struct {
		vals     map[string]string
		borrowed bool
	}
	combos := []combo{{vals: map[string]string{}}}
	for _, p := range c.PathParams {
		ids, borrowed := u.Owns[p], map[string]bool{}
		if len(ids) == 0 {
			own, others := h.seen.Parents(p, u.Name)
			for _, id := range others {
				borrowed[id] = true
			}
			ids = append(append([]string(nil), own[:min(len(own), 1)]...), others...)
			ids = append(ids, own[min(len(own), 1):]...)
		}
		var next []combo
		for _, cb := range combos {
			for _, id := range ids {
				if len(next) == h.plan.MaxParentIDs {
					break
				}
				m := map[string]string{p: url.PathEscape(id)}
				for k, v := range cb.vals {
					m[k] = v
				}
				next = append(next, combo{vals: m, borrowed: cb.borrowed || borrowed[id]})
			}
		}
		combos = next
	}
	query := map[string]string{}
	for k, v := range c.Query {
		query[k] = v
	}
	for k, v := range extra {
		query[k] = v
	}
	out := make([]harvestURL, 0, len(combos))
	for _, cb := range combos {
		out = append(out, harvestURL{url: mutate.BuildURL(h.S.baseURL, c.Op, cb.vals, query), borrowed: cb.borrowed})
	}
	return out
}

// runPages reads up to MaxPages pages of one listing; false when u's
// budget is spent or the run was stopped.
func (h *Harvester) runPages(ctx context.Context, u *config.User, c plan.HarvestCall, first string, variant bool) bool {
	next, seenURL := first, map[string]bool{}
	for page := 0; page < h.plan.MaxPages && next != "" && !seenURL[next]; page++ {
		if ctx.Err() != nil {
			h.stop("stopped: " + ctx.Err().Error())
			return false
		}
		if h.spent[u.Name] >= h.plan.MaxRequestsPerUser {
			h.stop(fmt.Sprintf("%s: the harvest budget of %d requests was spent; later listings were not called", u.Name, h.plan.MaxRequestsPerUser))
			return false
		}
		seenURL[next] = true
		h.spent[u.Name]++
		x := h.S.send(ctx, u, client.Request{Method: "GET", URL: next})
		doc, n := h.read(u, c, x, variant)
		h.rep.Requests = append(h.rep.Requests, report.HarvestRequest{User: u.Name, Operation: c.Operation,
			URL: h.S.client.Redact(next), Status: x.Status, Err: x.Err, IDs: n})
		if n == 0 {
			break
		}
		next = NextPage(c, next, x, doc)
	}
	return true
}

func (h *Harvester) stop(msg string) {
	if !slices.Contains(h.rep.Stopped, msg) {
		h.rep.Stopped = append(h.rep.Stopped, msg)
	}
}

// read decodes a listing's response and records every id it feeds; it
// returns the decoded body and how many ids it gave.
func (h *Harvester) read(u *config.User, c plan.HarvestCall, x client.Exchange, variant bool) (any, int) {
	if x.Err != "" || x.Status < 200 || x.Status > 299 || x.Truncated {
		return nil, 0
	}
	doc, ok := DecodeJSON(x.Body)
	if !ok {
		return nil, 0
	}
	if !variant {
		h.seen.answered(c.Operation, u.Name)
	}
	n := 0
	for _, f := range c.FeedList {
		for _, hit := range ExtractIDs(doc, f.Steps) {
			e := SightingEvent{Op: c.Operation, User: u.Name, Named: h.ItemOwners(hit.Item), Variant: variant}
			h.seen.Add(f.Param, hit.Value, e)
			n++
		}
	}
	return doc, n
}

// decodeJSON decodes a body keeping numbers as written.
func DecodeJSON(b []byte) (any, bool) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	return v, true
}

// idHit is one id read from a response, with the object that holds it.
type IdHit struct {
	Value string
	Item  map[string]any
}

// extractIDs follows steps through a decoded body. An array met where a
// property is expected is walked item by item, so a link's `/id` reads
// every element of a list. When the documented place holds nothing, the
// same field is looked for in the usual places (a bare array, `data`...),
// since specs often describe a listing's envelope loosely.
func ExtractIDs(doc any, steps []string) []IdHit {
	hits := walkSteps(doc, steps, nil)
	if len(hits) > 0 || len(steps) == 0 {
		return hits
	}
	field := steps[len(steps)-1]
	alts := [][]string{{field}, {"*", field}}
	for _, w := range plan.WrapperNames {
		alts = append(alts, []string{w, "*", field}, []string{w, field})
	}
	for _, alt := range alts {
		if hits = walkSteps(doc, alt, nil); len(hits) > 0 {
			return hits
		}
	}
	return nil
}

func walkSteps(v any, steps []string, parent map[string]any) []IdHit {
	if len(steps) == 0 {
		if s, ok := idText(v); ok && parent != nil {
			return []IdHit{{Value: s, Item: parent}}
		}
		return nil
	}
	var out []IdHit
	switch t := v.(type) {
	case []any:
		if n, err := strconv.Atoi(steps[0]); err == nil {
			if n >= 0 && n < len(t) {
				out = walkSteps(t[n], steps[1:], parent)
			}
			return out
		}
		for _, item := range t {
			if steps[0] == "*" {
				out = append(out, walkSteps(item, steps[1:], parent)...)
			} else {
				out = append(out, walkSteps(item, steps, parent)...)
			}
		}
	case map[string]any:
		if child, ok := t[steps[0]]; ok && steps[0] != "*" {
			out = walkSteps(child, steps[1:], t)
		}
	}
	return out
}

// idText is a scalar usable as an id: a string or a number, not empty and
// not absurdly long.
func idText(v any) (string, bool) {
	switch t := v.(type) {
	case string:
		return t, t != "" && len(t) <= 200 && strings.TrimSpace(t) == t
	case json.Number:
		return t.String(), true
	}
	return "", false
}
