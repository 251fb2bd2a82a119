package engine

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/bolaharness/bolaharness/harness/client"
	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/report"
)

// PrepareHandler prepares a scan of cfg against h in process: every request
// is served by h through an InProcessTransport, at InProcessBaseURL followed
// by the path prefix the config's baseURL (or the spec's first server) gives.
// It replaces a fixture the config names and any opts.Transport.
func PrepareHandler(cfg *config.Config, h http.Handler, opts Options) (*Scan, error) {
	if h == nil {
		return nil, fmt.Errorf("%s: in-process run: the http.Handler is nil; pass the handler to test", cfg.File)
	}
	opts.Handler = h
	return Prepare(cfg, opts)
}

// RunHandler runs cfg against h in process and returns the report: the
// library entry for BOLA tests of a Go service inside its own unit tests, in
// milliseconds and without a listening socket.
func RunHandler(ctx context.Context, cfg *config.Config, h http.Handler, opts Options, t TB) (*report.Report, error) {
	s, err := PrepareHandler(cfg, h, opts)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	return s.Run(ctx, t), nil
}

// startInProcess settles the base URL of an in-process run: the synthetic
// origin with the path prefix of the base URL a network run would use, so the
// handler sees the paths it sees in production.
func (s *Scan) startInProcess() {
	s.baseURL = client.InProcessBaseURL + pathPrefix(s.Cfg.BaseURL)
	if s.Cfg.BaseURL == "" && len(s.Spec.Servers) > 0 {
		s.baseURL = client.InProcessBaseURL + pathPrefix(s.Spec.Servers[0])
	}
}

// inProcessTransport is the transport Prepare installs for opts.Handler,
// keeping one byte more than the client so that truncation shows.
func inProcessTransport(h http.Handler, co client.ClientOptions) http.RoundTripper {
	limit := co.MaxBody
	if limit == 0 {
		limit = config.DefaultMaxBody
	}
	return &client.InProcessTransport{Handler: h, MaxBody: limit + 1}
}

// pathPrefix is the path of a base or server URL without its trailing slash;
// "" when it has none or does not parse (then the handler is mounted at /).
func pathPrefix(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" {
		return ""
	}
	return strings.TrimRight(u.EscapedPath(), "/")
}
