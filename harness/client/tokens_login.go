package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"

	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/secret"
)

// LoginRefusedError is a login that the target refused (400, 401, 403: the
// credentials were rejected) or that never reached it (connection refused,
// TLS, timeout). A run cannot test anything as that user, which the drivers
// report as "nothing could be tested" rather than as a config mistake.
type LoginRefusedError struct {
	Status int    // 0 when no answer came
	Reason string // redacted
}

// Error is the reason, as the login's other errors read.
func (e *LoginRefusedError) Error() string { return e.Reason }

// loginAnswer is what a login request answered: its body and the cookies
// it set (the last value of each name).
type loginAnswer struct {
	body    []byte
	cookies []*http.Cookie
}

// login sends u's login request and stores the session it answers with: the
// token at the token path, or the cookies it set, and the CSRF token. It
// runs with st locked and without a concurrency slot (the request that
// needs the session may hold the last one). Every value learnt is a
// secret from then on.
func (c *Client) login(ctx context.Context, u *config.User, st *loginState) error {
	l := u.Login
	where := fmt.Sprintf("login for %s: %s %s", u.Name, l.Method, l.Path)
	if l.Where != "" {
		where = l.Where + ": " + where
	}
	if l.Path == "" || l.Method == "" {
		return fmt.Errorf("login for %s: no method and path; the login operation was not looked up in the spec (Config.ResolveLogins)", u.Name)
	}
	ans, err := c.loginRequest(ctx, l)
	if err != nil {
		var refused *LoginRefusedError
		if errors.As(err, &refused) {
			return &LoginRefusedError{Status: refused.Status, Reason: where + ": " + c.Redact(refused.Reason)}
		}
		return fmt.Errorf("%s: %s", where, c.Redact(err.Error()))
	}
	sess := session{cookies: ans.cookies, gen: st.sess.gen + 1}
	for _, ck := range ans.cookies {
		c.keys.Add(secret.NewSecret(ck.Value))
	}
	if l.TokenPath != "" {
		if sess.token, err = tokenOf(l, ans.body); err != nil {
			return fmt.Errorf("%s: %v", where, err)
		}
	} else if len(ans.cookies) == 0 {
		return fmt.Errorf("%s: the answer set no cookie, so there is no session to use; give login.token the JSON path of the token in the answer%s, or check that this request logs in", where, keysHint(ans.body))
	}
	if sess.csrf, err = csrfOf(l, ans); err != nil {
		return fmt.Errorf("%s: %v", where, err)
	}
	c.keys.Add(secret.NewSecret(sess.token))
	c.keys.Add(secret.NewSecret(sess.csrf))
	st.sess = sess
	return nil
}

// tokenOf finds the token at the login's token path.
func tokenOf(l *config.Login, body []byte) (string, error) {
	steps := l.Steps
	if steps == nil {
		var err error
		if steps, err = config.ParseJSONPath(l.TokenPath); err != nil {
			return "", fmt.Errorf("token: %v", err)
		}
	}
	tok, err := config.TokenAt(body, steps)
	if err != nil {
		return "", fmt.Errorf("the token is not at %s: %v; fix login.token, or remove it when the answer sets a session cookie", l.TokenPath, err)
	}
	for _, r := range tok {
		if r < 0x21 || r == 0x7f {
			return "", fmt.Errorf("the value at %s has a space or control character; it is not a Bearer token", l.TokenPath)
		}
	}
	return tok, nil
}

