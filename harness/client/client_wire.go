package client

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
)

// newRequest builds the request for wireURL, or says why it may not be sent.
// Only scheme and authority go through net/url; path and query are kept as
// given, because net/url would re-encode exactly the spellings (%2538, %00,
// {x}) that authorization bypasses depend on. The request has no context:
// each attempt sends a copy under its own (send).
func (c *Client) newRequest(method, wireURL string) (*http.Request, string) {
	scheme, rest, ok := strings.Cut(wireURL, "://")
	if !ok {
		return nil, fmt.Sprintf("URL %q is not absolute; give scheme://host/path on %s", wireURL, c.origin)
	}
	rest, _, _ = strings.Cut(rest, "#") // fragments never go on the wire
	end := strings.IndexAny(rest, "/?")
	if end < 0 {
		end = len(rest)
	}
	authority, target := rest[:end], rest[end:]
	pb := c.parseBase(scheme, authority)
	if pb.reason != "" {
		return nil, pb.reason
	}
	base := pb.u
	if i := strings.IndexFunc(target, func(r rune) bool { return r <= ' ' || r == 0x7f }); i >= 0 {
		return nil, fmt.Sprintf("URL has a space or control character at byte %d of its path; percent-encode it", i)
	}
	rawPath, rawQuery, hasQuery := strings.Cut(target, "?")
	u := *base
	if !setRawPath(&u, rawPath) {
		return nil, "URL path starts with // and cannot be sent exactly; percent-encode the second slash"
	}
	u.RawQuery, u.ForceQuery = rawQuery, hasQuery && rawQuery == ""
	// Built as http.NewRequestWithContext would build it, less what it
	// costs: it parses a URL (here built above) and makes a header map
	// (here replaced), and checks the method, which is one of the
	// allow-list's (DoRequest checked it first, and config.CheckMethod
	// admits only HTTP's own methods).
	req := &http.Request{Method: method, URL: &u, Host: pb.host, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"User-Agent": userAgentValue, "Accept": acceptValue}}
	// No Accept-Encoding: the transport then asks for gzip itself and
	// decodes it, so the body limit applies to the decoded bytes.
	return req, ""
}

// The values of the headers every request carries, shared read-only by all
// requests (a slice per request per header was pure garbage). Their length
// is their capacity, so an Add appends to a copy, never into these.
var (
	userAgentValue = []string{UserAgent}
	acceptValue    = []string{acceptHeader}
)

// parsedBase is scheme://authority of a request URL, parsed and checked.
type parsedBase struct {
	scheme, authority string
	u                 *url.URL
	host              string // the Host header net/http would derive (an empty port dropped)
	reason            string // why a request to it may not be sent, "" if it may
}

// parseBase parses and checks scheme://authority once for all the requests
// that share it (nearly all of a run's): parsing it per request was a good
// part of building one. Callers copy base before changing it.
func (c *Client) parseBase(scheme, authority string) *parsedBase {
	if pb := c.lastBase.Load(); pb != nil && pb.scheme == scheme && pb.authority == authority {
		return pb
	}
	pb := &parsedBase{scheme: scheme, authority: authority}
	base, err := url.Parse(scheme + "://" + authority)
	switch {
	case err != nil:
		pb.reason = fmt.Sprintf("URL does not parse: %v", unwrapURLError(err))
	case base.User != nil:
		pb.reason = "URL carries user info; the harness authenticates with Bearer tokens only"
	case originOfURL(base) != c.origin:
		pb.reason = fmt.Sprintf("URL leaves the configured origin %s", c.origin)
	default:
		pb.u, pb.host = base, strings.TrimSuffix(base.Host, ":")
	}
	c.lastBase.Store(pb)
	return pb
}

// setRawPath makes u send raw as its path, byte for byte. It prefers
// Path+RawPath (so relative redirects resolve normally) and falls back to
// Opaque for spellings net/url would change. It reports false when raw cannot
// be sent exactly.
func setRawPath(u *url.URL, raw string) bool {
	if p, err := url.PathUnescape(raw); err == nil {
		u.Path, u.RawPath = p, raw
		if u.EscapedPath() == raw {
			return true
		}
	}
	u.Path, u.RawPath = "", ""
	if strings.HasPrefix(raw, "//") {
		// An Opaque starting with // is read as //host/path.
		return false
	}
	u.Opaque = raw
	return true
}

// originOf is the origin of a URL: scheme://host:port, lower case, with the
// default port made explicit so that :443 and no port compare equal.
func originOf(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", err
	}
	return originOfURL(u), nil
}

func originOfURL(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[scheme]
	}
	return scheme + "://" + net.JoinHostPort(strings.ToLower(u.Hostname()), port)
}

// redirectNote carries what happened to one Do call's redirects from
// CheckRedirect and the transport back to Do.
type redirectNote struct {
	paid    bool   // the first hop already waited for the rate limiter
	hops    int    // redirects followed
	refused string // why a redirect was not followed, "" if none was refused
	// noFollow keeps the 3xx itself (a login's, whose Set-Cookie matters).
	noFollow bool
}

type redirectNoteKey struct{}

func noteOf(ctx context.Context) *redirectNote {
	n, ok := ctx.Value(redirectNoteKey{}).(*redirectNote)
	if !ok {
		return &redirectNote{}
	}
	return n
}

// checkRedirect follows a redirect only within the base origin, so a token
// never reaches another origin; a refused redirect leaves the 3xx response as
// the exchange's outcome, with the reason in Err.
func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	note := noteOf(req.Context())
	if note.noFollow {
		return http.ErrUseLastResponse
	}
	if len(via) > maxRedirects {
		note.refused = fmt.Sprintf("stopped after %d redirects", maxRedirects)
		return http.ErrUseLastResponse
	}
	if originOfURL(req.URL) != c.origin {
		note.refused = "redirect to another origin refused: " + req.URL.String()
		return http.ErrUseLastResponse
	}
	note.hops++
	return nil
}

// countingTransport enforces the budget and the rate on every request that
// goes on the wire, redirect hops included, and counts them.
type countingTransport struct {
	c    *Client
	next http.RoundTripper
}

// RoundTrip reserves one request of the budget, waits for the rate limiter
// (except for the first hop, which Do already paid), and sends. Logins and
// retries come through here too, so they count against budget and rate.
func (t *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := req.Context().Err(); err != nil {
		return nil, err // not sent, so not counted
	}
	note := noteOf(req.Context())
	if note.paid {
		note.paid = false
	} else if t.c.limiter != nil {
		if err := t.c.limiter.Wait(req.Context()); err != nil {
			return nil, err
		}
	}
	if !t.c.reserve() {
		t.c.refused.Add(1)
		return nil, errBudget
	}
	return t.next.RoundTrip(req)
}

// reserve takes one request from the budget, or reports that none is left.
func (c *Client) reserve() bool {
	for {
		n := c.sent.Load()
		if c.budget > 0 && n >= c.budget {
			return false
		}
		if c.sent.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

func isConnRefused(err error) bool { return errors.Is(err, syscall.ECONNREFUSED) }

// unwrapURLError drops net/url's `Get "URL":` prefix, which repeats what the
// exchange already records.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
