package oracle

import (
	"net/http"
	"sort"
	"strings"

	"github.com/bolaharness/bolaharness/harness/jsonbody"
)

// plainHeaders describe the transfer, not the object: they never carry a
// user's data worth judging.
var plainHeaders = map[string]bool{
	"Date": true, "Content-Type": true, "Content-Length": true, "Server": true, "Connection": true,
	"Keep-Alive": true, "Transfer-Encoding": true, "Vary": true, "Cache-Control": true, "Expires": true,
	"Pragma": true, "Etag": true, "Last-Modified": true, "Accept-Ranges": true, "Age": true,
	"Strict-Transport-Security": true, "X-Content-Type-Options": true, "X-Frame-Options": true,
	"X-Xss-Protection": true, "Content-Security-Policy": true, "Referrer-Policy": true,
	"Access-Control-Allow-Origin": true, "Access-Control-Allow-Headers": true, "Access-Control-Allow-Methods": true,
	"Access-Control-Allow-Credentials": true, "Access-Control-Expose-Headers": true, "Set-Cookie": true,
	"Content-Encoding": true, "Alt-Svc": true, "Via": true, "X-Request-Id": true, "X-Correlation-Id": true,
	"X-Ratelimit-Limit": true, "X-Ratelimit-Remaining": true, "X-Ratelimit-Reset": true, "Retry-After": true,
	"Www-Authenticate": true, "X-Powered-By": true, "Traceparent": true,
}

// headerLeaves turns the response headers that may describe the object
// (X-Owner-Email, Content-Disposition filenames, Location...) into leaves,
// so that a HEAD answer that skips the check and leaks in its headers is
// judged like a body.
func headerLeaves(h http.Header) []jsonbody.Leaf {
	names := make([]string, 0, len(h))
	for name := range h {
		if !plainHeaders[http.CanonicalHeaderKey(name)] {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	var out []jsonbody.Leaf
	for _, name := range names {
		key := strings.TrimPrefix(http.CanonicalHeaderKey(name), "X-")
		for _, v := range h.Values(name) {
			out = append(out, jsonbody.Leaf{Path: "header:" + http.CanonicalHeaderKey(name), Key: key, Value: v, Kind: 's'})
		}
	}
	return out
}

// carriesIdentity reports whether header leaves hold any configured user's
// identity, which makes an empty body worth judging.
func carriesIdentity(headers []jsonbody.Leaf, t Trial) bool {
	if len(headers) == 0 {
		return false
	}
	b := jsonbody.Parsed{JSON: true, Leaves: headers}
	parties := append([]Party{t.Attacker}, t.Others...)
	if t.Victim != nil {
		parties = append(parties, *t.Victim)
	}
	for _, p := range parties {
		if len(identityEvidence(b, p, exclusions{sent: sentSet(t.Sent)}, false)) > 0 {
			return true
		}
	}
	return false
}
