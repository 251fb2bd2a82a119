package harness

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// Harvesting: before attacking, the scan calls, as each user, the safe GETs
// that PlanHarvest selected (listings and "me" endpoints), reads the ids of
// the objects they return, decides whose each id is, and gives every user the
// ids found for the id parameters that the config lists none for. Ids the
// user writes down under owns win. Every request goes through the scan's one
// Client (methods, origin, rate, budget) and is listed in the report.

// HarvestReport is the harvest section of a report: what was called and what
// was found.
type HarvestReport struct {
	Enabled bool   `json:"enabled"`
	Why     string `json:"why,omitempty"`
	// Requests lists every harvesting request, in the order sent.
	Requests []HarvestRequest `json:"requests"`
	// Found lists the ids each user owns per parameter, as harvested.
	Found []HarvestFound `json:"found"`
	// Shared are ids several users saw in their own listings: attacked by
	// nobody.
	Shared []HarvestShared `json:"shared,omitempty"`
	// Refused are the GETs the plan would not call, with the reason.
	Refused []HarvestSkip `json:"refused,omitempty"`
	// Stopped says where a limit cut harvesting short.
	Stopped  []string `json:"stopped,omitempty"`
	Creation string   `json:"creation"`
}

// HarvestRequest is one harvesting request.
type HarvestRequest struct {
	User      string `json:"user"`
	Operation string `json:"operation"`
	URL       string `json:"url"`
	Status    int    `json:"status"`
	Err       string `json:"error,omitempty"`
	// IDs is how many ids the response gave.
	IDs int `json:"ids"`
}

// HarvestFound is the ids harvested for one user and parameter.
type HarvestFound struct {
	User  string   `json:"user"`
	Param string   `json:"param"`
	IDs   []string `json:"ids"`
	From  []string `json:"from"`
	// Used is false when the config lists owns for that parameter: the
	// user's ids win.
	Used bool   `json:"used"`
	Why  string `json:"why,omitempty"`
}

// HarvestShared is an id that several users saw as theirs.
type HarvestShared struct {
	Param string   `json:"param"`
	ID    string   `json:"id"`
	Users []string `json:"users"`
}

// harvester runs one harvest plan.
type harvester struct {
	s     *Scan
	plan  HarvestPlan
	rep   *HarvestReport
	spent map[string]int
	seen  *sightings
	// exclude are the folded names of fields that feed a parameter: they
	// refer to objects, so they never say who owns an item.
	exclude map[string]bool
}

// harvest runs the harvest plan as every user and returns the config the
// attack runs with: owns filled from the harvest where the config lists none.
func (s *Scan) harvest(ctx context.Context, t TB) (*Config, *HarvestReport) {
	plan := planHarvest(s.spec, s.cfg, s.plan)
	rep := &HarvestReport{Enabled: plan.Enabled, Why: plan.Why, Requests: []HarvestRequest{}, Found: []HarvestFound{},
		Refused: plan.Refused, Creation: plan.Creation}
	if !plan.Enabled || len(plan.Calls) == 0 {
		if plan.Why != "" {
			t.Logf("harvest: %s", plan.Why)
		}
		return s.cfg, rep
	}
	h := newHarvester(s, plan, rep)
	for i := range s.cfg.Users {
		h.runUser(ctx, &s.cfg.Users[i])
	}
	cfg := h.merge()
	t.Logf("harvest: %d requests; %s", len(rep.Requests), h.summary())
	return cfg, rep
}

// newHarvester prepares a run of plan. The fields that feed a parameter are
// noted, since they refer to objects and so never tell an item's owner.
func newHarvester(s *Scan, plan HarvestPlan, rep *HarvestReport) *harvester {
	h := &harvester{s: s, plan: plan, rep: rep, spent: map[string]int{}, seen: newSightings(), exclude: map[string]bool{}}
	for _, c := range plan.Calls {
		for _, f := range c.feeds {
			h.exclude[normKey(f.steps[len(f.steps)-1])] = true
		}
	}
	return h
}

