package plan

import (
	"slices"
	"strings"

	"github.com/bolaharness/bolaharness/harness/internal/sortedkeys"

	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/spec"
	"github.com/bolaharness/bolaharness/harness/words"

	"github.com/getkin/kin-openapi/openapi3"
)

// Limits of harvesting, so that discovery stays a small part of a scan.
const (
	// DefaultHarvestRequests is how many harvesting requests one user may send.
	DefaultHarvestRequests = 50
	// DefaultHarvestPages is how many pages of one listing are read at most.
	DefaultHarvestPages = 3
	// DefaultHarvestParents is how many parent ids a nested listing
	// (`/accounts/{account_id}/statements`) is called with per user.
	DefaultHarvestParents = 3
	// DefaultHarvestRounds is how deep listings nest: round 1 takes no path
	// parameter, round n fills its path from rounds before it
	// (`/workspaces` → `/workspaces/{slug}/projects` →
	// `/projects/{id}/tasks` → `/tasks/{id}/comments`).
	DefaultHarvestRounds = 4
	// DefaultHarvestIDs is how many ids per parameter one user keeps.
	DefaultHarvestIDs = 25
	// maxSourcesPerParam is how many listings are called for one parameter
	// when they match it strongly.
	maxSourcesPerParam = 3
)

// HarvestPlan is what harvesting would call, sending nothing: the plan
// command prints it, and the scan runs it.
type HarvestPlan struct {
	// Enabled is false when the config says `harvest: false` or nothing
	// needs harvesting; Why then says so.
	Enabled bool   `json:"enabled"`
	Why     string `json:"why,omitempty"`
	// Limits bound the requests the plan may send.
	MaxRequestsPerUser int `json:"maxRequestsPerUser"`
	MaxPages           int `json:"maxPages"`
	MaxParentIDs       int `json:"maxParentIds"`
	MaxRounds          int `json:"maxRounds"`
	// RequestsPerUser is how many requests the calls take per user at
	// most, first pages only; past MaxRequestsPerUser the later calls are
	// not made.
	RequestsPerUser int `json:"requestsPerUser"`
	// Params are the id parameters harvesting looks ids up for.
	Params []HarvestParam `json:"params"`
	// Calls are the GETs called as each user, in order.
	Calls []HarvestCall `json:"calls"`
	// Refused are GETs that would feed a parameter or read like actions,
	// and are not called, with the reason.
	Refused []HarvestSkip `json:"refused"`
	// Ignored are safe GETs left out because they feed nothing or another
	// listing already feeds what they would.
	Ignored []HarvestSkip `json:"ignored,omitempty"`
	// Creation says what creating objects would do (create_plan.go), or
	// why nothing is created; Creations are the steps.
	Creation  string            `json:"creation"`
	Creations []PlannedCreation `json:"creations,omitempty"`
}

// HarvestParam is one parameter and the listings that feed it.
type HarvestParam struct {
	Name       string   `json:"name"`
	Operations []string `json:"operations"`
	// Sources are the calls that feed it; empty when none does.
	Sources []string `json:"sources"`
}

// HarvestCall is one GET harvesting calls, and what it feeds.
type HarvestCall struct {
	Operation   string `json:"operation"`
	OperationID string `json:"operationId,omitempty"`
	// Round 1 calls take no path parameter; a later round's calls fill
	// theirs with ids found in earlier rounds (or listed in owns).
	Round      int               `json:"round"`
	PathParams []string          `json:"pathParams,omitempty"`
	Query      map[string]string `json:"query,omitempty"`
	// Variants are the same listing again with one scope value each
	// (`scope=to_approve`): what else the user may read, so that it is not
	// taken for a leak.
	Variants []map[string]string `json:"variants,omitempty"`
	Feeds    []HarvestFeed       `json:"feeds"`
	Origin   spec.Origin         `json:"origin,omitempty"`

	Op       spec.Operation `json:"-"`
	FeedList []feedMatch    `json:"-"`
}

