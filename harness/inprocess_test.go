package harness_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/bolaharness/bolaharness/harness/client"
	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/engine"
	"github.com/bolaharness/bolaharness/harness/report"
	"github.com/bolaharness/bolaharness/harness/secret"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bolaharness/bolaharness/fixtures"
	"github.com/bolaharness/bolaharness/harness"
	"github.com/bolaharness/bolaharness/specs"
)

// wireHandler answers what it was sent and a few server edge cases, so the
// same request over loopback and in process can be compared byte for byte.
func wireHandler(wrote chan<- error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasPrefix(r.URL.Path, "/nocontent"):
			w.WriteHeader(http.StatusNoContent)
			_, err := w.Write([]byte("dropped"))
			sendErr(wrote, err)
		case strings.HasPrefix(r.URL.Path, "/big"):
			_, err := w.Write([]byte(strings.Repeat("x", 3000))) // past the server's buffer: chunked
			sendErr(wrote, err)
		case strings.HasPrefix(r.URL.Path, "/short"):
			w.Header().Set("Content-Length", "10")
			_, err := w.Write([]byte("12345"))
			sendErr(wrote, err)
		case strings.HasPrefix(r.URL.Path, "/redirect"):
			http.Redirect(w, r, "/things/8?from=redirect", http.StatusFound)
		case strings.HasPrefix(r.URL.Path, "/late-header"):
			w.Header().Set("X-Owner", "before")
			w.WriteHeader(http.StatusAccepted)
			w.Header().Set("X-Owner", "after") // ignored: the header went out
			_, err := io.WriteString(w, "<html><body>sniffed</body></html>")
			sendErr(wrote, err)
		default:
			echo(w, r, wrote)
		}
	})
}

func echo(w http.ResponseWriter, r *http.Request, wrote chan<- error) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Remote-Loopback", boolText(strings.HasPrefix(r.RemoteAddr, "127.0.0.1:")))
	err := json.NewEncoder(w).Encode(map[string]string{
		"method": r.Method, "requestURI": r.RequestURI, "path": r.URL.Path, "rawPath": r.URL.RawPath,
		"rawQuery": r.URL.RawQuery, "auth": r.Header.Get("Authorization"), "ua": r.UserAgent(),
		"accept": r.Header.Get("Accept"), "proto": r.Proto,
	})
	sendErr(wrote, err)
}

