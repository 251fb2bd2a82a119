package plan

import (
	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/spec"
)

// AuthChecksFor are the ignored-authentication checks (config authChecks)
// that run on op, and why none does when none does: they send reads only
// (GET and HEAD), and never judge an operation the spec lets anonymous
// callers call.
func AuthChecksFor(cfg *config.Config, op spec.Operation) ([]string, string) {
	if op.Method != "GET" && op.Method != "HEAD" {
		return nil, "not a GET or HEAD: the ignored-authentication checks send reads only"
	}
	if op.Security == spec.SecurityPublic {
		return nil, "public in the spec"
	}
	for _, alt := range op.Alternatives {
		if len(alt) == 0 {
			return nil, "the spec lets anonymous callers in (an empty security requirement)"
		}
	}
	var out []string
	for _, c := range config.AuthCheckNames {
		if cfg.AuthCheckOn(c) {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return nil, "authChecks is empty in the config"
	}
	return out, ""
}

// applyAuthChecks says, per planned operation, which ignored-auth checks
// the run sends and why none when none, and whether existence leaks are
// judged.
func applyAuthChecks(p Plan, cfg *config.Config) Plan {
	for i := range p.Operations {
		po := &p.Operations[i]
		po.AuthChecks, po.AuthChecksWhy = AuthChecksFor(cfg, po.Op)
		if po.Write != nil && po.AuthChecksWhy == "" {
			po.AuthChecks, po.AuthChecksWhy = nil, "a write: the ignored-authentication checks send reads only"
		}
		po.ExistenceLeaks, po.ExistenceLeaksWhy = existenceLeaksFor(cfg, *po)
	}
	return p
}

// existenceLeaksFor says whether the run judges op for existence leaks:
// reads only, since the answers compared (the plain swap and the id nobody
// owns) are those the attack on a read already sends.
func existenceLeaksFor(cfg *config.Config, po PlannedOperation) (bool, string) {
	switch {
	case cfg.NoExistenceLeaks:
		return false, "existenceLeaks is false in the config"
	case po.Write != nil:
		return false, "a write: existence is judged on reads, whose answers the attack already has"
	}
	return true, ""
}
