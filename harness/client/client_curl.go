package client

import (
	"fmt"
	"strings"

	"github.com/bolaharness/bolaharness/harness/spec"
)

// curlLine is a shell command that reproduces one request. The token stays
// in the environment variable the config named: never in clear.
func CurlLine(method, rawURL, tokenVar string) string {
	verb := "-X " + method
	if method == "HEAD" {
		verb = "--head"
	}
	return fmt.Sprintf(`curl -sS -i --path-as-is -g %s -H "Authorization: Bearer $%s" %s`, verb, tokenVar, shellQuote(rawURL))
}

// shellQuote quotes s for a POSIX shell with single quotes, so that %, ;,
// $ and spaces reach curl untouched.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// curlRequest is curlLine with the request's own headers and body.
func CurlRequest(r Request, tokenVar string) string {
	line := CurlLine(r.Method, r.URL, tokenVar)
	var extra []string
	for _, h := range HeaderLines(r.Header) {
		extra = append(extra, "-H "+shellQuote(h))
	}
	if r.Body != nil {
		if r.Header.Get("Content-Type") == "" {
			extra = append(extra, "-H "+shellQuote("Content-Type: "+spec.JsonContentType))
		}
		extra = append(extra, "--data-raw "+shellQuote(string(r.Body)))
	}
	if len(extra) == 0 {
		return line
	}
	at := len(line) - len(shellQuote(r.URL))
	return line[:at] + strings.Join(extra, " ") + " " + line[at:]
}
