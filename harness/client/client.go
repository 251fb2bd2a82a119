package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/secret"
	"github.com/bolaharness/bolaharness/harness/spec"

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
// GET and HEAD only, DefaultRate, verified TLS, bounded waits and bodies.
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
	// ConnectTimeout bounds the TCP connect and the TLS handshake;
	// 0 = DefaultConnectTimeout.
	ConnectTimeout time.Duration
	// HeaderTimeout bounds the wait for response headers; 0 = Timeout.
	HeaderTimeout time.Duration
	// MaxBody is how many bytes of each (decompressed) body are kept;
	// 0 = DefaultMaxBody.
	MaxBody int64
	// MaxRequests is the budget of requests sent, retries and logins
	// included; 0 = unlimited.
	MaxRequests int
	// MaxTimeouts is how many timeouts (or rate-limit give-ups) in a row on
	// one operation (see WithOperation) stop further requests to it;
	// 0 = DefaultMaxTimeouts, -1 = never.
	MaxTimeouts int
	// MaxRetries is how often a 429 or 503 is retried; 0 = DefaultMaxRetries,
	// -1 = never.
	MaxRetries int
	// MaxRetryWait caps one wait that Retry-After asks for; a server asking
	// for more is given up on. 0 = DefaultMaxRetryWait.
	MaxRetryWait time.Duration
	// RefreshCooldown is the least time between two logins of one user
	// prompted by a 401; 0 = DefaultRefreshCooldown.
	RefreshCooldown time.Duration
	// CAFile is a PEM file of CA certificates trusted besides the system's.
	CAFile string
	// InsecureSkipVerify turns TLS certificate checks off; Warnings says so.
	InsecureSkipVerify bool
	// Transport sends the requests; nil = a tuned *http.Transport (proxy from
	// the environment, TLS verified, connect/TLS/header timeouts). CAFile and
	// InsecureSkipVerify apply only to that default transport.
	Transport http.RoundTripper
	// Wrap, when set, wraps the transport (the default or Transport) to
	// observe every request and answer, e.g. to write a HAR file; it sees
	// them after the client added credentials, so it must redact.
	Wrap func(http.RoundTripper) http.RoundTripper
	// Secrets are every user's token; bodies stay raw for judging, and
	// Client.Redact hides the tokens in anything shown to a person.
	Secrets []secret.Secret
	// Keyring receives the tokens obtained by logging in, so that whoever
	// redacts with it hides them too; nil = a keyring of the client's own.
	Keyring *secret.Keyring
	// Spec says which credential each operation takes (its security
	// alternatives); nil = every user's token as Bearer (or basic), as
	// before specs named other schemes.
	Spec *spec.Spec
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
	// the configured origin", "rate-limited: ..."... Tokens are redacted.
	Err      string
	Duration time.Duration
	// Retries is how many times the request was sent again after a 429 or
	// 503, or after a fresh login on a 401.
	Retries int
}

// Client is the one HTTP client of the harness: every request goes through
// its allow-list, origin check, breaker, rate limit, concurrency limit and
// budget. It is safe for concurrent use.
type Client struct {
	origin  string // scheme://host:port, lower case, port explicit
	base    string // BaseURL without a trailing slash, for login paths
	methods []string
	limiter *rate.Limiter // nil = unlimited
	sem     chan struct{}
	Timeout time.Duration
	maxBody int64
	budget  int64 // 0 = unlimited
	sent    atomic.Int64
	refused atomic.Int64 // requests not sent because the budget was spent
	hc      *http.Client
	watch   *watchdog // cuts the requests that outlast Timeout
	secrets []secret.Secret
	keys    *secret.Keyring
	retry   *retryPolicy
	breaker *breaker
	logins  *logins
	// spec, byOp and basePath find each request's security alternatives
	// (credentials.go).
	spec     *spec.Spec
	byOp     map[string][]spec.Requirement
	basePath string
	// insecure is set when TLS checks are off, for Warnings.
	insecure bool
	// lastBase is the last scheme://authority requested, parsed
	// (client_wire.go).
	lastBase atomic.Pointer[parsedBase]
}

// errBudget marks a request refused by the budget.
var errBudget = errors.New("request budget reached")

// NewClient checks opts and builds a client.
func NewClient(opts ClientOptions) (*Client, error) {
	if opts.BaseURL == "" {
		return nil, errors.New("client: BaseURL is required; set baseURL in the config or export BOLA_BASE_URL")
	}
	if msg := config.BadBaseURL(opts.BaseURL); msg != "" {
		return nil, fmt.Errorf("client: BaseURL: %s", msg)
	}
	origin, err := originOf(opts.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("client: BaseURL: %v", err)
	}
	c := &Client{origin: origin, base: strings.TrimRight(opts.BaseURL, "/"), secrets: opts.Secrets, keys: opts.Keyring,
		spec: opts.Spec, byOp: securityIndex(opts.Spec)}
	if bu, err := url.Parse(opts.BaseURL); err == nil {
		c.basePath = strings.TrimRight(bu.EscapedPath(), "/")
	}
	if c.keys == nil {
		c.keys = &secret.Keyring{}
	}
	if err := c.setLimits(opts); err != nil {
		return nil, err
	}
	tr := opts.Transport
	if tr == nil {
		if tr, err = c.defaultTransport(opts); err != nil {
			return nil, err
		}
	}
	if opts.Wrap != nil {
		tr = opts.Wrap(tr)
	}
	c.hc = &http.Client{Transport: &countingTransport{c: c, next: tr}, CheckRedirect: c.checkRedirect}
	return c, nil
}

