package client

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/bolaharness/bolaharness/harness/config"
)

// exchange sends req until it has an answer worth keeping: a 429 or 503 is
// retried after the wait the server asks for (within limits), and a 401 to
// a user who logs in is retried once with a fresh token. It reports whether
// the endpoint looked overloaded (a timeout, or rate limiting given up on),
// which feeds the operation's breaker.
func (c *Client) exchange(ctx context.Context, req *http.Request, user *config.User, x *Exchange) bool {
	refreshed := false
	for attempt := 0; ; attempt++ {
		if err := c.waitTurn(ctx); err != nil {
			x.Err = "canceled: " + context.Cause(ctx).Error()
			return false
		}
		*x = Exchange{User: x.User, Method: x.Method, URL: x.URL, Retries: attempt}
		sess, reason := c.session(ctx, user)
		if reason != "" {
			x.Err = reason
			return false
		}
		timedOut := c.send(ctx, req, c.credentials(ctx, req.Method, req.URL, user, sess), x)
		if timedOut {
			return true
		}
		again, overloaded := c.retry.Decide(x, attempt)
		if again {
			continue
		}
		if overloaded {
			return true
		}
		if x.Status == http.StatusUnauthorized && !refreshed && authCheckOf(ctx) == "" && c.refresh(ctx, user, sess.gen) {
			refreshed = true
			continue
		}
		return false
	}
}

// waitTurn holds a request back while the server asked for a pause
// (Retry-After) and then until the rate limiter lets it go. The pause is
// checked again after the limiter: a request queued there when a 429
// arrived must not go out during the pause.
func (c *Client) waitTurn(ctx context.Context) error {
	if err := c.retry.waitPause(ctx); err != nil {
		return err
	}
	if c.limiter == nil {
		return nil
	}
	if err := c.limiter.Wait(ctx); err != nil {
		return err
	}
	return c.retry.waitPause(ctx)
}

// send performs the request once, under the per-request timeout, and fills
// x. It reports whether the request timed out.
func (c *Client) send(ctx context.Context, req *http.Request, creds []cred, x *Exchange) bool {
	start := time.Now()
	defer func() { x.Duration = time.Since(start) }()
	// The client's watchdog cuts the attempt once c.Timeout has passed
	// (watchdog.go); the attempt's context also carries its redirect note.
	a := c.watch.start(ctx)
	defer c.watch.finish(a)
	a.user = x.User
	note := &a.note
	note.paid = true
	// A shallow copy: the request is DoRequest's own, sent by one goroutine;
	// only the credential headers are set, afresh (or removed) on every
	// attempt, and a query key goes on a copy of the URL (authorize).
	// Cloning its header per attempt cost more than the rest of building it.
	req = req.WithContext(a)
	if err := rewindBody(req); err != nil {
		x.Err = "reading the request body: " + err.Error()
		return false
	}
	authorize(req, creds)
	resp, err := c.hc.Do(req)
	if err != nil {
		err = a.explain(ctx, err)
		x.Err = c.describe(ctx, err)
		return isTimeout(ctx, err)
	}
	x.Status, x.Header = resp.StatusCode, resp.Header
	if resp.Request != nil && resp.Request.URL != nil && note.hops > 0 {
		x.FinalURL = resp.Request.URL.String()
	}
	if note.refused != "" {
		x.Err = note.refused
	}
	timedOut := false
	if req.Method != http.MethodHead {
		timedOut = c.readBody(ctx, a, resp.Body, resp.ContentLength, x)
	}
	closeBody(resp.Body, x)
	return timedOut
}

// readBody keeps at most maxBody bytes; one byte more tells truncation apart
// from a body of exactly maxBody bytes. The limit applies after the
// transport's gzip decoding, so a compression bomb stays small. It reports
// whether reading timed out. size is the Content-Length (-1 when unknown):
// a body of known size is read into one buffer of that size, where
// io.ReadAll would start at 512 bytes and grow by copying.
func (c *Client) readBody(ctx context.Context, a *attempt, body io.Reader, size int64, x *Exchange) bool {
	var b []byte
	var err error
	if size >= 0 && size <= c.maxBody {
		b, err = readKnown(body, size, c.maxBody+1)
	} else {
		b, err = io.ReadAll(io.LimitReader(body, c.maxBody+1))
	}
	if int64(len(b)) > c.maxBody {
		b, x.Truncated = b[:c.maxBody], true
	}
	x.Body = b
	err = a.explain(ctx, err)
	if err != nil && x.Err == "" {
		x.Err = "reading body: " + c.describe(ctx, err)
	}
	return err != nil && isTimeout(ctx, err)
}

// closeBody closes a response body; a failure there changes nothing the
// exchange says, unless nothing else went wrong.
func closeBody(body io.Closer, x *Exchange) {
	if err := body.Close(); err != nil && x.Err == "" && !x.Truncated {
		x.Err = "closing body: " + err.Error()
	}
}

// readKnown reads a body announced as size bytes, at most limit: into one
// buffer of size+1 bytes (the extra byte lets a body longer than announced
// show without a second allocation), growing like io.ReadAll only when the
// server sends more than it announced.
func readKnown(body io.Reader, size, limit int64) ([]byte, error) {
	b := make([]byte, 0, min(size+1, limit))
	for {
		n, err := body.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
		if int64(len(b)) >= limit {
			return b[:limit], nil
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)] // grow; the server sent more than announced
		}
	}
}

// isTimeout tells a request that ran out of time from one whose run was
// stopped (ctx ended) or that failed otherwise.
func isTimeout(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

// describe turns a transport error into a short reason for the report.
func (c *Client) describe(ctx context.Context, err error) string {
	switch {
	case errors.Is(err, errBudget):
		return c.BudgetReason()
	case ctx.Err() != nil:
		return "canceled: " + context.Cause(ctx).Error()
	case strings.Contains(err.Error(), "awaiting response headers"):
		return "timeout waiting for response headers"
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout after " + c.Timeout.String()
	case isConnRefused(err):
		return "connection refused"
	}
	if hint := tlsHint(err); hint != "" {
		return hint
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "timeout: " + unwrapURLError(err).Error()
	}
	return unwrapURLError(err).Error()
}

// tlsHint words certificate failures with the config keys that fix them.
func tlsHint(err error) string {
	var unknown x509.UnknownAuthorityError
	var host x509.HostnameError
	var invalid x509.CertificateInvalidError
	var verify *tls.CertificateVerificationError
	switch {
	case errors.As(err, &unknown):
		return "TLS: the server's certificate is signed by an unknown authority; give its CA in PEM form with caFile in the config (insecureSkipVerify: true turns checks off, not recommended)"
	case errors.As(err, &host):
		return "TLS: the server's certificate is not valid for " + host.Host + "; use the host name the certificate names in baseURL"
	case errors.As(err, &invalid):
		return "TLS: the server's certificate is invalid (" + invalid.Error() + "); renew it or give the right CA with caFile"
	case errors.As(err, &verify):
		return "TLS: the server's certificate was not accepted (" + verify.Err.Error() + "); give its CA with caFile in the config"
	}
	return ""
}
