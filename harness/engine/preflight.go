package engine

import (
	"context"
	"fmt"
	"mime"
	"net/http"
	"strings"

	"github.com/bolaharness/bolaharness/harness/client"
	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/mutate"
	"github.com/bolaharness/bolaharness/harness/report"
)

// maxPreflightTries bounds the requests one user's preflight may send.
const maxPreflightTries = 3

// UntestedError is a run that could not test anything: a credential the
// target refused, a target that cannot be reached or is not the API, no
// operation attacked, no case judged. The command line exits 3 on it and
// go test fails; it is never a clean result.
type UntestedError struct {
	Cause string
}

// Error names the cause.
func (e *UntestedError) Error() string { return "nothing could be tested: " + e.Cause }

// preflightTry is one request that may show whether a user's credential
// works: a read of something that user may read.
type preflightTry struct {
	what string // "GET /invoices/{invoice_id}", for messages
	send func(ctx context.Context) client.Exchange
}

// preflight checks, before any attack, that every user's credential gets a
// 2xx on something that user may read, and that the target answers like an
// API. It fills the users' coverage and returns the cause when the run
// cannot test. Its requests go through the run's memo: the attack or the
// harvest sends the same ones later, so a working setup pays nothing extra.
func (s *Scan) preflight(ctx context.Context) string {
	for i := range s.Cfg.Users {
		u := &s.Cfg.Users[i]
		uc := report.UserCoverage{Name: u.Name, Credential: report.CredentialUnchecked}
		tries := s.preflightTries(u)
		refused := 0
		var last client.Exchange
		var lastWhat string
		for _, try := range tries {
			x := try.send(ctx)
			last, lastWhat = x, try.what
			if x.Err != "" {
				if unreachable(x.Err) {
					s.users[u.Name] = uc
					return fmt.Sprintf("the target cannot be reached: %s %s as %s failed (%s); check baseURL (or %s) and that the API is running",
						x.Method, s.client.Redact(x.URL), u.Name, x.Err, config.EnvBaseURL)
				}
				continue
			}
			if x.Status == http.StatusUnauthorized || x.Status == http.StatusForbidden {
				refused++
				continue
			}
			if x.Status < 200 || x.Status > 299 {
				continue
			}
			if isHTML(x) {
				if why := s.frontEnd(ctx, u, x); why != "" {
					return why
				}
			}
			uc.Credential, uc.CheckedWith = report.CredentialWorks, fmt.Sprintf("%s → %d", try.what, x.Status)
			break
		}
		if uc.Credential != report.CredentialWorks && refused > 0 && refused == len(tries) {
			uc.Credential, uc.CheckedWith = report.CredentialRejected, fmt.Sprintf("%s → %d", lastWhat, last.Status)
			s.users[u.Name] = uc
			return fmt.Sprintf("%s's credential was rejected: %s answered %d to %s on its own %s; the credential may have expired, be sent the wrong way (header, scheme) or belong to another deployment than %s: renew it (%s) or check baseURL",
				u.Name, lastWhat, last.Status, u.Name, plural(len(tries), "object", "objects"), s.baseURL, credentialHint(u))
		}
		if uc.Credential == report.CredentialUnchecked && lastWhat != "" {
			uc.CheckedWith = fmt.Sprintf("%s → %s", lastWhat, answerText(last))
		}
		s.users[u.Name] = uc
	}
	return ""
}

