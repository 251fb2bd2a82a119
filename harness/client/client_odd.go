package client

import (
	"encoding/json"
	"fmt"
	"mime"
	"strings"
)

// Oddity says why a successful exchange cannot back a "safe" verdict: its
// body was cut at the size bound (the rest was never seen), or it says it is
// JSON and is not (the server answered garbage). "" when nothing is odd, or
// when the status alone decides (not a 2xx).
func (x Exchange) Oddity() string {
	if x.Err != "" || x.Status < 200 || x.Status > 299 || x.Method == "HEAD" {
		return ""
	}
	if x.Truncated {
		return fmt.Sprintf("the body was cut at %d bytes (maxBody) and the rest was never read", len(x.Body))
	}
	mt := x.MediaType()
	if strings.Contains(mt, "json") && len(strings.TrimSpace(string(x.Body))) > 0 && !json.Valid(x.Body) {
		return fmt.Sprintf("the answer says %s but its %d-byte body is not valid JSON", mt, len(x.Body))
	}
	return ""
}

// MediaType is the answer's media type, lower case and without parameters
// ("application/json"); a header that does not parse is taken as written.
func (x Exchange) MediaType() string {
	ct := x.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return strings.ToLower(strings.TrimSpace(ct))
	}
	return mt
}