// runUser calls every planned GET as u, round 1 first.
func (h *harvester) runUser(ctx context.Context, u *User) {
	for _, round := range []int{1, 2} {
		for _, c := range h.plan.Calls {
			if c.Round != round {
				continue
			}
			for _, first := range h.callURLs(u, c) {
				if !h.runPages(ctx, u, c, first) {
					return
				}
			}
		}
	}
}

// callURLs are the URLs of one call for u: one for a round-1 call, one per
// parent id (at most MaxParentIDs) for a nested listing.
func (h *harvester) callURLs(u *User, c HarvestCall) []string {
	combos := []map[string]string{{}}
	for _, p := range c.PathParams {
		ids := u.Owns[p]
		if len(ids) == 0 {
			ids = h.seen.ownedBy(p, u.Name)
		}
		var next []map[string]string
		for _, combo := range combos {
			for _, id := range ids {
				if len(next) == h.plan.MaxParentIDs {
					break
				}
				m := map[string]string{p: url.PathEscape(id)}
				for k, v := range combo {
					m[k] = v
				}
				next = append(next, m)
			}
		}
		combos = next
	}
	out := make([]string, 0, len(combos))
	for _, combo := range combos {
		out = append(out, buildURL(h.s.baseURL, c.op, combo, c.Query))
	}
	return out
}

// runPages reads up to MaxPages pages of one listing; false when u's
// budget is spent or the run was stopped.
func (h *harvester) runPages(ctx context.Context, u *User, c HarvestCall, first string) bool {
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
		x := h.s.client.Do(ctx, u, "GET", next)
		doc, n := h.read(u, c, x)
		h.rep.Requests = append(h.rep.Requests, HarvestRequest{User: u.Name, Operation: c.Operation,
			URL: h.s.client.Redact(next), Status: x.Status, Err: x.Err, IDs: n})
		if n == 0 {
			break
		}
		next = nextPage(c, next, x, doc)
	}
	return true
}

func (h *harvester) stop(msg string) {
	if !hasString(h.rep.Stopped, msg) {
		h.rep.Stopped = append(h.rep.Stopped, msg)
	}
}

// read decodes a listing's response and records every id it feeds; it
// returns the decoded body and how many ids it gave.
func (h *harvester) read(u *User, c HarvestCall, x Exchange) (any, int) {
	if x.Err != "" || x.Status < 200 || x.Status > 299 || x.Truncated {
		return nil, 0
	}
	doc, ok := decodeJSON(x.Body)
	if !ok {
		return nil, 0
	}
	n := 0
	for _, f := range c.feeds {
		for _, hit := range extractIDs(doc, f.steps) {
			h.seen.add(f.param, hit.value, c.Operation, u.Name, h.itemOwners(hit.item, u.Name))
			n++
		}
	}
	return doc, n
}

// decodeJSON decodes a body keeping numbers as written.
func decodeJSON(b []byte) (any, bool) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	return v, true
}

// idHit is one id read from a response, with the object that holds it.
type idHit struct {
	value string
	item  map[string]any
}

// extractIDs follows steps through a decoded body. An array met where a
// property is expected is walked item by item, so a link's `/id` reads
// every element of a list. When the documented place holds nothing, the
// same field is looked for in the usual places (a bare array, `data`...),
// since specs often describe a listing's envelope loosely.
func extractIDs(doc any, steps []string) []idHit {
	hits := walkSteps(doc, steps, nil)
	if len(hits) > 0 || len(steps) == 0 {
		return hits
	}
	field := steps[len(steps)-1]
	alts := [][]string{{field}, {"*", field}}
	for _, w := range wrapperNames {
		alts = append(alts, []string{w, "*", field}, []string{w, field})
	}
	for _, alt := range alts {
		if hits = walkSteps(doc, alt, nil); len(hits) > 0 {
			return hits
		}
	}
	return nil
}

func walkSteps(v any, steps []string, parent map[string]any) []idHit {
	if len(steps) == 0 {
		if s, ok := idText(v); ok && parent != nil {
			return []idHit{{value: s, item: parent}}
		}
		return nil
	}
	var out []idHit
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
