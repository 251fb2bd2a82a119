package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/bolaharness/bolaharness/harness/client"
	"github.com/bolaharness/bolaharness/harness/secret"
)

// harBodyCap is the most of one body a HAR entry keeps: enough for any
// API answer a person reads, small enough that a scan of thousands of
// requests stays a file an editor opens.
const harBodyCap = 64 << 10

// harRecorder keeps every exchange of a run for a HAR 1.2 file (-har):
// the request as sent, with credentials, is kept in memory only; write
// redacts it. Transport failures are entries too, with the error.
type harRecorder struct {
	mu      sync.Mutex
	entries []harExchange
	now     func() time.Time
}

// harExchange is one request and its answer as they passed, unredacted.
type harExchange struct {
	start    time.Time
	took     time.Duration
	method   string
	url      string
	proto    string
	reqHead  http.Header
	reqBody  []byte
	status   int
	respText string
	respHead http.Header
	respBody []byte
	cut      bool // a body was longer than harBodyCap
	err      string
	user     string // the user it was sent as ("" for a login)
	check    string // how the credential was altered for an authentication check
}

func newHARRecorder() *harRecorder { return &harRecorder{now: time.Now} }

// wrap is the client's transport hook (Options.Wrap).
func (h *harRecorder) wrap(next http.RoundTripper) http.RoundTripper {
	return harTransport{h: h, next: next}
}

type harTransport struct {
	h    *harRecorder
	next http.RoundTripper
}

// RoundTrip sends req and records it with its answer. The answer's body is
// read up to harBodyCap and handed on whole.
func (t harTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ex := harExchange{start: t.h.now(), method: req.Method, url: req.URL.String(), proto: req.Proto, reqHead: req.Header.Clone()}
	ex.user, ex.check = client.SenderOf(req.Context())
	if req.Body != nil && req.GetBody != nil {
		if body, err := req.GetBody(); err == nil {
			ex.reqBody, ex.cut = readCapped(body)
			if cerr := body.Close(); cerr != nil && ex.err == "" {
				ex.err = "reading the request body again: " + cerr.Error()
			}
		}
	}
	resp, err := t.next.RoundTrip(req)
	ex.took = t.h.now().Sub(ex.start)
	if err != nil {
		ex.err = err.Error()
		t.h.add(ex)
		return resp, err
	}
	ex.status, ex.respText, ex.respHead = resp.StatusCode, resp.Status, resp.Header.Clone()
	if resp.Body != nil {
		head, rerr := io.ReadAll(io.LimitReader(resp.Body, harBodyCap+1))
		if rerr != nil {
			ex.err = "reading the answer: " + rerr.Error()
		}
		ex.respBody, ex.cut = head, ex.cut || len(head) > harBodyCap
		if len(ex.respBody) > harBodyCap {
			ex.respBody = ex.respBody[:harBodyCap]
		}
		resp.Body = readCloser{io.MultiReader(bytes.NewReader(head), resp.Body), resp.Body}
	}
	t.h.add(ex)
	return resp, nil
}

type readCloser struct {
	io.Reader
	io.Closer
}

func readCapped(r io.Reader) ([]byte, bool) {
	b, err := io.ReadAll(io.LimitReader(r, harBodyCap+1))
	if err != nil {
		return b, false
	}
	if len(b) > harBodyCap {
		return b[:harBodyCap], true
	}
	return b, false
}

func (h *harRecorder) add(ex harExchange) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.entries = append(h.entries, ex)
}

// len is how many exchanges were recorded.
func (h *harRecorder) len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.entries)
}

// write writes the HAR file with every credential redacted: each secret
// (in any encoding secret.Redact knows) wherever it appears, and the whole
// value of the headers that carry credentials, so that a tampered or
// refreshed token cannot show either.
func (h *harRecorder) write(path, version string, secrets []secret.Secret) error {
	h.mu.Lock()
	entries := make([]harEntry, len(h.entries))
	for i, ex := range h.entries {
		entries[i] = ex.entry(secrets)
	}
	h.mu.Unlock()
	doc := harDoc{Log: harLog{Version: "1.2", Creator: harCreator{Name: "bolaharness", Version: version}, Entries: entries}}
	data, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return fmt.Errorf("har %s: %w", path, err)
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("har %s: %w", path, err)
		}
	}
	if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("har %s: %w", path, err)
	}
	return nil
}

// credentialHeaders carry credentials whole: their values never show.
var credentialHeaders = map[string]bool{"Authorization": true, "Proxy-Authorization": true, "Cookie": true, "Set-Cookie": true}

// redactHeader is a header's value as the HAR shows it.
func redactHeader(name, value string, secrets []secret.Secret) string {
	switch textproto.CanonicalMIMEHeaderKey(name) {
	case "Authorization", "Proxy-Authorization":
		if scheme, _, ok := strings.Cut(value, " "); ok {
			return scheme + " " + secret.Redacted // the scheme helps debugging; the rest is the credential
		}
		return secret.Redacted
	case "Cookie":
		return redactCookies(value, ";")
	case "Set-Cookie":
		first, attrs, _ := strings.Cut(value, ";")
		out := redactCookies(first, ";")
		if attrs != "" {
			out += ";" + secret.Redact(attrs, secrets...)
		}
		return out
	}
	return secret.Redact(value, secrets...)
}

// redactCookies keeps the cookies' names and hides their values.
func redactCookies(s, sep string) string {
	parts := strings.Split(s, sep)
	for i, p := range parts {
		name, _, _ := strings.Cut(strings.TrimSpace(p), "=")
		parts[i] = name + "=" + secret.Redacted
	}
	return strings.Join(parts, sep+" ")
}