// setLimits fills methods, rate, concurrency, timeout, body size, budget,
// retries, breaker and logins.
func (c *Client) setLimits(opts ClientOptions) error {
	c.methods = []string{"GET", "HEAD"}
	if len(opts.Methods) > 0 {
		c.methods = nil
		for _, m := range opts.Methods {
			if err := config.CheckMethod(m); err != nil {
				return fmt.Errorf("client: Methods: %v", err)
			}
			c.methods = append(c.methods, m)
		}
	}
	switch {
	case opts.Rate < 0:
		return fmt.Errorf("client: Rate %v is negative; give requests per second or set RateUnlimited", opts.Rate)
	case opts.Concurrency < 0, opts.Timeout < 0, opts.MaxBody < 0, opts.MaxRequests < 0,
		opts.ConnectTimeout < 0, opts.HeaderTimeout < 0, opts.MaxRetryWait < 0, opts.RefreshCooldown < 0:
		return errors.New("client: Concurrency, Timeout, ConnectTimeout, HeaderTimeout, MaxBody, MaxRequests, MaxRetryWait and RefreshCooldown must not be negative (0 = default)")
	case opts.MaxTimeouts < -1, opts.MaxRetries < -1:
		return errors.New("client: MaxTimeouts and MaxRetries must be -1 (never), 0 (default) or more")
	}
	if !opts.RateUnlimited {
		r := opts.Rate
		if r == 0 {
			r = config.DefaultRate
		}
		// Burst 1: requests are spaced evenly instead of bunched.
		c.limiter = rate.NewLimiter(rate.Limit(r), 1)
	}
	c.sem = make(chan struct{}, orDefault(opts.Concurrency, config.DefaultConcurrency))
	c.Timeout = orDefaultDuration(opts.Timeout, config.DefaultTimeout)
	c.watch = newWatchdog(c.Timeout)
	c.maxBody = opts.MaxBody
	if c.maxBody == 0 {
		c.maxBody = config.DefaultMaxBody
	}
	c.budget = int64(opts.MaxRequests)
	c.retry = newRetryPolicy(opts)
	c.breaker = newBreaker(orDefault(opts.MaxTimeouts, config.DefaultMaxTimeouts))
	c.logins = newLogins(orDefaultDuration(opts.RefreshCooldown, DefaultRefreshCooldown))
	return nil
}

func orDefault(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

func orDefaultDuration(v, def time.Duration) time.Duration {
	if v == 0 {
		return def
	}
	return v
}

// Requests is how many requests were actually sent, redirect hops, retries
// and logins included; refused requests (budget, method, origin, breaker)
// are not counted.
func (c *Client) Requests() int64 { return c.sent.Load() }

// Exhausted reports whether the request budget is spent, so a runner can
// stop planning more work.
func (c *Client) Exhausted() bool { return c.budget > 0 && c.sent.Load() >= c.budget }

// Redact hides every configured token, and every token obtained by logging
// in, in text.
func (c *Client) Redact(text string) string {
	if text == "" {
		return text // every request redacts its (mostly empty) error and final URL
	}
	return secret.Redact(text, append(c.keys.Secrets(), c.secrets...)...)
}

// Do sends one request as user with the credential its operation takes
// (credentials.go). wireURL is absolute and
// must be on the base origin; its path and query are sent byte for byte as
// given, so encodings such as "%2538", "+8", ";x" or "%00" reach the server
// exactly. user may be nil for an unauthenticated request. A ctx carrying an
// operation (WithOperation) is subject to that operation's breaker.
func (c *Client) Do(ctx context.Context, user *config.User, method, wireURL string) Exchange {
	return c.DoRequest(ctx, user, Request{Method: method, URL: wireURL})
}

// DoRequest is Do for a request that may carry extra headers and a body
// (client_request.go). The methods allow-list is checked first, whatever the
// request carries: a write the config does not allow is never sent.
func (c *Client) DoRequest(ctx context.Context, user *config.User, r Request) (x Exchange) {
	method := r.Method
	x = Exchange{Method: method, URL: r.URL}
	if user != nil {
		x.User = user.Name
	}
	// Reasons quote URLs (a refused redirect's Location may carry the token
	// the server echoed), so they are redacted on the way out.
	defer func() { x.Err, x.FinalURL = c.Redact(x.Err), c.Redact(x.FinalURL) }()
	if !slices.Contains(c.methods, method) {
		x.Err = fmt.Sprintf("method %s not allowed by config methods (%s)", method, strings.Join(c.methods, ", "))
		return x
	}
	if r.Invalid != "" {
		x.Err = r.Invalid
		return x
	}
	req, reason := c.newRequest(method, r.URL)
	if reason == "" {
		reason = r.apply(req)
	}
	if reason != "" {
		x.Err = reason
		return x
	}
	if reason := c.breaker.refusal(ctx); reason != "" {
		x.Err = reason
		return x
	}
	if c.Exhausted() {
		c.refused.Add(1)
		x.Err = c.BudgetReason()
		return x
	}
	if err := c.acquire(ctx); err != nil {
		x.Err = "canceled: " + context.Cause(ctx).Error()
		return x
	}
	defer func() { <-c.sem }()
	overloaded := c.exchange(ctx, req, user, &x)
	c.breaker.record(ctx, overloaded, x.Status != 0)
	return x
}

func (c *Client) BudgetReason() string {
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

// Warnings are the lines a report should carry about how the client ran:
// TLS checks off, the budget spent, rate limiting, operations stopped.
func (c *Client) Warnings() []string {
	var out []string
	if c.insecure {
		out = append(out, InsecureWarning)
	}
	if n := c.refused.Load(); n > 0 {
		out = append(out, fmt.Sprintf("request budget of %d reached: %d requests were not sent; raise maxRequests, lower cases, or split the run with BOLA_SHARD", c.budget, n))
	}
	out = append(out, c.retry.warnings()...)
	return append(out, c.breaker.warnings()...)
}