// HarvestFeed is one field of a call's response that feeds a parameter.
type HarvestFeed struct {
	Param string `json:"param"`
	Field string `json:"field"`
	// Match is link, schema, path, resource or name; Why explains it.
	Match string `json:"match"`
	Why   string `json:"why"`
}

// HarvestSkip is a GET that harvesting does not call, with the reason.
type HarvestSkip struct {
	Operation string `json:"operation"`
	Why       string `json:"why"`
}

// getVerdict is the judgement on one GET: refused (unsafe to call or its
// parameters cannot be filled), ignored (safe but useless), or a candidate
// call.
type getVerdict struct {
	cand    *HarvestCall
	refused string
	ignored string
}

// PlanHarvest decides, sending nothing, which GETs of spec harvesting would
// call as each user of cfg, for which id parameters and why, and which GETs
// it refuses and why. cfg may be nil (every parameter is then looked up).
func PlanHarvest(spec *spec.Spec, cfg *config.Config) HarvestPlan {
	if cfg == nil {
		cfg = &config.Config{}
	}
	return PlanHarvestWith(spec, cfg, BuildPlan(spec, PlanOptions{Methods: cfg.Methods, OwnsKeys: cfg.OwnsKeys()}))
}

// planHarvest plans harvesting for the operations of an attack plan.
func PlanHarvestWith(spec *spec.Spec, cfg *config.Config, plan Plan) HarvestPlan {
	hp := HarvestPlan{Enabled: true, MaxRequestsPerUser: DefaultHarvestRequests, MaxPages: DefaultHarvestPages,
		MaxParentIDs: DefaultHarvestParents, MaxRounds: DefaultHarvestRounds, Params: []HarvestParam{}, Calls: []HarvestCall{}, Refused: []HarvestSkip{}}
	hp.Creations, hp.Creation = PlanCreation(spec, cfg, plan)
	if why := harvestOff(cfg); why != "" {
		hp.Enabled, hp.Why = false, why
		return hp
	}
	targets := harvestTargets(spec, plan, cfg)
	if len(targets) == 0 {
		hp.Enabled, hp.Why = false, "no id parameter lacks ids: every user lists owns for every id parameter of the attacked operations"
		return hp
	}
	round1, round2 := hp.classifyGETs(spec, targets, plan.actions)
	hp.selectCalls(round1, 1)
	hp.selectNested(round2, cfg)
	hp.Params = harvestParams(targets, hp.Calls)
	for _, c := range hp.Calls {
		n := 1 + len(c.Variants)
		if c.Round > 1 {
			n *= hp.MaxParentIDs
		}
		hp.RequestsPerUser += n
	}
	if len(hp.Calls) == 0 {
		hp.Why = "no safe GET returns objects whose ids match an id parameter"
	}
	return hp
}

// classifyGETs judges every GET of the spec: refusals and ignored GETs go
// into the plan, candidates come back by round.
func (hp *HarvestPlan) classifyGETs(spec *spec.Spec, targets map[string]*harvestTarget, actions *actionMemo) (round1, round2 []HarvestCall) {
	ix := newTargetIndex(targets)
	for _, op := range spec.Operations {
		if op.Method != "GET" {
			continue
		}
		v := harvestCandidateFor(spec, op, targets, ix, actions)
		switch {
		case v.refused != "":
			hp.Refused = append(hp.Refused, HarvestSkip{Operation: op.Key(), Why: v.refused})
		case v.ignored != "":
			hp.Ignored = append(hp.Ignored, HarvestSkip{Operation: op.Key(), Why: v.ignored})
		case v.cand.Round == 1:
			round1 = append(round1, *v.cand)
		default:
			round2 = append(round2, *v.cand)
		}
	}
	return round1, round2
}

// harvestOff says why harvesting is off for cfg, or "".
func harvestOff(cfg *config.Config) string {
	if cfg.NoHarvest {
		return "off: the config says `harvest: false`"
	}
	if len(cfg.Methods) > 0 && !slices.Contains(cfg.Methods, "GET") {
		return "off: the config's methods do not include GET"
	}
	return ""
}