func boolText(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func sendErr(ch chan<- error, err error) {
	if ch != nil {
		ch <- err
	}
}

// clientFor builds a harness client that reaches h over loopback or in
// process, and returns it with its base URL.
func clientFor(t *testing.T, h http.Handler, inProcess bool, opts client.ClientOptions) (*client.Client, string) {
	t.Helper()
	opts.RateUnlimited = true
	if inProcess {
		opts.BaseURL = client.InProcessBaseURL
		if opts.Transport == nil {
			opts.Transport = &client.InProcessTransport{Handler: h}
		}
	} else {
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		opts.BaseURL = srv.URL
	}
	c, err := client.NewClient(opts)
	require.NoError(t, err)
	return c, opts.BaseURL
}

// comparable is an exchange without what differs by nature between the two
// modes: the origin and the date.
type comparable struct {
	Status    int
	Header    http.Header
	Body      string
	Truncated bool
	Err       string
}

func strip(x client.Exchange) comparable {
	h := x.Header.Clone()
	h.Del("Date")
	return comparable{Status: x.Status, Header: h, Body: string(x.Body), Truncated: x.Truncated, Err: x.Err}
}

func TestInProcessMatchesLoopback(t *testing.T) {
	alice := &config.User{Name: "alice", Token: secret.NewSecret("tok-a")}
	tests := []struct {
		name, method, target string
		wantStatus           int
		wantInBody           string
	}{
		{"plain", "GET", "/things/8", 200, `"requestURI":"/things/8"`},
		{"double encoded", "GET", "/things/%2538", 200, `"path":"/things/%38"`},
		{"plus sign", "GET", "/things/+8", 200, `"path":"/things/+8"`},
		{"matrix suffix", "GET", "/things/8;x", 200, `"requestURI":"/things/8;x"`},
		{"encoded slash", "GET", "/things/a%2Fb", 200, `"rawPath":"/things/a%2Fb"`},
		{"nul byte", "GET", "/things/%00", 200, `"requestURI":"/things/%00"`},
		{"dot segment", "GET", "/things/../things/8", 200, `"requestURI":"/things/../things/8"`},
		{"empty query", "GET", "/things/8?", 200, `"requestURI":"/things/8?"`},
		{"query kept raw", "GET", "/things/8?a=%20&b=+", 200, `"rawQuery":"a=%20\u0026b=+"`},
		{"bad escape is the server's 400", "GET", "/things/%zz", 400, "400 Bad Request"},
		{"head has no body", "HEAD", "/things/8", 200, ""},
		{"204 drops the body", "GET", "/nocontent", 204, ""},
		{"long body is chunked", "GET", "/big", 200, strings.Repeat("x", 3000)},
		{"short body fails to read", "GET", "/short", 200, "12345"},
		{"header frozen at WriteHeader, type sniffed", "GET", "/late-header", 202, "sniffed"},
		{"same-origin redirect followed", "GET", "/redirect", 200, `"requestURI":"/things/8?from=redirect"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got [2]comparable
			for i, inProcess := range []bool{false, true} {
				c, base := clientFor(t, wireHandler(nil), inProcess, client.ClientOptions{})
				got[i] = strip(c.Do(context.Background(), alice, tc.method, base+tc.target))
			}
			assert.Equal(t, got[0], got[1], "loopback (first) and in-process (second) differ")
			assert.Equal(t, tc.wantStatus, got[1].Status)
			assert.Contains(t, got[1].Body, tc.wantInBody)
		})
	}
}

func TestInProcessLimits(t *testing.T) {
	alice := &config.User{Name: "alice", Token: secret.NewSecret("tok-a")}
	tests := []struct {
		name      string
		handler   func(w http.ResponseWriter, r *http.Request, seen chan<- error)
		opts      client.ClientOptions
		maxBody   int64
		wantErr   string
		wantBody  int
		truncated bool
		handlerOK bool // the handler's own error (write or context) is nil
	}{
		{
			name: "body past MaxBody fails the handler's write and truncates",
			handler: func(w http.ResponseWriter, _ *http.Request, seen chan<- error) {
				_, err := w.Write([]byte(strings.Repeat("y", 100)))
				seen <- err
			},
			opts: client.ClientOptions{MaxBody: 10}, maxBody: 11, wantBody: 10, truncated: true,
		},
		{
			name: "body within MaxBody is whole",
			handler: func(w http.ResponseWriter, _ *http.Request, seen chan<- error) {
				_, err := w.Write([]byte(strings.Repeat("y", 10)))
				seen <- err
			},
			opts: client.ClientOptions{MaxBody: 10}, maxBody: 11, wantBody: 10, handlerOK: true,
		},
		{
			name: "caller's timeout cancels the handler's context",
			handler: func(_ http.ResponseWriter, r *http.Request, seen chan<- error) {
				<-r.Context().Done()
				seen <- r.Context().Err()
			},
			opts: client.ClientOptions{Timeout: 30 * time.Millisecond}, wantErr: "timeout after 30ms",
		},
		{
			name: "a panic is a failed request, not a crash",
			handler: func(_ http.ResponseWriter, _ *http.Request, seen chan<- error) {
				seen <- errors.New("about to panic")
				panic("boom")
			},
			wantErr: "in-process handler panicked: boom",
		},
		{
			name: "runtime.Goexit in the handler fails the request at once",
			handler: func(_ http.ResponseWriter, _ *http.Request, seen chan<- error) {
				seen <- errors.New("about to exit")
				runtime.Goexit()
			},
			wantErr: "exited without answering",
		},
		{
			name: "ErrAbortHandler reads as an aborted response",
			handler: func(_ http.ResponseWriter, _ *http.Request, seen chan<- error) {
				seen <- errors.New("about to abort")
				panic(http.ErrAbortHandler)
			},
			wantErr: "aborted the response",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			seen := make(chan error, 1)
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { tc.handler(w, r, seen) })
			tc.opts.Transport = &client.InProcessTransport{Handler: h, MaxBody: tc.maxBody}
			c, base := clientFor(t, h, true, tc.opts)
			x := c.Do(context.Background(), alice, "GET", base+"/x")
			assert.Contains(t, x.Err, tc.wantErr)
			if tc.wantErr == "" {
				assert.Empty(t, x.Err)
			}
			assert.Len(t, x.Body, tc.wantBody)
			assert.Equal(t, tc.truncated, x.Truncated)
			select {
			case err := <-seen:
				assert.Equal(t, tc.handlerOK, err == nil, "handler saw %v", err)
			case <-time.After(2 * time.Second):
				t.Fatal("the handler never ran or never saw its context end")
			}
		})
	}
}

// TestInProcessFindsWhatLoopbackFinds runs the demo API in vulnerable mode
// both ways with one seed: the same findings, the same requests.
func TestInProcessFindsWhatLoopbackFinds(t *testing.T) {
	var reps [2]*report.Report
	for i, inProcess := range []bool{false, true} {
		cfg, err := config.ParseConfigEmbedded("fixtures/demo.yaml", fixtures.DemoConfig, specs.Demo, noEnv)
		require.NoError(t, err)
		cfg.Seed = 20261129
		opts := engine.Options{Fixture: fixtures.Handler, FixtureMode: config.FixtureVulnerable}
		engine.NewConsole(io.Discard, false).Run("demo", func(tb engine.TB) {
			if inProcess {
				h, herr := fixtures.Handler("demo", config.FixtureVulnerable)
				require.NoError(t, herr)
				reps[i], err = engine.RunHandler(context.Background(), cfg, h, opts, tb)
			} else {
				reps[i], err = harness.RunConfig(context.Background(), cfg, opts, tb)
			}
		})
		require.NoError(t, err)
		require.NotNil(t, reps[i])
	}
	loop, inproc := reps[0], reps[1]
	assert.Equal(t, client.InProcessBaseURL, inproc.BaseURL)
	require.NotEmpty(t, loop.Findings, "the vulnerable demo has planted flaws")
	assert.Equal(t, findingKeys(loop), findingKeys(inproc))
	assert.Equal(t, loop.Stats.Requests, inproc.Stats.Requests)
	assert.Equal(t, loop.Stats.Leaks, inproc.Stats.Leaks)
	assert.Equal(t, loop.Stats.Safe, inproc.Stats.Safe)
	assert.Equal(t, loop.Stats.NoVerdict, inproc.Stats.NoVerdict)
}

// findingKeys is each finding without its origin-bearing fields (URL, curl).
func findingKeys(r *report.Report) []string {
	var out []string
	for _, f := range r.Findings {
		ev, err := json.Marshal(f.Evidence)
		if err != nil {
			panic(err)
		}
		out = append(out, strings.Join([]string{f.Operation, f.Parameter, f.Attacker, f.Victim, f.Mutation,
			f.Value, f.Kind, f.Severity, http.StatusText(f.Status), string(ev)}, " | "))
	}
	return out
}

func noEnv(string) (string, bool) { return "", false }
