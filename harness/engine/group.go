package engine

import (
	"context"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/bolaharness/bolaharness/harness/client"
	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/mutate"
	"github.com/bolaharness/bolaharness/harness/oracle"
	"github.com/bolaharness/bolaharness/harness/plan"
	"github.com/bolaharness/bolaharness/harness/spec"
	"github.com/bolaharness/bolaharness/harness/words"

	"github.com/getkin/kin-openapi/openapi3"
)

// group is one (operation, id parameter, attacker, victim): the unit that
// draws cases.
type group struct {
	s     *Scan
	op    plan.PlannedOperation
	p     spec.IDParam
	a, v  *config.User
	fill  map[string]string // the other id parameters, filled with the attacker's own ids (plain)
	fixed map[string]string // required non-id parameters filled from examples, defaults or enums
	// body is the JSON body the operation's requests start from (its
	// examples); hasBody says one is sent at all.
	body    any
	hasBody bool
	why     string // why the group cannot run, when it cannot
	// others are the users other than the attacker, as the oracle sees
	// them: the same for every case, so built once (read-only).
	others []oracle.Party
}

func newGroup(s *Scan, op plan.PlannedOperation, p spec.IDParam, a, v *config.User) *group {
	g := &group{s: s, op: op, p: p, a: a, v: v, fill: map[string]string{}, others: s.others(a)}
	g.fixed, g.why = fixedParams(op)
	g.body, g.hasBody = mutate.ExampleBody(op.Op)
	for _, other := range op.IDs {
		if sameParam(other, p) || (other.In != openapi3.ParameterInPath && !other.Required) {
			continue // ids outside the path that the spec does not require are not sent
		}
		switch ex, hasEx := spec.ExampleValue(other.Param); {
		case len(idsOf(a, other)) > 0:
			g.fill[other.Name] = idsOf(a, other)[0]
		case len(idsOf(v, other)) > 0:
			g.fill[other.Name] = idsOf(v, other)[0]
		case other.In != openapi3.ParameterInPath && hasEx:
			g.fill[other.Name] = ex
		default:
			if g.why == "" {
				g.why = "no id known for the other id parameter " + strconv.Quote(other.Name) + "; list one under owns." + other.Name
			}
		}
	}
	return g
}

func sameParam(a, b spec.IDParam) bool { return a.Name == b.Name && a.In == b.In }

// fixedParams fills the operation's required path and query parameters that
// are not ids, from the spec's examples, defaults or enums.
func fixedParams(op plan.PlannedOperation) (map[string]string, string) {
	ids := map[string]bool{}
	for _, p := range op.IDs {
		ids[p.In+"\x00"+p.Name] = true
	}
	out := map[string]string{}
	for _, p := range op.Op.Params {
		if ids[p.In+"\x00"+p.Name] || (p.In != "path" && !(p.In == "query" && p.Required)) {
			continue
		}
		v, ok := spec.ExampleValue(p)
		if !ok {
			return nil, "required " + p.In + " parameter " + strconv.Quote(p.Name) + " has no example, default or enum to fill it with"
		}
		out[p.Name] = v
	}
	return out, ""
}

// victimIDs are the victim's ids for the parameter, less those the attacker
// may legitimately read (owned by both, or listed as shared).
func (g *group) victimIDs() []string {
	var out []string
	for _, id := range idsOf(g.v, g.p) {
		if !slices.Contains(idsOf(g.a, g.p), id) && !g.s.Cfg.SharedWith(g.p.Name, id, g.a.Name) {
			out = append(out, id)
		}
	}
	return out
}

// seed derives the group's seed from the run's, so that `-run` on one
// subtest draws the same cases as the full run.
func (g *group) seed() int64 {
	h := fnv.New64a()
	for _, part := range []string{strconv.FormatInt(g.s.seed, 10), g.op.Operation, g.p.Name, g.a.Name, g.v.Name} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return int64(h.Sum64() >> 1)
}

// url is the URL of the request that carries wire (path wire text) for
// the attacked parameter and the given plain ids for the other id
// parameters. Ids in a header or body are not in it: see request.
func (g *group) url(wire string, others map[string]string) string {
	return g.request(g.wireCase(wire), others, via{}, nil).URL
}

// wireCase is a case that sends wire as it is, in the parameter's place.
func (g *group) wireCase(wire string) mutate.Case {
	c := mutate.Case{Param: g.p.Name, Wire: wire}
	if g.p.In != openapi3.ParameterInPath {
		dec, err := url.PathUnescape(wire)
		if err != nil {
			dec = wire
		}
		c.Placed, _ = mutate.PlaceText(g.p, wire, dec)
	}
	return c
}