// csrfOf finds the CSRF token the login answered: in its cookie or at its
// JSON path. The error names the cookies that were set, never their values.
func csrfOf(l *config.Login, ans loginAnswer) (string, error) {
	cs := l.CSRF
	if cs == nil {
		return "", nil
	}
	if cs.Cookie != "" {
		for _, ck := range ans.cookies {
			if ck.Name == cs.Cookie && ck.Value != "" {
				return ck.Value, nil
			}
		}
		return "", fmt.Errorf("csrf.cookie: the answer set no %s cookie (it set %s); name one of those in login.csrf.cookie, or take the token from the answer with csrf: {header: %s, json: $.csrf}", cs.Cookie, cookieNames(ans.cookies), cs.Header)
	}
	v, err := config.TokenAt(ans.body, cs.Steps)
	if err != nil {
		return "", fmt.Errorf("csrf.json: the CSRF token is not at %s: %v; fix login.csrf.json", cs.JSON, err)
	}
	return v, nil
}

// cookieNames lists cookie names, for errors: "none" when there are none.
func cookieNames(list []*http.Cookie) string {
	if len(list) == 0 {
		return "none"
	}
	names := make([]string, len(list))
	for i, ck := range list {
		names[i] = ck.Name
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// keysHint names the answer's top-level JSON keys, for the fix of a login
// without token path and without cookies.
func keysHint(body []byte) string {
	if keys := config.KeysOf(body); keys != "" {
		return " (its keys are " + keys + ")"
	}
	return ""
}

// loginRequest sends the login request through the client's own transport
// (origin check, budget, rate), without following redirects, since a form
// login commonly answers 302 with its cookies, and returns the answer when
// it is a success (2xx, or 3xx that sets cookies).
func (c *Client) loginRequest(ctx context.Context, l *config.Login) (loginAnswer, error) {
	tctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	payload := []byte(l.Body.Reveal())
	note := &redirectNote{noFollow: true}
	req, err := http.NewRequestWithContext(context.WithValue(tctx, redirectNoteKey{}, note), l.Method, c.base+l.Path, bytes.NewReader(payload))
	if err != nil {
		return loginAnswer{}, fmt.Errorf("cannot build the request: %v", err)
	}
	if originOfURL(req.URL) != c.origin {
		return loginAnswer{}, fmt.Errorf("the login URL leaves the configured origin %s", c.origin)
	}
	req.Header.Set("User-Agent", UserAgent)
	req.Header.Set("Accept", "application/json")
	if len(payload) > 0 {
		ct := "application/json"
		if l.Form {
			ct = "application/x-www-form-urlencoded"
		}
		req.Header.Set("Content-Type", ct)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return loginAnswer{}, &LoginRefusedError{Reason: c.describe(ctx, err)}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, c.maxBody))
	if note.refused != "" {
		return loginAnswer{}, fmt.Errorf("%s", note.refused)
	}
	ans := loginAnswer{body: data, cookies: lastCookies(resp.Cookies())}
	redirectWithCookies := resp.StatusCode >= 300 && resp.StatusCode < 400 && len(ans.cookies) > 0 && l.TokenPath == ""
	if (resp.StatusCode < 200 || resp.StatusCode > 299) && !redirectWithCookies {
		// The body is not quoted: a login answer may echo the credentials.
		what := "login.body"
		if l.Form {
			what = "login.form"
		}
		msg := fmt.Sprintf("answered status %d; check the credentials in %s and the login path", resp.StatusCode, what)
		if resp.StatusCode == http.StatusBadRequest || resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
			return loginAnswer{}, &LoginRefusedError{Status: resp.StatusCode, Reason: msg}
		}
		return loginAnswer{}, errors.New(msg)
	}
	if err != nil {
		return loginAnswer{}, fmt.Errorf("reading the answer: %s", c.describe(ctx, err))
	}
	return ans, nil
}

// lastCookies keeps the last cookie of each name, with a value: a server
// that clears a cookie and sets it again in one answer means the new one.
func lastCookies(list []*http.Cookie) []*http.Cookie {
	var out []*http.Cookie
	at := map[string]int{}
	for _, ck := range list {
		if ck.Value == "" || ck.MaxAge < 0 {
			continue
		}
		if i, ok := at[ck.Name]; ok {
			out[i] = ck
			continue
		}
		at[ck.Name] = len(out)
		out = append(out, ck)
	}
	return out
}