// harvestTargets are the id parameters of the attacked operations for which
// some user lists no ids.
func harvestTargets(spec *spec.Spec, plan Plan, cfg *config.Config) map[string]*harvestTarget {
	targets := map[string]*harvestTarget{}
	for _, po := range plan.Operations {
		for _, p := range po.IDs {
			if p.In != "path" || everyoneOwns(cfg, p.Name) {
				continue
			}
			t := targets[p.Name]
			if t == nil {
				t = &harvestTarget{name: p.Name, collections: map[string]bool{}, resources: map[string]bool{},
					schemas: map[*openapi3.Schema]bool{}, refNames: map[string]bool{}}
				if r := paramResource(p.Name); r != "" {
					t.resources[r] = true
				}
				targets[p.Name] = t
			}
			t.ops = append(t.ops, po.Operation)
		}
	}
	addTargetShapes(spec, targets)
	return targets
}

// everyoneOwns is true when every user of cfg lists ids for param.
func everyoneOwns(cfg *config.Config, param string) bool {
	if len(cfg.Users) == 0 {
		return false
	}
	for _, u := range cfg.Users {
		if len(u.Owns[param]) == 0 {
			return false
		}
	}
	return true
}

// addTargetShapes fills each target's collections, resources and by-id
// schemas from every operation of the spec that takes it. A schema that
// several parameters' GETs return (a generic envelope) tells nothing and is
// dropped.
func addTargetShapes(sp *spec.Spec, targets map[string]*harvestTarget) {
	owners := map[*openapi3.Schema]map[string]bool{}
	names := map[string]map[string]bool{}
	for _, op := range sp.Operations {
		for name, pos := range spec.PathPositions(op.Path) {
			t := targets[name]
			if t == nil || pos.Collection == "" {
				continue
			}
			prefix := op.Path[:strings.Index(op.Path, "{"+name+"}")]
			t.collections[normPath(prefix)] = true
			t.resources[singular(words.NormKey(pos.Collection))] = true
		}
		last := lastPathParam(op.Path)
		if t := targets[last]; t != nil && op.Method == "GET" {
			ref, _ := responseSchema(op)
			for _, obj := range objectSchemas(ref) {
				addOwner(owners, obj.Value, last)
				if n := refName(obj.Ref); n != "" {
					addName(names, n, last)
				}
			}
		}
	}
	for s, params := range owners {
		for p := range params {
			if len(params) == 1 {
				targets[p].schemas[s] = true
			}
		}
	}
	for n, params := range names {
		for p := range params {
			if len(params) == 1 {
				targets[p].refNames[n] = true
			}
		}
	}
}

func addOwner(m map[*openapi3.Schema]map[string]bool, s *openapi3.Schema, p string) {
	if m[s] == nil {
		m[s] = map[string]bool{}
	}
	m[s][p] = true
}

func addName(m map[string]map[string]bool, n, p string) {
	if m[n] == nil {
		m[n] = map[string]bool{}
	}
	m[n][p] = true
}

// objectSchemas are the schemas a by-id GET returns its object as: the
// response itself (or each anyOf branch), or the one object it wraps
// (`{"data": Task}`).
func objectSchemas(ref *openapi3.SchemaRef) []*openapi3.SchemaRef {
	var out []*openapi3.SchemaRef
	for _, alt := range alternatives(ref) {
		if isArraySchema(alt.Value) {
			continue
		}
		out = append(out, alt)
		props := alt.Value.Properties
		for _, k := range sortedkeys.Of(props) {
			if (len(props) == 1 || slices.Contains(WrapperNames, strings.ToLower(k))) && props[k] != nil &&
				props[k].Value != nil && !isArraySchema(props[k].Value) && len(props[k].Value.Properties) > 0 {
				out = append(out, props[k])
			}
		}
	}
	return out
}