// plainCase is the plain id in the parameter's place.
func (g *group) PlainCase(id string) mutate.Case {
	c := mutate.Case{Param: g.p.Name, Source: mutate.SourceVictim, Base: id, Wire: mutate.PlainWire(id)}
	if g.p.In != openapi3.ParameterInPath {
		c.Placed = mutate.PlainText(g.p, id)
	}
	return c
}

// request builds the request that sends case c: the other id parameters
// from others (plain ids), the body from body (nil: the group's own), and
// the route and method of v.
func (g *group) request(c mutate.Case, others map[string]string, v via, body any) client.Request {
	path := g.op.Op.Path
	if v.route != "" {
		path = v.route
	}
	example := body == nil
	if example {
		body = g.body
	}
	return g.parts(c, others, body, example).Build(g.s.baseURL, v.methodOr(g.op.Op.Method), path)
}

// parts lays case c and the other ids out in their places. example says
// the body is the spec's example, whose unfilled id fields are dropped; a
// body built from an object (a write) keeps them.
func (g *group) parts(c mutate.Case, others map[string]string, body any, example bool) mutate.ReqParts {
	rp := mutate.ReqParts{Path: map[string]string{}, Header: http.Header{}, HasDoc: g.hasBody || g.p.In == spec.InBody || (!example && body != nil)}
	q := url.Values{}
	for _, p := range g.op.Op.Params {
		if v, ok := g.fixed[p.Name]; ok && p.In == openapi3.ParameterInPath {
			rp.Path[p.Name] = url.PathEscape(v)
		} else if ok && p.In == openapi3.ParameterInQuery {
			q.Set(p.Name, v)
		}
	}
	if len(q) > 0 {
		rp.Query = append(rp.Query, q.Encode())
	}
	doc := mutate.CloneJSON(body)
	for _, other := range g.op.IDs {
		if sameParam(other, g.p) {
			continue
		}
		v, ok := others[other.Name]
		switch {
		case other.In == spec.InBody && !ok && example:
			doc = mutate.RemovePointer(doc, other.Name) // an example's id is someone's: leave it out
		case !ok:
		case other.In == openapi3.ParameterInPath:
			rp.Path[other.Name] = url.PathEscape(v)
		case other.In == openapi3.ParameterInQuery:
			rp.Query = append(rp.Query, url.QueryEscape(other.Name)+"="+url.QueryEscape(v))
		case other.In == openapi3.ParameterInHeader:
			rp.Header.Set(other.Name, v)
		case other.In == spec.InBody:
			rp.HasDoc = true
			doc = mutate.SetPointer(doc, other.Name, mutate.RawJSON(mutate.PlainText(other, v)))
		}
	}
	rp.Body = g.placeCase(&rp, c, doc)
	return rp
}

// placeCase puts the attacked value in its place and returns the body.
func (g *group) placeCase(rp *mutate.ReqParts, c mutate.Case, doc any) any {
	if c.Placement == mutate.PlaceOmit {
		return doc
	}
	switch g.p.In {
	case openapi3.ParameterInPath:
		rp.Path[g.p.Name] = c.Wire
	case openapi3.ParameterInQuery:
		rp.Query = append(rp.Query, g.queryPairs(c)...)
	case openapi3.ParameterInHeader:
		rp.Header.Set(g.p.Name, c.Placed)
	case spec.InBody:
		return mutate.SetPointer(doc, g.p.Name, mutate.RawJSON(g.bodyValue(c)))
	}
	return doc
}

// queryPairs are the query pairs a case sends for the attacked parameter.
func (g *group) queryPairs(c mutate.Case) []string {
	name := url.QueryEscape(g.p.Name)
	mine := name + "=" + mutate.PlainText(g.p, c.Mine)
	theirs := name + "=" + c.Placed
	switch c.Placement {
	case mutate.PlaceDuplicateMineFirst:
		return []string{mine, theirs}
	case mutate.PlaceDuplicateTheirsFirst:
		return []string{theirs, mine}
	case mutate.PlaceArrayParam:
		return []string{name + "[]=" + c.Placed}
	}
	return []string{theirs}
}

