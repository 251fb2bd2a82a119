package client

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/bolaharness/bolaharness/harness/internal/sortedkeys"

	"github.com/bolaharness/bolaharness/harness/spec"
)

// Request is one request as the harness sends it: ids travel in the path,
// the query, a header or a JSON body, so a request is more than a URL.
// Client.Do is DoRequest with a Method and URL only.
type Request struct {
	// Method is the upper-case method; the client's allow-list gates it.
	Method string
	// URL is absolute and sent byte for byte (path and query), as for Do.
	URL string
	// Header holds extra headers (an id in X-Account-Id). Authorization,
	// Cookie, Host and the framing headers are the client's and refused.
	Header http.Header
	// Body is sent as is; nil sends none. Content-Type defaults to
	// application/json when a body is given without one.
	Body []byte

	// invalid says why the request could not be built (its body would not
	// encode); the client then refuses it with this reason, as data.
	Invalid string
	// shared marks a read's control or own-object request, which the run
	// sends once (engine/send_memo.go).
	Shared bool
}

// reservedHeaders are set by the client alone: a case may not replace the
// token, send cookies, or change how the message is framed.
var reservedHeaders = map[string]bool{
	"Authorization": true, "Cookie": true, "Host": true, "Content-Length": true,
	"Transfer-Encoding": true, "Connection": true, "Te": true, "Upgrade": true,
	"Proxy-Authorization": true, "Trailer": true, "Keep-Alive": true,
}

// apply puts r's headers and body on req, or says why it may not be sent.
func (r Request) apply(req *http.Request) string {
	for _, name := range sortedkeys.Of(r.Header) {
		canon := http.CanonicalHeaderKey(name)
		if reservedHeaders[canon] {
			return fmt.Sprintf("header %s is set by the client itself; a request may not carry its own", canon)
		}
		for _, v := range r.Header[name] {
			if i := strings.IndexFunc(v, BadHeaderRune); i >= 0 {
				return fmt.Sprintf("header %s has a control character at byte %d; headers cannot carry it", canon, i)
			}
			req.Header.Add(canon, v)
		}
	}
	if r.Body == nil {
		return ""
	}
	body := r.Body
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.ContentLength = int64(len(body))
	if req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", spec.JsonContentType)
	}
	return ""
}

// Remaining is how many requests the budget still allows; -1 when there
// is no budget. A write is sent only when its read-backs and restore fit.
func (c *Client) Remaining() int64 {
	if c.budget <= 0 {
		return -1
	}
	return max(c.budget-c.sent.Load(), 0)
}

// badHeaderRune is a byte no header value may hold (CR, LF, NUL and the
// other controls but tab), which net/http would refuse anyway.
func BadHeaderRune(r rune) bool { return (r < ' ' && r != '\t') || r == 0x7f }

// rewindBody gives req a fresh reader of its body: every attempt (retries
// after a 429, after a fresh login) sends the whole body again.
func rewindBody(req *http.Request) error {
	if req.GetBody == nil {
		return nil
	}
	body, err := req.GetBody()
	if err != nil {
		return err
	}
	req.Body = body
	return nil
}

// headerLines writes a request's extra headers as "Name: value" lines in a
// stable order, for curl lines and logs.
func HeaderLines(h http.Header) []string {
	var out []string
	for _, k := range sortedkeys.Of(h) {
		for _, v := range h[k] {
			out = append(out, http.CanonicalHeaderKey(k)+": "+v)
		}
	}
	return out
}
