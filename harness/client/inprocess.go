package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/bolaharness/bolaharness/harness/config"
)

// InProcessBaseURL is the origin of in-process runs. The .invalid top-level
// domain never resolves (RFC 2606), so a request that somehow bypassed the
// in-process transport would fail instead of reaching a real host.
const InProcessBaseURL = "http://in-process.invalid"

// inProcessRemoteAddr is the caller address handlers see: loopback, as in a
// run against a fixture started on 127.0.0.1.
const inProcessRemoteAddr = "127.0.0.1:1"

// InProcessTransport is an http.RoundTripper that answers each request by
// calling Handler directly: no socket, no serialisation, so a Go team can run
// the harness against its router inside a unit test. What the handler sees is
// what a net/http server would have parsed from the wire: the request-target
// exactly as the client writes it (RequestURI, URL.RawPath, so %2538, +8 and
// ;x arrive unchanged), the headers, Host, and the caller's context, whose
// cancellation reaches the handler. What the client gets back is what it
// would have read: the status, the header as it was when the status was
// written, Date, a sniffed Content-Type, Content-Length or chunked, no body for
// HEAD, 204 and 304, and at most MaxBody bytes.
//
// Not emulated: compression (no Accept-Encoding is added, so the handler
// answers uncompressed), trailers, 1xx interim responses (dropped, as the
// client would), Hijack, and a header sent before a handler that never
// returns: the request then ends with the caller's timeout.
type InProcessTransport struct {
	// Handler answers the requests; required.
	Handler http.Handler
	// MaxBody is how many body bytes are kept per response; a write past it
	// fails as it would once a client stops reading and hangs up. 0 means
	// DefaultMaxBody+1: one byte more than the client keeps, so it can tell a
	// truncated body from one of exactly its limit.
	MaxBody int64
}

var _ http.RoundTripper = (*InProcessTransport)(nil)

// errHandlerAborted is what a client sees when the handler panics with
// http.ErrAbortHandler: over the wire, the connection would just close.
var errHandlerAborted = errors.New("in-process handler aborted the response (http.ErrAbortHandler)")

// errHandlerExited is what a client sees when the handler's goroutine ends
// without returning (runtime.Goexit).
var errHandlerExited = errors.New("in-process handler exited without answering (runtime.Goexit)")

// RoundTrip implements http.RoundTripper. The handler runs on another
// goroutine (handlers, a pool) so that a handler which ignores its context
// cannot outlive the caller's deadline; the caller then gets the context's
// error, as from a network transport.
func (t *InProcessTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.Handler == nil {
		return nil, errors.New("in-process transport: Handler is nil; pass the http.Handler to serve")
	}
	if req.URL == nil {
		return nil, errors.New("in-process transport: request has no URL")
	}
	ctx := req.Context()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	sreq, bad := serverRequest(ctx, req)
	if bad != nil {
		if err := closeRequestBody(req); err != nil {
			return nil, fmt.Errorf("in-process transport: closing the request body: %w", err)
		}
		return bad, nil
	}
	w := newInProcessWriter(req.Method, t.limit())
	done := make(chan error, 1)
	handlers.run(func() { serveInProcess(t.Handler, w, sreq, req, done) })
	select {
	case err := <-done:
		if err != nil {
			return nil, err
		}
		return w.response(req), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (t *InProcessTransport) limit() int64 {
	if t.MaxBody > 0 {
		return t.MaxBody
	}
	return config.DefaultMaxBody + 1
}

// serveInProcess calls the handler and sends done its outcome: nil, or the
// error a client would see when the server drops the connection (a panic,
// http.ErrAbortHandler, or a handler that ends its goroutine with
// runtime.Goexit, as t.FailNow does in a test).
func serveInProcess(h http.Handler, w *inProcessWriter, sreq, creq *http.Request, done chan<- error) {
	err := errHandlerExited
	defer func() { done <- err }()
	defer func() {
		if cerr := closeRequestBody(creq); cerr != nil && err == nil {
			err = fmt.Errorf("in-process transport: closing the request body: %w", cerr)
		}
	}()
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				err = errHandlerAborted
				return
			}
			err = fmt.Errorf("in-process handler panicked: %v", p)
		}
	}()
	h.ServeHTTP(w, sreq)
	w.finish()
	err = nil
}

// closeRequestBody closes the request body, as a transport must (the
// harness itself sends none).
func closeRequestBody(req *http.Request) error {
	if req.Body != nil && req.Body != http.NoBody {
		return req.Body.Close()
	}
	return nil
}

// serverRequest builds the request a net/http server would have read for
// req. The request-target is req.URL.RequestURI(), the very text the http
// client writes on its request line, parsed as the server parses it; a target
// the server would refuse yields its 400 response instead.
func serverRequest(ctx context.Context, req *http.Request) (*http.Request, *http.Response) {
	target := req.URL.RequestURI()
	u, err := url.ParseRequestURI(target)
	if err != nil {
		return nil, badRequest(req)
	}
	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	header := req.Header.Clone()
	if header == nil {
		header = http.Header{}
	}
	if _, ok := header["User-Agent"]; !ok {
		header.Set("User-Agent", "Go-http-client/1.1") // what the client would add
	}
	header.Del("Host") // a server moves it to Request.Host
	sreq := &http.Request{
		Method:        req.Method,
		URL:           u,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        header,
		Body:          http.NoBody,
		ContentLength: req.ContentLength,
		Host:          host,
		RemoteAddr:    inProcessRemoteAddr,
		RequestURI:    target,
	}
	if req.Body != nil && req.Body != http.NoBody {
		sreq.Body = io.NopCloser(req.Body) // the transport closes it, not the handler
	}
	return sreq.WithContext(ctx), nil
}

// badRequest is net/http's answer to a request line it cannot parse.
func badRequest(req *http.Request) *http.Response {
	const text = "400 Bad Request"
	h := http.Header{}
	h.Set("Content-Type", "text/plain; charset=utf-8") // Connection: close becomes resp.Close
	return &http.Response{
		Status: text, StatusCode: http.StatusBadRequest,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: h, Body: io.NopCloser(strings.NewReader(text)), ContentLength: -1,
		Close: true, Request: req,
	}
}

// statusLine is the status as a client reads it from the wire.
func statusLine(code int) string {
	if text := http.StatusText(code); text != "" {
		return strconv.Itoa(code) + " " + text
	}
	return strconv.Itoa(code) + " status code " + strconv.Itoa(code)
}
