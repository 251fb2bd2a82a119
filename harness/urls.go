package harness

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// buildURL fills the path template with wire texts (already escaped) and
// appends the required query parameters that are not ids.
func buildURL(base string, op Operation, wire map[string]string, fixed map[string]string) string {
	var b strings.Builder
	b.WriteString(strings.TrimRight(base, "/"))
	path := op.Path
	for {
		i := strings.IndexByte(path, '{')
		j := strings.IndexByte(path, '}')
		if i < 0 || j < i {
			b.WriteString(path)
			break
		}
		b.WriteString(path[:i])
		b.WriteString(wire[path[i+1:j]])
		path = path[j+1:]
	}
	q := url.Values{}
	for _, p := range op.Params {
		if p.In == "query" {
			if v, ok := fixed[p.Name]; ok {
				q.Set(p.Name, v)
			}
		}
	}
	if len(q) > 0 {
		b.WriteString("?" + q.Encode())
	}
	return b.String()
}

// curlLine is a shell command that reproduces one request. The token stays
// in the environment variable the config named: never in clear.
func curlLine(method, rawURL, tokenVar string) string {
	verb := "-X " + method
	if method == "HEAD" {
		verb = "--head"
	}
	return fmt.Sprintf(`curl -sS -i --path-as-is -g %s -H "Authorization: Bearer $%s" %s`, verb, tokenVar, shellQuote(rawURL))
}

// shellQuote quotes s for a POSIX shell with single quotes, so that %, ;,
// $ and spaces reach curl untouched.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// scalarText writes a spec example, default or enum value as text.
func scalarText(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case float64:
		if t == float64(int64(t)) {
			return fmt.Sprintf("%d", int64(t))
		}
		return fmt.Sprint(t)
	default:
		return fmt.Sprint(t)
	}
}

// sharedWith reports whether the config lists the object as shared with
// user (a team document both may read).
func (c *Config) sharedWith(param, id, user string) bool {
	for _, s := range c.Shared {
		if s.ID != id || (s.Param != "" && s.Param != param) {
			continue
		}
		if len(s.Users) == 0 {
			return true
		}
		for _, u := range s.Users {
			if u == user {
				return true
			}
		}
	}
	return false
}

// sortedKeys returns a map's keys in order, for stable output.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
