package engine

import (
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/bolaharness/bolaharness/harness/internal/sortedkeys"

	"github.com/bolaharness/bolaharness/harness/client"
	"github.com/bolaharness/bolaharness/harness/mutate"
	"github.com/bolaharness/bolaharness/harness/report"
	"github.com/bolaharness/bolaharness/harness/secret"
	"github.com/bolaharness/bolaharness/harness/spec"

	"github.com/getkin/kin-openapi/openapi3"
)

// An id in a header or a JSON body does not show in the URL, so a finding
// for one records the requests themselves (Finding.Request and
// ControlRequest) and replay sends them again. What is recorded is only
// what the case chose: the method, the URL, the id-carrying headers and the
// body. Credentials never are: the client adds the Authorization header
// from the config at replay time, and every recorded text is redacted.

// credentialHeaders are headers a recorded request never keeps, whatever
// put them there: they carry who is calling, which replay takes from the
// config.
var credentialHeaders = []string{"Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "X-Api-Key", "X-Auth-Token"}

func isCredentialHeader(name string) bool {
	for _, h := range credentialHeaders {
		if strings.EqualFold(h, name) {
			return true
		}
	}
	return false
}

// recordRequests fills f.Request and f.ControlRequest for a read whose id
// travels in a header or a JSON body: the attack m sent and the victim's
// control for the same object. reportcase.go calls it once the finding's
// place is known (after placeFinding).
func (s *Scan) RecordRequests(f *report.Finding, g *group, m *Outcome) {
	if f.Kind == "write" || (f.In != openapi3.ParameterInHeader && f.In != spec.InBody) || m.Req.Method == "" {
		return
	}
	secrets := s.Cfg.Secrets()
	f.Request = SentRequest(m.Req, secrets)
	u := s.Cfg.User(m.Verdict.Victim)
	if u == nil {
		return
	}
	fill, ok := g.ownFill(u)
	if !ok {
		return
	}
	f.ControlRequest = SentRequest(g.request(g.PlainCase(m.C.Base), fill, via{}, nil), secrets)
}

// sentRequest records r with its texts redacted and credentials dropped.
func SentRequest(r client.Request, secrets []secret.Secret) *report.SentRequest {
	out := &report.SentRequest{Method: r.Method, URL: secret.Redact(r.URL, secrets...), Body: secret.Redact(string(r.Body), secrets...)}
	for name, vs := range r.Header {
		if isCredentialHeader(name) || len(vs) == 0 {
			continue
		}
		if out.Headers == nil {
			out.Headers = map[string]string{}
		}
		out.Headers[http.CanonicalHeaderKey(name)] = secret.Redact(strings.Join(vs, ", "), secrets...)
	}
	return out
}

// redactedSent is the recorded request with secrets taken out once more and
// credential headers dropped: a report edited by hand, or written by a
// harness before this rule, cannot smuggle a token into replay's output.
func RedactedSent(r *report.SentRequest, secrets []secret.Secret) *report.SentRequest {
	if r == nil {
		return nil
	}
	req := client.Request{Method: r.Method, URL: r.URL, Header: http.Header{}}
	for k, v := range r.Headers {
		req.Header.Set(k, v)
	}
	if r.Body != "" {
		req.Body = []byte(r.Body)
	}
	return SentRequest(req, secrets)
}

// sentToRequest turns the record back into a request on this run's base URL.
func SentToRequest(r *report.SentRequest, reportBase, base string) client.Request {
	req := client.Request{Method: strings.ToUpper(r.Method), URL: RebaseURL(r.URL, reportBase, base)}
	for _, k := range sortedkeys.Of(r.Headers) {
		if isCredentialHeader(k) {
			continue
		}
		if req.Header == nil {
			req.Header = http.Header{}
		}
		req.Header.Set(k, r.Headers[k])
	}
	if r.Body != "" {
		req.Body = []byte(r.Body)
	}
	return req
}

// recordedTexts are the values the request carried outside its URL: a server
// echoing them proves nothing.
func recordedTexts(r *report.SentRequest) []string {
	if r == nil {
		return nil
	}
	var out []string
	for _, v := range r.Headers {
		out = append(out, v)
	}
	if doc, err := mutate.ReadJSONDoc([]byte(r.Body)); err == nil {
		out = append(out, jsonScalars(doc)...)
	}
	sort.Strings(out)
	return out
}

// jsonScalars are the strings and numbers of a decoded JSON document.
func jsonScalars(v any) []string {
	switch t := v.(type) {
	case map[string]any:
		var out []string
		for _, x := range t {
			out = append(out, jsonScalars(x)...)
		}
		return out
	case []any:
		var out []string
		for _, x := range t {
			out = append(out, jsonScalars(x)...)
		}
		return out
	case string:
		return []string{t}
	case interface{ String() string }: // json.Number
		return []string{t.String()}
	}
	return nil
}

// rebuiltAttack is the attack for a header or body finding from a report
// that did not record it (written before Finding.Request): the value as the
// place carried it, the attacker's own ids for the other parameters.
// Placements that sent more than the value (a JSON list of the attacker's
// and the victim's ids, a repeated parameter) cannot be rebuilt from it.
func (g *group) RebuiltAttack(f report.Finding) (client.Request, bool) {
	switch f.Kind {
	case "list-confusion", "parameter-pollution", "added-parameter":
		return client.Request{}, false
	}
	c := mutate.Case{Param: g.p.Name, Wire: url.PathEscape(f.Value), Placed: f.Value}
	return g.request(c, g.fill, via{}, nil), true
}