// bodyValue is the JSON a case puts at the attacked body field.
func (g *group) bodyValue(c mutate.Case) string {
	switch c.Placement {
	case mutate.PlaceJSONList:
		return "[" + mutate.PlainText(g.p, c.Mine) + "," + c.Placed + "]"
	case mutate.PlaceJSONListTheirsFirst:
		return "[" + c.Placed + "," + mutate.PlainText(g.p, c.Mine) + "]"
	}
	return c.Placed
}

// ownFill is user u's own ids for the other id parameters, or false when u
// owns none for a path parameter (then no request of u's can reach the
// object). Required ids outside the path fall back to the spec's example.
func (g *group) ownFill(u *config.User) (map[string]string, bool) {
	out := map[string]string{}
	for _, other := range g.op.IDs {
		if sameParam(other, g.p) || (other.In != openapi3.ParameterInPath && !other.Required) {
			continue
		}
		if ids := idsOf(u, other); len(ids) > 0 {
			out[other.Name] = ids[0]
			continue
		}
		if other.In == openapi3.ParameterInPath {
			return nil, false
		}
		if ex, ok := spec.ExampleValue(other.Param); ok {
			out[other.Name] = ex
		}
	}
	return out, true
}

// control is u's own request for the object base: the plain id in the same
// place and u's own ids for the other parameters. Nil when u cannot address
// the object.
func (g *group) control(ctx context.Context, u *config.User, base string) *client.Exchange {
	fill, ok := g.ownFill(u)
	if !ok {
		return nil
	}
	x := g.s.send(ctx, u, g.shared(g.request(g.PlainCase(base), fill, via{}, nil)))
	g.s.own.add(u, x)
	return &x
}

// own are the attacker's responses for up to two of its own objects, and
// for a decoy id that nobody owns: what the attacker gets for those is not
// the victim's, so a catch-all answer (a soft 404, a single-page app's
// index.html, the caller's own object) is never taken for the victim's.
func (g *group) own(ctx context.Context) []client.Exchange {
	fill, ok := g.ownFill(g.a)
	if !ok {
		fill = g.fill
	}
	var out []client.Exchange
	if ok {
		for i, id := range idsOf(g.a, g.p) {
			if i == 2 {
				break
			}
			x := g.s.send(ctx, g.a, g.shared(g.request(g.PlainCase(id), fill, via{}, nil)))
			g.s.own.add(g.a, x)
			out = append(out, x)
		}
	}
	decoy := g.s.send(ctx, g.a, g.decoyRequest())
	return append(out, decoy)
}

// decoyRequest is the attacker's request for the decoy id, with its own ids
// for the other id parameters where it has them: the last of own's
// answers, which the existence-leak judgement compares with the plain swap.
func (g *group) decoyRequest() client.Request {
	return g.shared(g.request(g.PlainCase(g.decoy()), g.decoyFill(), via{}, nil))
}

// decoyFill is the other id parameters of the decoy request: the
// attacker's own where it has them, else the group's.
func (g *group) decoyFill() map[string]string {
	if fill, ok := g.ownFill(g.a); ok {
		return fill
	}
	return g.fill
}

// decoy is an id shaped like the parameter's known ids that no one owns:
// drawn from the run's seed so that replays send the same one.
func (g *group) decoy() string {
	r := rand.New(rand.NewPCG(uint64(g.s.seed), 0x6465636f79)) // "decoy"
	sample := ""
	if ids := append(append([]string{}, idsOf(g.v, g.p)...), idsOf(g.a, g.p)...); len(ids) > 0 {
		sample = ids[0]
	}
	switch {
	case words.UuidRe.MatchString(sample) || (g.p.Schema != nil && g.p.Schema.Format == "uuid"):
		return fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", r.Uint32(), r.Uint32()&0xffff, r.Uint32()&0xfff, r.Uint32()&0xfff, r.Uint64()&0xffffffffffff)
	case words.IsAllDigits(sample) || sample == "" && g.p.Schema != nil && g.p.Schema.Type.Includes("integer"):
		return strconv.FormatUint(900000000+r.Uint64()%99999999, 10)
	}
	const letters = "abcdefghijkmnpqrstuvwxyz23456789"
	n := max(len(sample), 8)
	b := make([]byte, n)
	for i := range b {
		b[i] = letters[r.IntN(len(letters))]
	}
	return "zz" + string(b[2:])
}

// shared marks a control or own-object request of a read as one the run
// may send once and reuse (a POST search's control is asked for by every
// case); a write's requests are never shared.
func (g *group) shared(r client.Request) client.Request {
	r.Shared = g.op.Write == nil
	return r
}
