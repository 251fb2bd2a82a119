package harness

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// UserAgent is sent with every request, so server operators can tell the
// harness's traffic apart in their logs.
const UserAgent = "bolaharness/0.1"

// acceptHeader prefers JSON, which the oracle reads best, but takes anything.
const acceptHeader = "application/json, */*;q=0.5"

// maxRedirects is how many same-origin redirects one request may follow.
const maxRedirects = 5

// ClientOptions configures a Client; the zero value (with a BaseURL) is safe:
// GET and HEAD only, DefaultRate, verified TLS.
type ClientOptions struct {
	// BaseURL is required: requests only ever go to its origin
	// (scheme, host and port); any path prefix is the caller's business.
	BaseURL string
	// Methods are the methods that may be sent; empty = GET, HEAD.
	Methods []string
	// Rate is requests per second; 0 = DefaultRate, so a forgotten field
	// never means "as fast as possible". Config.Rate 0 maps to RateUnlimited.
	Rate float64
	// RateUnlimited lifts the rate limit.
	RateUnlimited bool
	// Concurrency is how many requests may be in flight; 0 = DefaultConcurrency.
	Concurrency int
	// Timeout bounds a whole request, redirects and body included;
	// 0 = DefaultTimeout.
	Timeout time.Duration
	// MaxBody is how many bytes of each (decompressed) body are kept;
	// 0 = DefaultMaxBody.
	MaxBody int64
	// MaxRequests is the budget of requests sent; 0 = unlimited.
	MaxRequests int
	// Transport sends the requests; nil = a tuned *http.Transport (proxy from
	// the environment, TLS verified, dial/TLS/response-header timeouts).
	Transport http.RoundTripper
	// Secrets are every user's token; bodies stay raw for judging, and
	// Client.Redact hides the tokens in anything shown to a person.
	Secrets []Secret
}

// Exchange is one request and its outcome; a transport failure is data (Err),
// never a panic.
type Exchange struct {
	User      string
	Method    string
	URL       string // exactly as sent (wire form)
	FinalURL  string // the URL that answered, when redirects were followed ("" otherwise)
	Status    int    // 0 when no response
	Header    http.Header
	Body      []byte // at most MaxBody bytes (decompressed)
	Truncated bool
	// Err is "" or the reason: "timeout after 15s", "connection refused",
	// "redirect to another origin refused: URL", "method POST not allowed by
	// config methods (GET, HEAD)", "request budget of N reached", "URL leaves
	// the configured origin"...
	Err      string
	Duration time.Duration
}

// Client is the one HTTP client of the harness: every request goes through
// its allow-list, origin check, rate limit, concurrency limit and budget.
// It is safe for concurrent use.
type Client struct {
	origin  string // scheme://host:port, lower case, port explicit
	methods []string
	limiter *rate.Limiter // nil = unlimited
	sem     chan struct{}
	timeout time.Duration
	maxBody int64
	budget  int64 // 0 = unlimited
	sent    atomic.Int64
	hc      *http.Client
	secrets []Secret
}

// errBudget marks a request refused by the budget.
var errBudget = errors.New("request budget reached")

// NewClient checks opts and builds a client.
func NewClient(opts ClientOptions) (*Client, error) {
	if opts.BaseURL == "" {
		return nil, errors.New("client: BaseURL is required; set baseURL in the config or export BOLA_BASE_URL")
	}
	if msg := badBaseURL(opts.BaseURL); msg != "" {
		return nil, fmt.Errorf("client: BaseURL: %s", msg)
	}
	origin, err := originOf(opts.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("client: BaseURL: %v", err)
	}
	c := &Client{origin: origin, secrets: opts.Secrets}
	if err := c.setLimits(opts); err != nil {
		return nil, err
	}
	tr := opts.Transport
	if tr == nil {
		tr = defaultTransport(cap(c.sem), c.timeout)
	}
	c.hc = &http.Client{Transport: &countingTransport{c: c, next: tr}, CheckRedirect: c.checkRedirect}
	return c, nil
}

// setLimits fills methods, rate, concurrency, timeout, body size and budget.
func (c *Client) setLimits(opts ClientOptions) error {
	c.methods = []string{"GET", "HEAD"}
	if len(opts.Methods) > 0 {
		c.methods = nil
		for _, m := range opts.Methods {
			if err := checkMethod(m); err != nil {
				return fmt.Errorf("client: Methods: %v", err)
			}
			c.methods = append(c.methods, m)
		}
	}
	switch {
	case opts.Rate < 0:
		return fmt.Errorf("client: Rate %v is negative; give requests per second or set RateUnlimited", opts.Rate)
	case opts.Concurrency < 0, opts.Timeout < 0, opts.MaxBody < 0, opts.MaxRequests < 0:
		return errors.New("client: Concurrency, Timeout, MaxBody and MaxRequests must not be negative (0 = default)")
	}
	if !opts.RateUnlimited {
		r := opts.Rate
		if r == 0 {
			r = DefaultRate
		}
		// Burst 1: requests are spaced evenly instead of bunched.
		c.limiter = rate.NewLimiter(rate.Limit(r), 1)
	}
	c.sem = make(chan struct{}, orDefault(opts.Concurrency, DefaultConcurrency))
	c.timeout = opts.Timeout
	if c.timeout == 0 {
		c.timeout = DefaultTimeout
	}
	c.maxBody = opts.MaxBody
	if c.maxBody == 0 {
		c.maxBody = DefaultMaxBody
	}
	c.budget = int64(opts.MaxRequests)
	return nil
}

