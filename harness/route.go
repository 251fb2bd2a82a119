package harness

import (
	"context"
	"regexp"
	"strconv"
)

// versionRe finds a version segment such as /v2/ or /api/v3/ in a path.
var versionRe = regexp.MustCompile(`/v([0-9]+)(/|$)`)

// alternateRoutes lists other paths that may reach the same handler: older
// version prefixes that a fix may have missed (/v2/x → /v1/x) and the path
// without its version segment. Alternate spellings of the id itself
// (trailing slash, .json) are case transforms, not routes.
func alternateRoutes(path string) []string {
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

// routeCases sends the plain swap of the victim's first id on each
// alternate route; the control stays on the documented route, so a route
// that does not exist is simply a 404, not a missing control.
func (s *Scan) routeCases(ctx context.Context, g *group, cases []Case, own []Exchange) []*outcome {
	routes := alternateRoutes(g.op.Op.Path)
	if len(routes) == 0 {
		return nil
	}
	for _, c := range cases {
		if c.Source != SourceVictim || len(c.Transforms) != 0 {
			continue
		}
		var out []*outcome
		for _, r := range routes {
			out = append(out, s.runCaseOn(ctx, g, c, own, g.fill, r, false))
		}
		return out
	}
	return nil
}
