package engine

import (
	"net/url"
	"strings"
)

// withServerPath keeps the spec's base path when the base URL gives only a
// scheme and host: a spec whose server is "/api/v3" or
// "https://api.example.com/v2" and a config whose baseURL is
// "https://staging.example" mean https://staging.example/api/v3. A base URL
// with a path of its own is taken as it is.
func (s *Scan) WithServerPath(base string) string {
	u, err := url.Parse(base)
	if err != nil || strings.Trim(u.Path, "/") != "" || len(s.Spec.Servers) == 0 {
		return base
	}
	path := serverPath(s.Spec.Servers[0])
	if path == "" {
		return base
	}
	s.Log("base URL %s: keeping the spec server's base path %s (give baseURL a path to override it)", base, path)
	return strings.TrimRight(base, "/") + path
}

// serverPath is the path of a server URL, absolute or relative, without a
// trailing slash ("" for none).
func serverPath(server string) string {
	u, err := url.Parse(server)
	if err != nil {
		return ""
	}
	return strings.TrimRight(u.Path, "/")
}
