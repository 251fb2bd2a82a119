package engine

import (
	"context"
	"strings"

	"github.com/bolaharness/bolaharness/harness/client"
	"github.com/bolaharness/bolaharness/harness/config"
)

// requestKey names a request whole: user, method, URL, headers and body.
func requestKey(u *config.User, r client.Request) string {
	name := ""
	if u != nil {
		name = u.Name
	}
	return strings.Join([]string{name, r.Method, r.URL, strings.Join(client.HeaderLines(r.Header), "\n"), string(r.Body)}, "\x00")
}

// send sends r as u. Reads (GETs and HEADs, and the controls and own-object
// requests of reads whose id travels in a body, such as POST searches) go
// through the run's memo and are sent once; anything else (an attack with a
// body, every write) is sent each time.
func (s *Scan) send(ctx context.Context, u *config.User, r client.Request) client.Exchange {
	read := r.Method == "GET" || r.Method == "HEAD"
	if r.Invalid == "" && (read || r.Shared) {
		return s.memo.Do(requestKey(u, r), func() client.Exchange { return s.client.DoRequest(ctx, u, r) })
	}
	return s.client.DoRequest(ctx, u, r)
}