// lastPathParam is the name of the path's last parameter when it ends the
// path, else "": the whole last segment (`/cards/{cardId}`) or its tail
// after literal text (`/@{name}`, Mastodon-style), never one of several
// parameters sharing the segment (`/{name}.{ext}`).
func lastPathParam(path string) string {
	segs := strings.Split(strings.TrimRight(path, "/"), "/")
	seg := segs[len(segs)-1]
	locs := spec.IdTemplateParam.FindAllStringSubmatchIndex(seg, -1)
	if len(locs) != 1 || locs[0][1] != len(seg) {
		return ""
	}
	return seg[locs[0][2]:locs[0][3]]
}

// harvestCandidateFor checks one GET: refused, ignored, or a candidate call.
func harvestCandidateFor(sp *spec.Spec, op spec.Operation, targets map[string]*harvestTarget, ix *targetIndex, actions *actionMemo) getVerdict {
	if why := actions.reason(op); why != "" {
		return getVerdict{refused: "reads like an action: " + why}
	}
	if !op.Servable() {
		return getVerdict{ignored: "needs a scheme the harness cannot send: " + op.SecurityWhy}
	}
	ref, _ := responseSchema(op)
	if ref == nil {
		return getVerdict{ignored: "no documented JSON 2xx response to read ids from"}
	}
	own := map[string]bool{}
	var pathParams []string
	for _, p := range op.Params {
		if p.In == "path" {
			own[p.Name] = true
			pathParams = append(pathParams, p.Name)
		}
	}
	feeds := append(linkMatches(op, sp, targets, own), shapeMatches(op, itemShapes(ref), targets, ix, own)...)
	feeds = dedupeFeeds(feeds)
	if len(feeds) == 0 {
		return getVerdict{ignored: "its response holds no field that matches an id parameter"}
	}
	query := map[string]string{}
	for _, p := range op.Params {
		if p.In == "path" {
			continue
		}
		if why := unfillableParam(op, p, nil); why != "" {
			return getVerdict{refused: "cannot fill its parameters: " + why}
		}
		if v, ok := spec.ExampleValue(p); ok && p.In == "query" && p.Required {
			query[p.Name] = v
		}
	}
	call := HarvestCall{Operation: op.Key(), OperationID: op.ID, Round: 1, PathParams: pathParams, Origin: op.Origin,
		Variants: scopeVariants(op), Op: op, FeedList: feeds}
	if len(pathParams) > 0 {
		call.Round = 2
	}
	if len(query) > 0 {
		call.Query = query
	}
	for _, f := range feeds {
		call.Feeds = append(call.Feeds, HarvestFeed{Param: f.Param, Field: stepsPath(f.Steps), Match: f.kind, Why: f.why})
	}
	return getVerdict{cand: &call}
}

// scopeParams are optional query parameters whose values choose which of
// the objects the caller may read are listed (`scope=mine|to_approve`).
var scopeParams = words.WordSet("scope", "view", "filter", "visibility", "role", "membership", "relation",
	"relationship", "access", "audience", "ownership", "shared", "include", "perspective")

// maxVariants bounds the scope values tried per listing.
const maxVariants = 3

// scopeVariants lists the values of the operation's scope parameters other
// than their default, one query each.
func scopeVariants(op spec.Operation) []map[string]string {
	var out []map[string]string
	for _, p := range op.Params {
		if p.In != "query" || p.Required || !scopeParams[words.NormKey(p.Name)] || p.Schema == nil {
			continue
		}
		def := ""
		if p.Schema.Default != nil {
			def = spec.ScalarText(p.Schema.Default)
		}
		for _, e := range p.Schema.Enum {
			if v := spec.ScalarText(e); v != def && len(out) < maxVariants {
				out = append(out, map[string]string{p.Name: v})
			}
		}
	}
	return out
}

// dedupeFeeds keeps the strongest match per parameter.
func dedupeFeeds(feeds []feedMatch) []feedMatch {
	best := map[string]feedMatch{}
	for _, f := range feeds {
		if b, ok := best[f.Param]; !ok || betterMatch(f, b) {
			best[f.Param] = f
		}
	}
	out := make([]feedMatch, 0, len(best))
	for _, k := range sortedkeys.Of(best) {
		out = append(out, best[k])
	}
	sortFeeds(out)
	return out
}
