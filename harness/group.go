package harness

import (
	"context"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"net/url"
	"strconv"
)

// group is one (operation, id parameter, attacker, victim): the unit that
// draws cases.
type group struct {
	s     *Scan
	op    PlannedOperation
	p     IDParam
	a, v  *User
	fill  map[string]string // the other id parameters, filled with the attacker's own ids (plain)
	fixed map[string]string // required non-id parameters filled from examples, defaults or enums
	why   string            // why the group cannot run, when it cannot
}

func newGroup(s *Scan, op PlannedOperation, p IDParam, a, v *User) *group {
	g := &group{s: s, op: op, p: p, a: a, v: v, fill: map[string]string{}}
	g.fixed, g.why = fixedParams(op)
	for _, other := range op.IDs {
		if other.Name == p.Name {
			continue
		}
		switch {
		case len(a.Owns[other.Name]) > 0:
			g.fill[other.Name] = a.Owns[other.Name][0]
		case len(v.Owns[other.Name]) > 0:
			g.fill[other.Name] = v.Owns[other.Name][0]
		default:
			if g.why == "" {
				g.why = "no id known for the other id parameter " + strconv.Quote(other.Name) + "; list one under owns." + other.Name
			}
		}
	}
	return g
}

// fixedParams fills the operation's required path and query parameters that
// are not ids, from the spec's examples, defaults or enums.
func fixedParams(op PlannedOperation) (map[string]string, string) {
	ids := map[string]bool{}
	for _, p := range op.IDs {
		ids[p.In+"\x00"+p.Name] = true
	}
	out := map[string]string{}
	for _, p := range op.Op.Params {
		if ids[p.In+"\x00"+p.Name] || (p.In != "path" && !(p.In == "query" && p.Required)) {
			continue
		}
		v, ok := exampleValue(p)
		if !ok {
			return nil, "required " + p.In + " parameter " + strconv.Quote(p.Name) + " has no example, default or enum to fill it with"
		}
		out[p.Name] = v
	}
	return out, ""
}

func exampleValue(p Param) (string, bool) {
	if len(p.Examples) > 0 {
		return p.Examples[0], true
	}
	if p.Schema != nil {
		if p.Schema.Default != nil {
			return scalarText(p.Schema.Default), true
		}
		if len(p.Schema.Enum) > 0 {
			return scalarText(p.Schema.Enum[0]), true
		}
	}
	return "", false
}

// victimIDs are the victim's ids for the parameter, less those the attacker
// may legitimately read (owned by both, or listed as shared).
func (g *group) victimIDs() []string {
	var out []string
	for _, id := range g.v.Owns[g.p.Name] {
		if !contains(g.a.Owns[g.p.Name], id) && !g.s.cfg.sharedWith(g.p.Name, id, g.a.Name) {
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

// url builds the request URL with wire for the attacked parameter and the
// given plain ids for the other id parameters.
func (g *group) url(wire string, others map[string]string) string {
	return g.urlOn(g.op.Op.Path, wire, others)
}

// urlOn is url on another path template: an alternate route to the same
// operation.
func (g *group) urlOn(path, wire string, others map[string]string) string {
	vals := map[string]string{}
	for k, v := range g.fixed {
		vals[k] = url.PathEscape(v)
	}
	for k, v := range others {
		vals[k] = url.PathEscape(v)
	}
	vals[g.p.Name] = wire
	op := g.op.Op
	op.Path = path
	return buildURL(g.s.baseURL, op, vals, g.fixed)
}

// ownFill is user u's own ids for the other id parameters, or false when u
// owns none for one of them (then no request of u's can reach the object).
func (g *group) ownFill(u *User) (map[string]string, bool) {
	out := map[string]string{}
	for _, other := range g.op.IDs {
		if other.Name == g.p.Name {
			continue
		}
		ids := u.Owns[other.Name]
		if len(ids) == 0 {
			return nil, false
		}
		out[other.Name] = ids[0]
	}
	return out, true
}

// control is u's own request for the object base: the plain id and u's own
// ids for the other parameters. Nil when u cannot address the object.
func (g *group) control(ctx context.Context, u *User, base string) *Exchange {
	fill, ok := g.ownFill(u)
	if !ok {
		return nil
	}
	x := g.s.memo.do(ctx, g.s.client, u, g.op.Op.Method, g.url(url.PathEscape(base), fill))
	return &x
}

// own are the attacker's responses for up to two of its own objects, and
// for a decoy id that nobody owns: what the attacker gets for those is not
// the victim's, so a catch-all answer (a soft 404, a single-page app's
// index.html, the caller's own object) is never taken for the victim's.
func (g *group) own(ctx context.Context) []Exchange {
	fill, ok := g.ownFill(g.a)
	if !ok {
		fill = g.fill
	}
	var out []Exchange
	if ok {
		for i, id := range g.a.Owns[g.p.Name] {
			if i == 2 {
				break
			}
			out = append(out, g.s.memo.do(ctx, g.s.client, g.a, g.op.Op.Method, g.url(url.PathEscape(id), fill)))
		}
	}
	decoy := g.s.memo.do(ctx, g.s.client, g.a, g.op.Op.Method, g.url(url.PathEscape(g.decoy()), fill))
	return append(out, decoy)
}

// decoy is an id shaped like the parameter's known ids that no one owns:
// drawn from the run's seed so that replays send the same one.
func (g *group) decoy() string {
	r := rand.New(rand.NewPCG(uint64(g.s.seed), 0x6465636f79)) // "decoy"
	sample := ""
	if ids := append(append([]string{}, g.v.Owns[g.p.Name]...), g.a.Owns[g.p.Name]...); len(ids) > 0 {
		sample = ids[0]
	}
	switch {
	case uuidRe.MatchString(sample) || (g.p.Schema != nil && g.p.Schema.Format == "uuid"):
		return fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", r.Uint32(), r.Uint32()&0xffff, r.Uint32()&0xfff, r.Uint32()&0xfff, r.Uint64()&0xffffffffffff)
	case isAllDigits(sample) || sample == "" && g.p.Schema != nil && g.p.Schema.Type.Includes("integer"):
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

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