func orDefault(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// defaultTransport is tuned for a scan: bounded waits at every stage, TLS
// verified, idle connections kept for the in-flight limit.
func defaultTransport(concurrency int, timeout time.Duration) *http.Transport {
	return &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		DialContext:         (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:     &tls.Config{MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout: 10 * time.Second,
		// A backstop only: the per-request context fires first and gives
		// the clearer "timeout after" reason.
		ResponseHeaderTimeout: timeout + time.Second,
		ExpectContinueTimeout: time.Second,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   concurrency,
		IdleConnTimeout:       90 * time.Second,
	}
}

// Requests is how many requests were actually sent, redirect hops included;
// refused requests (budget, method, origin) are not counted.
func (c *Client) Requests() int64 { return c.sent.Load() }

// Redact hides every configured token in text.
func (c *Client) Redact(text string) string { return Redact(text, c.secrets...) }

// Do sends one request as user with its Bearer token. wireURL is absolute and
// must be on the base origin; its path and query are sent byte for byte as
// given, so encodings such as "%2538", "+8", ";x" or "%00" reach the server
// exactly. user may be nil for an unauthenticated request.
func (c *Client) Do(ctx context.Context, user *User, method, wireURL string) Exchange {
	x := Exchange{Method: method, URL: wireURL}
	if user != nil {
		x.User = user.Name
	}
	if !hasString(c.methods, method) {
		x.Err = fmt.Sprintf("method %s not allowed by config methods (%s)", method, strings.Join(c.methods, ", "))
		return x
	}
	req, reason := c.newRequest(ctx, method, wireURL)
	if reason != "" {
		x.Err = reason
		return x
	}
	if c.budget > 0 && c.sent.Load() >= c.budget {
		x.Err = c.budgetReason()
		return x
	}
	if err := c.acquire(ctx); err != nil {
		x.Err = "canceled: " + err.Error()
		return x
	}
	defer func() { <-c.sem }()
	if c.limiter != nil {
		if err := c.limiter.Wait(ctx); err != nil {
			x.Err = "canceled while waiting for the rate limit: " + err.Error()
			return x
		}
	}
	c.send(ctx, req, user, &x)
	return x
}

func (c *Client) budgetReason() string {
	return fmt.Sprintf("request budget of %d reached", c.budget)
}

// acquire takes a concurrency slot or gives up when ctx ends.
func (c *Client) acquire(ctx context.Context) error {
	select {
	case c.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// send performs the request under the per-request timeout and fills x.
func (c *Client) send(ctx context.Context, req *http.Request, user *User, x *Exchange) {
	start := time.Now()
	defer func() { x.Duration = time.Since(start) }()
	tctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	note := &redirectNote{paid: true}
	req = req.WithContext(context.WithValue(tctx, redirectNoteKey{}, note))
	if user != nil {
		req.Header.Set("Authorization", "Bearer "+user.Token.Reveal())
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		x.Err = c.describe(ctx, err)
		return
	}
	defer closeBody(resp.Body, x)
	x.Status, x.Header = resp.StatusCode, resp.Header
	if resp.Request != nil && resp.Request.URL != nil && note.hops > 0 {
		x.FinalURL = resp.Request.URL.String()
	}
	if note.refused != "" {
		x.Err = note.refused
	}
	if req.Method == http.MethodHead {
		return
	}
	c.readBody(ctx, resp.Body, x)
}

// readBody keeps at most maxBody bytes; one byte more tells truncation apart
// from a body of exactly maxBody bytes. The limit applies after the
// transport's gzip decoding, so a compression bomb stays small.
func (c *Client) readBody(ctx context.Context, body io.Reader, x *Exchange) {
	b, err := io.ReadAll(io.LimitReader(body, c.maxBody+1))
	if int64(len(b)) > c.maxBody {
		b, x.Truncated = b[:c.maxBody], true
	}
	x.Body = b
	if err != nil && x.Err == "" {
		x.Err = "reading body: " + c.describe(ctx, err)
	}
}

// closeBody closes a response body; a failure there changes nothing the
// exchange says, unless nothing else went wrong.
func closeBody(body io.Closer, x *Exchange) {
	if err := body.Close(); err != nil && x.Err == "" && !x.Truncated {
		x.Err = "closing body: " + err.Error()
	}
}

// describe turns a transport error into a short reason for the report.
func (c *Client) describe(ctx context.Context, err error) string {
	switch {
	case errors.Is(err, errBudget):
		return c.budgetReason()
	case ctx.Err() != nil:
		return "canceled: " + ctx.Err().Error()
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout after " + c.timeout.String()
	case isConnRefused(err):
		return "connection refused"
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "timeout: " + unwrapURLError(err).Error()
	}
	return unwrapURLError(err).Error()
}
