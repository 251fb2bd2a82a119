package main

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"sort"
	"unicode/utf8"

	"github.com/bolaharness/bolaharness/harness/secret"
)

// The HAR 1.2 document (http://www.softwareishard.com/blog/har-12-spec/):
// what browsers' developer tools, proxies and HAR viewers read.
type harDoc struct {
	Log harLog `json:"log"`
}

type harLog struct {
	Version string     `json:"version"`
	Creator harCreator `json:"creator"`
	Entries []harEntry `json:"entries"`
}

type harCreator struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type harEntry struct {
	StartedDateTime string      `json:"startedDateTime"`
	Time            float64     `json:"time"`
	Request         harRequest  `json:"request"`
	Response        harResponse `json:"response"`
	Cache           struct{}    `json:"cache"`
	Timings         harTimings  `json:"timings"`
	Comment         string      `json:"comment,omitempty"`
	// Error is a transport failure (HAR allows custom fields with "_").
	Error string `json:"_error,omitempty"`
	// User is the user the request was sent as, and Credential how its
	// credential was altered for an ignored-authentication check.
	User       string `json:"_user,omitempty"`
	Credential string `json:"_credential,omitempty"`
}

type harRequest struct {
	Method      string       `json:"method"`
	URL         string       `json:"url"`
	HTTPVersion string       `json:"httpVersion"`
	Cookies     []harNV      `json:"cookies"`
	Headers     []harNV      `json:"headers"`
	QueryString []harNV      `json:"queryString"`
	PostData    *harPostData `json:"postData,omitempty"`
	HeadersSize int          `json:"headersSize"`
	BodySize    int          `json:"bodySize"`
}

type harResponse struct {
	Status      int        `json:"status"`
	StatusText  string     `json:"statusText"`
	HTTPVersion string     `json:"httpVersion"`
	Cookies     []harNV    `json:"cookies"`
	Headers     []harNV    `json:"headers"`
	Content     harContent `json:"content"`
	RedirectURL string     `json:"redirectURL"`
	HeadersSize int        `json:"headersSize"`
	BodySize    int        `json:"bodySize"`
}

type harNV struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type harPostData struct {
	MimeType string `json:"mimeType"`
	Text     string `json:"text"`
}

type harContent struct {
	Size     int    `json:"size"`
	MimeType string `json:"mimeType"`
	Text     string `json:"text,omitempty"`
	Encoding string `json:"encoding,omitempty"`
}

type harTimings struct {
	Send    float64 `json:"send"`
	Wait    float64 `json:"wait"`
	Receive float64 `json:"receive"`
}

// entry is the exchange as the HAR shows it: every credential redacted.
func (ex harExchange) entry(secrets []secret.Secret) harEntry {
	ms := float64(ex.took.Microseconds()) / 1000
	red := func(s string) string { return secret.Redact(s, secrets...) }
	e := harEntry{
		StartedDateTime: ex.start.UTC().Format("2006-01-02T15:04:05.000Z07:00"),
		Time:            ms,
		Timings:         harTimings{Wait: ms},
		Error:           red(ex.err),
		User:            ex.user,
		Credential:      ex.check,
	}
	proto := ex.proto
	if proto == "" {
		proto = "HTTP/1.1"
	}
	e.Request = harRequest{Method: ex.method, URL: red(ex.url), HTTPVersion: proto, Cookies: []harNV{},
		Headers: harHeaders(ex.reqHead, secrets), QueryString: []harNV{}, HeadersSize: -1, BodySize: len(ex.reqBody)}
	if u, err := url.Parse(ex.url); err == nil {
		for _, k := range sortedKeys(u.Query()) {
			for _, v := range u.Query()[k] {
				e.Request.QueryString = append(e.Request.QueryString, harNV{Name: red(k), Value: red(v)})
			}
		}
	}
	if len(ex.reqBody) > 0 {
		e.Request.PostData = &harPostData{MimeType: ex.reqHead.Get("Content-Type"), Text: red(string(ex.reqBody))}
	}
	e.Response = harResponse{Status: ex.status, StatusText: statusText(ex), HTTPVersion: proto, Cookies: []harNV{},
		Headers: harHeaders(ex.respHead, secrets), RedirectURL: red(ex.respHead.Get("Location")), HeadersSize: -1, BodySize: len(ex.respBody)}
	e.Response.Content = harContent{Size: len(ex.respBody), MimeType: ex.respHead.Get("Content-Type")}
	if e.Response.Content.MimeType == "" {
		e.Response.Content.MimeType = "application/octet-stream"
	}
	if len(ex.respBody) > 0 {
		// Redact before encoding: a token echoed in a binary body is
		// still the token's bytes.
		text := red(string(ex.respBody))
		if utf8.ValidString(text) {
			e.Response.Content.Text = text
		} else {
			e.Response.Content.Text, e.Response.Content.Encoding = base64.StdEncoding.EncodeToString([]byte(text)), "base64"
		}
	}
	if ex.cut {
		e.Comment = "a body was longer than 64 KiB and is cut there"
	}
	return e
}

func statusText(ex harExchange) string {
	if ex.status == 0 {
		return ""
	}
	if t := http.StatusText(ex.status); t != "" {
		return t
	}
	return ex.respText
}

// harHeaders lists headers in name order, credentials redacted.
func harHeaders(h http.Header, secrets []secret.Secret) []harNV {
	out := []harNV{}
	for _, k := range sortedKeys(h) {
		for _, v := range h[k] {
			out = append(out, harNV{Name: k, Value: redactHeader(k, v, secrets)})
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
