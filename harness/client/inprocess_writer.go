package client

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"
)

// sniffLen is how many bytes http.DetectContentType looks at.
const sniffLen = 512

// chunkingThreshold is how much body net/http's server buffers before it
// sends the header: a handler that returns having written no more than this
// gets an automatic Content-Length; a longer body is sent chunked.
const chunkingThreshold = 2048

// errClientHungUp is what a handler's Write returns past MaxBody: over the
// wire, the client would have stopped reading and closed the connection.
var errClientHungUp = errors.New("in-process client stopped reading: the response is longer than the transport's MaxBody")

// inProcessWriter is the http.ResponseWriter an in-process handler writes
// to. It follows net/http's server: the header is frozen when the status is
// written, the body is kept up to a limit, and the automatic headers (Date,
// Content-Type, Content-Length) are added when the header would have gone out.
type inProcessWriter struct {
	header    http.Header // the handler's map
	sent      http.Header // what the client receives, frozen at WriteHeader
	status    int         // 0 until the status is written
	head      bool        // a HEAD request: count the body, keep only what sniffing needs
	limit     int64
	body      []byte
	written   int64 // bytes the handler wrote, kept or not
	declared  int64 // the handler's Content-Length, -1 when none
	committed bool  // the header has gone out (automatic headers applied)
}

var _ http.Flusher = (*inProcessWriter)(nil)

func newInProcessWriter(method string, limit int64) *inProcessWriter {
	return &inProcessWriter{header: http.Header{}, head: method == http.MethodHead, limit: limit, declared: -1}
}

// Header implements http.ResponseWriter.
func (w *inProcessWriter) Header() http.Header { return w.header }

// WriteHeader implements http.ResponseWriter: the first final status wins,
// interim 1xx statuses are dropped as the client drops them, and an invalid
// code panics as it does in net/http.
func (w *inProcessWriter) WriteHeader(code int) {
	if w.status != 0 {
		return
	}
	if code < 100 || code > 999 {
		panic(fmt.Sprintf("invalid WriteHeader code %v", code))
	}
	if code < 200 && code != http.StatusSwitchingProtocols {
		return
	}
	w.status = code
	w.sent = w.header.Clone()
	if cl := w.sent.Get("Content-Length"); cl != "" {
		v, err := strconv.ParseInt(cl, 10, 64)
		if err != nil || v < 0 {
			w.sent.Del("Content-Length") // net/http drops an invalid one too
			return
		}
		w.declared = v
	}
}

// Write implements http.ResponseWriter.
func (w *inProcessWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if !bodyAllowed(w.status) {
		return 0, http.ErrBodyNotAllowed
	}
	w.written += int64(len(p))
	if w.declared >= 0 && w.written > w.declared {
		return 0, http.ErrContentLength
	}
	if w.head {
		w.keep(p, sniffLen)
		w.commitPast(chunkingThreshold)
		return len(p), nil
	}
	n := w.keep(p, w.limit)
	w.commitPast(chunkingThreshold)
	if n < len(p) {
		return n, errClientHungUp
	}
	return n, nil
}

// keep appends what fits under max and says how much of p that was.
func (w *inProcessWriter) keep(p []byte, max int64) int {
	room := max - int64(len(w.body))
	if room <= 0 {
		return 0
	}
	if int64(len(p)) > room {
		p = p[:room]
	}
	w.body = append(w.body, p...)
	return len(p)
}

// commitPast sends the header once the body outgrows the server's buffer.
func (w *inProcessWriter) commitPast(threshold int64) {
	if w.written > threshold {
		w.commit(false)
	}
}

// Flush implements http.Flusher: the header goes out now, so the body will
// be chunked rather than given a Content-Length.
func (w *inProcessWriter) Flush() {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	w.commit(false)
}

// finish is the handler's return: a handler that wrote nothing answers 200.
func (w *inProcessWriter) finish() {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	w.commit(true)
}

// commit applies the headers net/http's server adds when the header goes
// out; done says the handler has returned, so the body length is known.
func (w *inProcessWriter) commit(done bool) {
	if w.committed {
		return
	}
	w.committed = true
	h := w.sent
	allowed := bodyAllowed(w.status)
	te := h.Get("Transfer-Encoding")
	_, hasCL := h["Content-Length"]
	if done && allowed && te == "" && !hasCL && (!w.head || w.written > 0) {
		h.Set("Content-Length", strconv.FormatInt(w.written, 10))
		w.declared = w.written
	}
	if allowed {
		_, hasType := h["Content-Type"]
		if !hasType && te == "" && h.Get("Content-Encoding") == "" && len(w.body) > 0 {
			h.Set("Content-Type", http.DetectContentType(w.body[:min(len(w.body), sniffLen)]))
		}
	} else {
		h.Del("Content-Length")
		h.Del("Transfer-Encoding")
		if w.status == http.StatusNotModified {
			h.Del("Content-Type")
		}
	}
	if _, ok := h["Date"]; !ok {
		h.Set("Date", httpDate())
	}
}

// dateCache holds the Date header of the current second: formatting it
// for every response was a visible part of an in-process request.
var dateCache atomic.Pointer[cachedDate]

type cachedDate struct {
	unix int64
	text string
}

// httpDate is the current time as an HTTP Date header.
func httpDate() string {
	now := time.Now()
	if d := dateCache.Load(); d != nil && d.unix == now.Unix() {
		return d.text
	}
	text := now.UTC().Format(http.TimeFormat)
	dateCache.Store(&cachedDate{unix: now.Unix(), text: text})
	return text
}

// response is what the client reads. A body without Content-Length arrives
// chunked, as over HTTP/1.1; a body shorter than its declared Content-Length
// ends with io.ErrUnexpectedEOF, as a connection closed early does.
func (w *inProcessWriter) response(req *http.Request) *http.Response {
	resp := &http.Response{
		Status: statusLine(w.status), StatusCode: w.status,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: w.sent, Body: http.NoBody, ContentLength: w.declared, Request: req,
	}
	switch {
	case !bodyAllowed(w.status):
		resp.ContentLength = 0
	case w.head:
	case w.declared < 0:
		resp.Header.Del("Transfer-Encoding")
		resp.TransferEncoding = []string{"chunked"}
		resp.Body = bodyReader{bytes.NewReader(w.body)}
	case w.written < w.declared:
		resp.Body = shortBody{bytes.NewReader(w.body)}
	default:
		resp.Body = bodyReader{bytes.NewReader(w.body)}
	}
	return resp
}

// bodyAllowed is net/http's rule: 1xx, 204 and 304 carry no body.
func bodyAllowed(status int) bool {
	return status >= 200 && status != http.StatusNoContent && status != http.StatusNotModified
}

// bodyReader is a response body held in memory.
type bodyReader struct{ *bytes.Reader }

// Close implements io.Closer; there is no connection to release.
func (bodyReader) Close() error { return nil }

// shortBody is a body that ends before its declared length.
type shortBody struct{ r *bytes.Reader }

// Read implements io.Reader.
func (b shortBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err == io.EOF {
		return n, io.ErrUnexpectedEOF
	}
	return n, err
}

// Close implements io.Closer.
func (shortBody) Close() error { return nil }