// preflightTries are the reads that may show u's credential at work: the
// config's `preflight` operations, then u's own objects on attacked reads
// (the very controls the attack sends), then u's own first-level listings
// from the harvest plan.
func (s *Scan) preflightTries(u *config.User) []preflightTry {
	var out []preflightTry
	for _, name := range s.Cfg.Preflight {
		for _, op := range s.Spec.Operations {
			if op.Key() != name && op.ID != name {
				continue
			}
			wire, missing := parentWire(op, u, "")
			if missing != "" {
				continue
			}
			r := client.Request{Method: http.MethodGet, URL: mutate.BuildURL(s.baseURL, op, wire, requiredQuery(op))}
			out = append(out, preflightTry{what: op.Key(), send: func(ctx context.Context) client.Exchange { return s.send(ctx, u, r) }})
		}
	}
	for _, op := range s.plan.Operations {
		if len(out) >= maxPreflightTries {
			return out
		}
		if op.Op.Method != http.MethodGet || op.Write != nil {
			continue
		}
		for _, p := range op.IDs {
			ids := idsOf(u, p)
			if len(ids) == 0 {
				continue
			}
			g := newGroup(s, op, p, u, u)
			if g.why != "" {
				continue
			}
			id := ids[0]
			out = append(out, preflightTry{what: op.Operation, send: func(ctx context.Context) client.Exchange {
				if x := g.control(ctx, u, id); x != nil {
					return *x
				}
				return client.Exchange{Err: "no request could be built"}
			}})
			break
		}
	}
	for _, c := range s.harvestPlan.Calls {
		if len(out) >= maxPreflightTries || !s.harvestPlan.Enabled {
			break
		}
		if c.Round != 1 || len(c.PathParams) > 0 {
			continue
		}
		r := client.Request{Method: http.MethodGet, URL: mutate.BuildURL(s.baseURL, c.Op, nil, c.Query)}
		out = append(out, preflightTry{what: c.Operation, send: func(ctx context.Context) client.Exchange { return s.send(ctx, u, r) }})
	}
	if len(out) > maxPreflightTries {
		out = out[:maxPreflightTries]
	}
	return out
}

// frontEnd asks for a path no API serves: a 2xx HTML answer there too means
// the base URL is a web front end (a single-page app answers every path with
// its index page), not the API, and every verdict would be meaningless.
func (s *Scan) frontEnd(ctx context.Context, u *config.User, x client.Exchange) string {
	probe := strings.TrimRight(s.baseURL, "/") + fmt.Sprintf("/bolaharness-preflight-%x", uint64(s.seed))
	y := s.send(ctx, u, client.Request{Method: http.MethodGet, URL: probe})
	if y.Err != "" || y.Status < 200 || y.Status > 299 || !isHTML(y) {
		return ""
	}
	return fmt.Sprintf("the target answers HTML to every path: %s and %s both answered %d %s; this looks like a web front end, not the API: point baseURL at the API (often a path such as /api or another host)",
		s.client.Redact(x.URL), probe, y.Status, y.MediaType())
}

// unreachable reports whether a transport error means nothing at the base
// URL can answer (as opposed to one slow or odd object).
func unreachable(err string) bool {
	for _, s := range []string{"connection refused", "no such host", "network is unreachable", "tls", "certificate", "x509", "handshake"} {
		if strings.Contains(strings.ToLower(err), s) {
			return true
		}
	}
	return false
}

// isHTML reports whether an answer says it is an HTML page.
func isHTML(x client.Exchange) bool { return mediaType(x) == "text/html" }

// mediaType is the answer's media type, lower case, without parameters.
func mediaType(x client.Exchange) string {
	mt, _, err := mime.ParseMediaType(x.Header.Get("Content-Type"))
	if err != nil {
		return strings.ToLower(strings.TrimSpace(x.Header.Get("Content-Type")))
	}
	return mt
}

// answerText is an exchange's status, or its error.
func answerText(x client.Exchange) string {
	if x.Err != "" {
		return x.Err
	}
	return fmt.Sprint(x.Status)
}

// credentialHint names where u's credential comes from, for the fix.
func credentialHint(u *config.User) string {
	switch {
	case u.Login != nil:
		return "check the credentials of the login block"
	case u.TokenVar != "":
		return "export a fresh " + u.TokenVar
	default:
		return "give a fresh credential"
	}
}

// plural picks the word for n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
