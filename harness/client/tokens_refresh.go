package client

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/bolaharness/bolaharness/harness/config"
)

// DefaultRefreshCooldown is the least time between two logins of one user
// prompted by a 401. A 401 may be the API's answer to another user's
// object rather than an expired token; the cooldown keeps such answers from
// turning into a stream of logins.
const DefaultRefreshCooldown = 30 * time.Second

// logins holds each login user's current session.
type logins struct {
	cooldown time.Duration
	mu       sync.Mutex
	users    map[string]*loginState
}

// loginState is one user's session; its mutex makes concurrent requests
// wait for one login instead of each logging in.
type loginState struct {
	mu        sync.Mutex
	sess      session
	refreshed time.Time // the last login prompted by a 401
	failed    error     // the last login's failure, while there is no session
	failedAt  time.Time
}

// session is what a user sends: the Bearer token (configured, or answered
// by the login), the cookies and CSRF token the login answered, and the
// login's generation, which tells a request sent before a fresh login
// from one sent after it.
type session struct {
	token   string
	cookies []*http.Cookie // as the login set them (name and value only are used)
	csrf    string
	gen     int
}

// live reports whether the session holds what the login gives.
func (s session) live() bool { return s.token != "" || len(s.cookies) > 0 }

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

// session is what to send as u: the configured token, or for a login user
// the current session, logging in first when there is none yet. reason
// says why there is none.
func (c *Client) session(ctx context.Context, u *config.User) (sess session, reason string) {
	if u == nil {
		return session{}, ""
	}
	if u.Login == nil {
		return session{token: u.Token.Reveal()}, ""
	}
	st := c.logins.state(u.Name)
	st.mu.Lock()
	defer st.mu.Unlock()
	if !st.sess.live() {
		// A failed login is not tried again for every request: that would
		// turn a wrong password into a stream of login attempts.
		if st.failed != nil && time.Since(st.failedAt) < c.logins.cooldown {
			return session{}, st.failed.Error()
		}
		if err := c.login(ctx, u, st); err != nil {
			st.failed, st.failedAt = err, time.Now()
			return session{}, err.Error()
		}
	}
	return st.sess, ""
}

// current is u's session as it stands, without logging in (for curl lines).
func (c *Client) current(u *config.User) session {
	if u == nil || u.Login == nil {
		return session{}
	}
	st := c.logins.state(u.Name)
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.sess
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

// refresh handles a 401 to u sent with the session of generation used: it
// logs in again (at most once per cooldown) and reports whether the
// request should be sent again with the new session. When another request
// already refreshed, it only says so.
func (c *Client) refresh(ctx context.Context, u *config.User, used int) bool {
	if u == nil || u.Login == nil {
		return false
	}
	st := c.logins.state(u.Name)
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.sess.gen != used {
		return st.sess.live()
	}
	if !st.refreshed.IsZero() && time.Since(st.refreshed) < c.logins.cooldown {
		return false
	}
	st.refreshed = time.Now()
	return c.login(ctx, u, st) == nil
}
