package client

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/secret"
)

// DefaultRefreshCooldown is the least time between two logins of one user
// prompted by a 401. A 401 may be the API's answer to another user's
// object rather than an expired token; the cooldown keeps such answers from
// turning into a stream of logins.
const DefaultRefreshCooldown = 30 * time.Second

// logins holds each login user's current token.
type logins struct {
	cooldown time.Duration
	mu       sync.Mutex
	users    map[string]*loginState
}

// loginState is one user's token; its mutex makes concurrent requests wait
// for one login instead of each logging in.
type loginState struct {
	mu        sync.Mutex
	token     string
	refreshed time.Time // the last login prompted by a 401
	failed    error     // the last login's failure, while there is no token
	failedAt  time.Time
}

func newLogins(cooldown time.Duration) *logins {
	return &logins{cooldown: cooldown, users: map[string]*loginState{}}
}

func (l *logins) state(name string) *loginState {
	l.mu.Lock()
	defer l.mu.Unlock()
	st := l.users[name]
	if st == nil {
		st = &loginState{}
		l.users[name] = st
	}
	return st
}

// bearer is the token to send as u: the configured one, or for a login user
// the current token, logging in first when there is none yet. reason says
// why there is no token.
func (c *Client) bearer(ctx context.Context, u *config.User) (token, reason string) {
	if u == nil {
		return "", ""
	}
	if u.Login == nil {
		return u.Token.Reveal(), ""
	}
	st := c.logins.state(u.Name)
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.token == "" {
		// A failed login is not tried again for every request: that would
		// turn a wrong password into a stream of login attempts.
		if st.failed != nil && time.Since(st.failedAt) < c.logins.cooldown {
			return "", st.failed.Error()
		}
		if err := c.login(ctx, u, st); err != nil {
			st.failed, st.failedAt = err, time.Now()
			return "", err.Error()
		}
	}
	return st.token, ""
}

// Login logs u in now, so that a wrong password is an error before the scan
// rather than a no-verdict on every case. Users without a login block need
// nothing.
func (c *Client) Login(ctx context.Context, u *config.User) error {
	if u == nil || u.Login == nil {
		return nil
	}
	st := c.logins.state(u.Name)
	st.mu.Lock()
	defer st.mu.Unlock()
	return c.login(ctx, u, st)
}

// refresh handles a 401 to u sent with used: it logs in again (at most once
// per cooldown) and reports whether the request should be sent again with
// the new token. When another request already refreshed, it only says so.
func (c *Client) refresh(ctx context.Context, u *config.User, used string) bool {
	if u == nil || u.Login == nil {
		return false
	}
	st := c.logins.state(u.Name)
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.token != used {
		return st.token != ""
	}
	if !st.refreshed.IsZero() && time.Since(st.refreshed) < c.logins.cooldown {
		return false
	}
	st.refreshed = time.Now()
	return c.login(ctx, u, st) == nil
}

// login sends u's login request and stores the token it answers with. It
// runs with st locked and without a concurrency slot (the request that
// needs the token may hold the last one).
func (c *Client) login(ctx context.Context, u *config.User, st *loginState) error {
	l := u.Login
	where := fmt.Sprintf("login for %s: %s %s", u.Name, l.Method, l.Path)
	if l.Path == "" || l.Method == "" {
		return fmt.Errorf("login for %s: no method and path; the login operation was not looked up in the spec (Config.ResolveLogins)", u.Name)
	}
	steps := l.Steps
	if steps == nil {
		var err error
		if steps, err = config.ParseJSONPath(l.TokenPath); err != nil {
			return fmt.Errorf("%s: token: %v", where, err)
		}
	}
	body, err := c.loginRequest(ctx, l)
	if err != nil {
		return fmt.Errorf("%s: %s", where, c.Redact(err.Error()))
	}
	tok, err := config.TokenAt(body, steps)
	if err != nil {
		return fmt.Errorf("%s: the token is not at %s: %v", where, l.TokenPath, err)
	}
	for _, r := range tok {
		if r < 0x21 || r == 0x7f {
			return fmt.Errorf("%s: the value at %s has a space or control character; it is not a Bearer token", where, l.TokenPath)
		}
	}
	st.token = tok
	c.keys.Add(secret.NewSecret(tok))
	return nil
}

// loginRequest sends the login request through the client's own transport
// (origin check, budget, rate) and returns the answer's body when it is a
// success.
func (c *Client) loginRequest(ctx context.Context, l *config.Login) ([]byte, error) {
	tctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	payload := []byte(l.Body.Reveal())
	req, err := http.NewRequestWithContext(context.WithValue(tctx, redirectNoteKey{}, &redirectNote{}), l.Method, c.base+l.Path, bytes.NewReader(payload))
	if err != nil {
		return nil, fmt.Errorf("cannot build the request: %v", err)
	}
	if originOfURL(req.URL) != c.origin {
		return nil, fmt.Errorf("the login URL leaves the configured origin %s", c.origin)
	}
	req.Header.Set("User-Agent", UserAgent)
	req.Header.Set("Accept", "application/json")
	if len(payload) > 0 {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s", c.describe(ctx, err))
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, c.maxBody))
	if note := noteOf(req.Context()); note.refused != "" {
		return nil, fmt.Errorf("%s", note.refused)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		// The body is not quoted: a login answer may echo the credentials.
		return nil, fmt.Errorf("answered status %d; check the credentials in login.body and the login path", resp.StatusCode)
	}
	if err != nil {
		return nil, fmt.Errorf("reading the answer: %s", c.describe(ctx, err))
	}
	return data, nil
}
