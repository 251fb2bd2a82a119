package config

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/bolaharness/bolaharness/harness/secret"

	"go.yaml.in/yaml/v3"
)

// readUsers reads the users list.
func (p *parser) readUsers(n *yaml.Node) ([]User, error) {
	n = deref(n)
	if n.Kind != yaml.SequenceNode {
		return nil, p.errAt("users", n, "expected a list of users (each with name and token), got %s", kindName(n))
	}
	users := make([]User, 0, len(n.Content))
	for i, item := range n.Content {
		p.lines[fmt.Sprintf("users[%d]", i)] = deref(item).Line
		u, err := p.readUser(fmt.Sprintf("users[%d]", i), item)
		if err != nil {
			return nil, err
		}
		users = append(users, u)
	}
	return users, nil
}

// readUser reads one user; the name comes first so that messages about the
// other keys can name the user.
func (p *parser) readUser(prefix string, n *yaml.Node) (User, error) {
	var u User
	fields, err := p.fields(prefix, n, userKeys)
	if err != nil {
		return u, err
	}
	for _, f := range fields {
		if f.key == "name" {
			if err := p.readString(prefix+".name", f.value, "", func(s string) { u.Name = s }); err != nil {
				return u, err
			}
		}
	}
	who := u.Name
	if who == "" {
		who = prefix
	}
	if err := p.oneTokenSource(prefix, n, fields, who); err != nil {
		return u, err
	}
	for _, f := range fields {
		key := prefix + "." + f.key
		switch f.key {
		case "token":
			err = p.readToken(key, f.value, who, &u)
		case "tokenFile":
			err = p.readString(key, f.value, who, func(s string) { u.TokenFile = p.relative(s) })
		case "tokenCommand":
			u.TokenCommand, err = p.readCommand(key, f.value, who)
		case "login":
			u.Login, err = p.readLogin(key, f.value, who)
		case "apiKey":
			err = p.readAPIKey(key, f.value, who, &u)
		case "basic":
			err = p.readBasic(key, f.value, who, &u)
		case "cookies":
			u.Cookies, err = p.readPairs(key, f.value, who, "cookie", &u)
		case "headers":
			u.Headers, err = p.readPairs(key, f.value, who, "header", &u)
		case "identity":
			u.Identity, err = p.readIdentity(key, f.value, who)
		case "owns":
			u.Owns, err = p.readOwns(key, f.value, who)
		case "role":
			u.Role, err = p.readRole(key, f.value)
		case "readOnly":
			err = p.readBool(key, f.value, &u.ReadOnly)
		}
		if err != nil {
			return u, err
		}
	}
	if u.TokenVar == "" {
		u.TokenVar = tokenVarFor(u.Name)
	}
	return u, nil
}

// wholeVarRE matches a value that is exactly one ${VAR}.
var wholeVarRE = regexp.MustCompile(`^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$`)

// readToken reads the token and remembers which variable held it, so curl
// lines can name that variable instead of the token.
func (p *parser) readToken(key string, n *yaml.Node, who string, u *User) error {
	if m := wholeVarRE.FindStringSubmatch(strings.TrimSpace(deref(n).Value)); m != nil && deref(n).Kind == yaml.ScalarNode {
		u.TokenVar = m[1]
	}
	return p.readString(key, n, who, func(s string) { u.Token = secret.NewSecret(strings.TrimSpace(s)) })
}

// readIdentity reads identity: field name → one value, as text.
func (p *parser) readIdentity(prefix string, n *yaml.Node, who string) (map[string]string, error) {
	pairs, err := p.pairs(prefix, n, "identity: {id: 1, email: alice@example.test}")
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(pairs))
	for _, f := range pairs {
		key := prefix + "." + f.key
		v := deref(f.value)
		if v.Kind != yaml.ScalarNode {
			return nil, p.errAt(key, v, "expected one value (text or number), got %s; list each identity value under its own key", kindName(v))
		}
		if err := p.readString(key, v, who, func(s string) { out[f.key] = s }); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// readOwns reads owns: parameter name → ids (a list, or one id), as text.
func (p *parser) readOwns(prefix string, n *yaml.Node, who string) (map[string][]string, error) {
	pairs, err := p.pairs(prefix, n, "owns: {invoice_id: [7, 9]}")
	if err != nil {
		return nil, err
	}
	out := make(map[string][]string, len(pairs))
	for _, f := range pairs {
		ids := []string{}
		for i, item := range listItems(f.value) {
			key := fmt.Sprintf("%s.%s[%d]", prefix, f.key, i)
			if v := deref(item); v.Kind != yaml.ScalarNode {
				return nil, p.errAt(key, v, "expected an id (text or number), got %s", kindName(v))
			}
			if err := p.readString(key, item, who, func(s string) { ids = append(ids, s) }); err != nil {
				return nil, err
			}
		}
		out[f.key] = ids
	}
	return out, nil
}

// readShared reads the shared objects list.
func (p *parser) readShared(n *yaml.Node) ([]SharedObject, error) {
	n = deref(n)
	if n.Kind != yaml.SequenceNode {
		return nil, p.errAt("shared", n, "expected a list of {param, id, users}, got %s", kindName(n))
	}
	out := make([]SharedObject, 0, len(n.Content))
	for i, item := range n.Content {
		prefix := fmt.Sprintf("shared[%d]", i)
		p.lines[prefix] = deref(item).Line
		fields, err := p.fields(prefix, item, sharedKeys)
		if err != nil {
			return nil, err
		}
		var s SharedObject
		for _, f := range fields {
			key := prefix + "." + f.key
			switch f.key {
			case "param":
				err = p.readString(key, f.value, "", func(v string) { s.Param = v })
			case "id":
				err = p.readString(key, f.value, "", func(v string) { s.ID = v })
			case "users":
				s.Users, err = p.readNames(key, f.value)
			}
			if err != nil {
				return nil, err
			}
		}
		out = append(out, s)
	}
	return out, nil
}

// readNames reads a list of user names.
func (p *parser) readNames(prefix string, n *yaml.Node) ([]string, error) {
	var out []string
	for i, item := range listItems(n) {
		if err := p.readString(fmt.Sprintf("%s[%d]", prefix, i), item, "", func(s string) { out = append(out, s) }); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// pairs lists a free-form mapping (identity, owns), whose keys are the
// user's own names and so are not checked against a list.
func (p *parser) pairs(prefix string, n *yaml.Node, example string) ([]field, error) {
	n = deref(n)
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return nil, nil
	}
	if n.Kind != yaml.MappingNode {
		return nil, p.errAt(prefix, n, "expected a mapping, got %s; write it like `%s`", kindName(n), example)
	}
	var out []field
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := deref(n.Content[i])
		if k.Kind != yaml.ScalarNode || seen[k.Value] {
			return nil, p.errAt(prefix, k, "key %q is not plain text or appears twice; write it like `%s`", k.Value, example)
		}
		seen[k.Value] = true
		p.lines[prefix+"."+k.Value] = k.Line
		out = append(out, field{key: k.Value, value: n.Content[i+1]})
	}
	return out, nil
}
