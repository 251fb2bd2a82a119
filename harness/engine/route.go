package engine

import (
	"context"
	"regexp"
	"strconv"
	"strings"

	"github.com/bolaharness/bolaharness/harness/client"
	"github.com/bolaharness/bolaharness/harness/mutate"
)

// via is another way to send a case than the documented one.
type via struct {
	route  string // an alternate path template, or ""
	method string // another method for the same resource, or ""
}

func (v via) methodOr(m string) string {
	if v.method != "" {
		return v.method
	}
	return m
}

// prefix marks the case's subtest name with the way it was sent.
func (v via) prefix() string {
	out := ""
	if v.route != "" {
		out += "route" + strings.ReplaceAll(v.route, "/", "_") + ":"
	}
	if v.method != "" {
		out += "method-" + v.method + ":"
	}
	return out
}

// versionRe finds a version segment such as /v2/ or /api/v3/ in a path.
var versionRe = regexp.MustCompile(`/v([0-9]+)(/|$)`)

// alternateRoutes lists other paths that may reach the same handler: older
// version prefixes that a fix may have missed (/v2/x → /v1/x) and the path
// without its version segment. Alternate spellings of the id itself
// (trailing slash, .json) are case transforms, not routes.
func AlternateRoutes(path string) []string {
	m := versionRe.FindStringSubmatchIndex(path)
	if m == nil {
		return nil
	}
	n, err := strconv.Atoi(path[m[2]:m[3]])
	if err != nil {
		return nil
	}
	var out []string
	for v := n - 1; v >= 0 && v >= n-2; v-- {
		out = append(out, path[:m[0]]+"/v"+strconv.Itoa(v)+path[m[3]:])
	}
	out = append(out, path[:m[0]]+path[m[3]:])
	return out
}

// undocumentedRoutes are the alternate routes of g's operation that no
// other documented operation serves. A route the spec documents
// (`/invoices/{id}` beside `/v2/invoices/{id}`) is that operation's: it is
// planned and judged under its own name, so a leak there is reported once,
// against the operation that has it, and never blamed on the v2 one.
func (s *Scan) undocumentedRoutes(g *group) []string {
	var out []string
	for _, r := range AlternateRoutes(g.op.Op.Path) {
		if other, ok := s.Spec.Match(g.op.Op.Method, r); ok && other.Key() != g.op.Op.Key() {
			continue
		}
		out = append(out, r)
	}
	return out
}

// routeCases sends the plain swap of the victim's first id on each
// undocumented alternate route; the control stays on the documented route,
// so a route that does not exist is simply a 404, not a missing control.
func (s *Scan) routeCases(ctx context.Context, g *group, cases []mutate.Case, own []client.Exchange, from *widenFirst) []*Outcome {
	routes := s.undocumentedRoutes(g)
	if len(routes) == 0 {
		return nil
	}
	for _, c := range cases {
		if !mutate.IsPlainSwap(c) {
			continue
		}
		var out []*Outcome
		for _, r := range routes {
			out = append(out, s.wayCase(ctx, g, c, own, via{route: r}, from))
		}
		return out
	}
	return nil
}

// methodCases sends the plain swap of the victim's first id with HEAD on a
// GET operation whose path documents no HEAD of its own: servers answer HEAD
// for every GET route, sometimes through a handler that skips the check and
// still describes the object in its headers. HEAD must be an allowed method.
func (s *Scan) methodCases(ctx context.Context, g *group, cases []mutate.Case, own []client.Exchange, from *widenFirst) []*Outcome {
	if g.op.Op.Method != "GET" || !s.methodAllowed("HEAD") || s.Spec.HasOperation("HEAD", g.op.Op.Path) {
		return nil
	}
	for _, c := range cases {
		if mutate.IsPlainSwap(c) {
			return []*Outcome{s.wayCase(ctx, g, c, own, via{method: "HEAD"}, from)}
		}
	}
	return nil
}

// wayCase sends the plain swap c the way v, unless an earlier pair's
// refusal there settles it (widen.go).
func (s *Scan) wayCase(ctx context.Context, g *group, c mutate.Case, own []client.Exchange, v via, from *widenFirst) *Outcome {
	if why := from.wayRefused(v); why != "" {
		return &Outcome{C: c, fill: g.fill, via: v, skipped: why, settled: true}
	}
	return s.runCaseOn(ctx, g, c, own, g.fill, v, false)
}

func (s *Scan) methodAllowed(m string) bool {
	methods := s.Cfg.Methods
	if len(methods) == 0 {
		methods = []string{"GET", "HEAD"}
	}
	for _, x := range methods {
		if strings.EqualFold(x, m) {
			return true
		}
	}
	return false
}

// routeMutation names an alternate route for reports.
func routeMutation(route string) string {
	if versionRe.MatchString(route) {
		return "version-prefix"
	}
	return "unversioned-route"
}
