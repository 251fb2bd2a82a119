package config

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// DefaultRole is the role of a user whose config names none.
const DefaultRole = "user"

// PolicyRule is one entry of the config's `policy`: the operations it names
// may be called by the listed roles only.
type PolicyRule struct {
	// Operations are selectors: "METHOD /path", a path glob ("/admin/**"),
	// "tag:NAME" or an operationId (plan.Selects reads them).
	Operations []string
	// Roles are the roles allowed to call them.
	Roles []string
	// Line is the rule's line in the config file (0 when unknown), so a
	// plan can say which rule marked an operation.
	Line int
}

// roleRE is what a role name may look like: a word, so that a typo such as
// "admin, user" (one string) is caught instead of naming no one.
var roleRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.:-]*$`)

// readRole reads a user's `role`.
func (p *parser) readRole(key string, n *yaml.Node) (string, error) {
	s, ok, err := p.text(key, n, "")
	if err != nil || !ok {
		return "", err
	}
	s = strings.TrimSpace(s)
	if !roleRE.MatchString(s) {
		return "", p.errAt(key, deref(n), "%q is not a role name; give one word such as admin or user", s)
	}
	return s, nil
}

// policyKeys are the keys of one policy rule.
var policyKeys = []string{"operations", "roles"}

// readPolicy reads `policy`: a list of {operations: [...], roles: [...]}.
func (p *parser) readPolicy(n *yaml.Node) ([]PolicyRule, error) {
	if deref(n).Kind != yaml.SequenceNode {
		return nil, p.errAt("policy", deref(n), "expected a list of rules such as - {operations: [\"/admin/**\"], roles: [admin]}, got %s", kindName(deref(n)))
	}
	out := []PolicyRule{}
	for i, item := range listItems(n) {
		prefix := fmt.Sprintf("policy[%d]", i)
		p.lines[prefix] = deref(item).Line
		fields, err := p.fields(prefix, item, policyKeys)
		if err != nil {
			return nil, err
		}
		r := PolicyRule{Line: deref(item).Line}
		for _, f := range fields {
			key := prefix + "." + f.key
			if f.key == "operations" {
				r.Operations, err = p.readSelectors(key, f.value)
			} else {
				r.Roles, err = p.readRoles(key, f.value)
			}
			if err != nil {
				return nil, err
			}
		}
		if len(r.Operations) == 0 {
			return nil, p.errAt(prefix, deref(item), "no operations; list them: operations: [\"GET /admin/users\", \"/admin/**\", \"tag:admin\", deleteUser]")
		}
		if len(r.Roles) == 0 {
			return nil, p.errAt(prefix, deref(item), "no roles; list the roles allowed to call these operations: roles: [admin]")
		}
		out = append(out, r)
	}
	return out, nil
}

// readSelectors reads a rule's operations, refusing selectors that can
// name nothing.
func (p *parser) readSelectors(key string, n *yaml.Node) ([]string, error) {
	if deref(n).Kind != yaml.SequenceNode {
		return nil, p.errAt(key, deref(n), "expected a list of operations, got %s", kindName(deref(n)))
	}
	var out []string
	for i, item := range listItems(n) {
		k := fmt.Sprintf("%s[%d]", key, i)
		s, _, err := p.text(k, item, "")
		if err != nil {
			return nil, err
		}
		s = strings.TrimSpace(s)
		if why := selectorProblem(s); why != "" {
			return nil, p.errAt(k, deref(item), "%q %s; write \"GET /admin/users\", a path glob (/admin/**), tag:NAME or an operationId", s, why)
		}
		if m, path, spaced := strings.Cut(s, " "); spaced && !strings.HasPrefix(s, "/") {
			s = strings.ToUpper(m) + " " + strings.TrimSpace(path)
		}
		out = append(out, s)
	}
	return out, nil
}

// selectorProblem says why a policy selector cannot name an operation, or "".
func selectorProblem(s string) string {
	switch {
	case s == "":
		return "is empty"
	case strings.HasPrefix(s, "tag:") && strings.TrimSpace(s[4:]) == "":
		return "names no tag"
	case strings.HasPrefix(s, "tag:"), strings.HasPrefix(s, "/"):
		return ""
	}
	if m, path, spaced := strings.Cut(s, " "); spaced {
		if !slices.Contains([]string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"}, strings.ToUpper(m)) {
			return "does not start with an HTTP method"
		}
		if !strings.HasPrefix(strings.TrimSpace(path), "/") {
			return "has no path starting with /"
		}
	}
	return ""
}

// readRoles reads a rule's roles.
func (p *parser) readRoles(key string, n *yaml.Node) ([]string, error) {
	if deref(n).Kind != yaml.SequenceNode {
		return nil, p.errAt(key, deref(n), "expected a list of roles such as [admin], got %s", kindName(deref(n)))
	}
	var out []string
	for i, item := range listItems(n) {
		r, err := p.readRole(fmt.Sprintf("%s[%d]", key, i), item)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out, nil
}

// checkRoles fills the default role and refuses a policy that names a role
// no user carries: its operations could never be called by an allowed user,
// so no control could be had (most often a typo).
func (p *parser) checkRoles(c *Config) error {
	for i := range c.Users {
		if c.Users[i].Role == "" {
			c.Users[i].Role = DefaultRole
		}
	}
	for i, r := range c.Policy {
		for j, role := range r.Roles {
			if slices.ContainsFunc(c.Users, func(u User) bool { return u.Role == role }) {
				continue
			}
			key := fmt.Sprintf("policy[%d].roles[%d]", i, j)
			return &ConfigError{File: p.file, Line: p.lines[key], Key: key, Msg: fmt.Sprintf(
				"unknown role %q: no user carries it (roles: %s); give a user `role: %s` or fix the name", role, strings.Join(c.Roles(), ", "), role)}
		}
	}
	c.shareOwns()
	return nil
}

// Roles are the roles the users carry, in config order, each once.
func (c *Config) Roles() []string {
	var out []string
	for _, u := range c.Users {
		r := u.Role
		if r == "" {
			r = DefaultRole
		}
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// RoleOf is u's role, DefaultRole when the config named none.
func (u *User) RoleOf() string {
	if u.Role == "" {
		return DefaultRole
	}
	return u.Role
}

// SamePerson reports whether a and b are two credentials of one person:
// distinct users with the same, non-empty identity (a read-only token
// beside a full one). One reading the other's objects is never a leak.
func SamePerson(a, b *User) bool {
	return a != nil && b != nil && a.Name != b.Name && len(a.Identity) > 0 && maps.Equal(a.Identity, b.Identity)
}

// shareOwns gives every credential of one person the objects any of them
// owns, so that each of them can address the person's objects.
func (c *Config) shareOwns() {
	for i := range c.Users {
		for j := range c.Users {
			a, b := &c.Users[i], &c.Users[j]
			if !SamePerson(a, b) {
				continue
			}
			for param, ids := range b.Owns {
				if a.Owns == nil {
					a.Owns = map[string][]string{}
				}
				for _, id := range ids {
					if !slices.Contains(a.Owns[param], id) {
						a.Owns[param] = append(a.Owns[param], id)
					}
				}
			}
		}
	}
}

// ShareOwns gives every credential of one person the objects any of them
// owns (see SamePerson); the engine calls it again after harvesting.
func (c *Config) ShareOwns() { c.shareOwns() }
