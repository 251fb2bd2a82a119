package plan

import (
	"github.com/bolaharness/bolaharness/harness/config"
)

// ScopeCheck is one planned write that the read-only credentials (users
// marked readOnly) send to their own objects: a change read back is a
// scope-bypass finding (engine/scope.go).
type ScopeCheck struct {
	Operation string   `json:"operation"`
	Users     []string `json:"users"`
}

// planScopes lists, for every planned write, the read-only users that
// will write to their own objects with it.
func planScopes(p Plan, cfg *config.Config) []ScopeCheck {
	var readers []string
	for _, u := range cfg.Users {
		if u.ReadOnly {
			readers = append(readers, u.Name)
		}
	}
	if len(readers) == 0 {
		return nil
	}
	var out []ScopeCheck
	for _, op := range p.Operations {
		if op.Write != nil {
			out = append(out, ScopeCheck{Operation: op.Operation, Users: readers})
		}
	}
	return out
}

// scopesInShard are the scope checks shard s runs: those of its operations.
func scopesInShard(checks []ScopeCheck, s Shard) []ScopeCheck {
	var out []ScopeCheck
	for _, c := range checks {
		if s.Includes(c.Operation) {
			out = append(out, c)
		}
	}
	return out
}
