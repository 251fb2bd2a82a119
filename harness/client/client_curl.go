package client

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/bolaharness/bolaharness/harness/config"
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

// Curl is a shell command that reproduces r as u: the credentials the
// request's operation takes, each named as an environment variable
// (-H "X-API-Key: $ALICE_KEY", -b "sid=$ALICE_SID", -u "alice:$ALICE_PASSWORD",
// ?api_key=$ALICE_KEY), never in clear. A login's cookies are named after
// the cookie ($ALICE_SID) and a Bearer token after the user's token
// variable, as before.
func (c *Client) Curl(ctx context.Context, r Request, u *config.User) string {
	target, err := url.Parse(r.URL)
	if err != nil {
		target = &url.URL{}
	}
	creds := c.credentials(ctx, r.Method, target, u, c.current(u))
	verb := "-X " + r.Method
	if r.Method == "HEAD" {
		verb = "--head"
	}
	parts := []string{"curl -sS -i --path-as-is -g", verb}
	var cookies, query []string
	for _, cr := range creds {
		switch cr.kind {
		case "header":
			if cr.secret {
				parts = append(parts, "-H "+doubleQuote(cr.name+": ", cr.shown))
			} else {
				parts = append(parts, "-H "+shellQuote(cr.name+": "+cr.shown))
			}
		case "basic":
			parts = append(parts, "-u "+doubleQuote(cr.name+":", cr.shown))
		case "cookie":
			cookies = append(cookies, cr.name+"="+cr.shown)
		case "query":
			query = append(query, url.QueryEscape(cr.name)+"="+cr.shown)
		}
	}
	if len(cookies) > 0 {
		parts = append(parts, "-b "+doubleQuote("", strings.Join(cookies, "; ")))
	}
	for _, h := range HeaderLines(r.Header) {
		parts = append(parts, "-H "+shellQuote(h))
	}
	if r.Body != nil {
		if r.Header.Get("Content-Type") == "" {
			parts = append(parts, "-H "+shellQuote("Content-Type: "+spec.JsonContentType))
		}
		parts = append(parts, "--data-raw "+shellQuote(string(r.Body)))
	}
	last := shellQuote(r.URL)
	if len(query) > 0 {
		sep := "?"
		if strings.Contains(r.URL, "?") {
			sep = "&"
		}
		last += `"` + sep + strings.Join(query, "&") + `"`
	}
	return strings.Join(append(parts, last), " ")
}

// doubleQuote writes literal text then variables in double quotes, so the
// shell expands the $VARs: the literal part is escaped, the variables
// (names the harness made or the config gave) are not.
func doubleQuote(literal, vars string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "$", `\$`, "`", "\\`")
	return `"` + r.Replace(literal) + vars + `"`
}
