package client

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// bodyEcho answers with what it got: the method, the X-Account-Id header,
// the Content-Type and the body, one per line.
func bodyEcho(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	_, err = io.WriteString(w, r.Method+"\n"+r.Header.Get("X-Account-Id")+"\n"+r.Header.Get("Content-Type")+"\n"+string(body)+"\n"+r.Header.Get("Authorization"))
	if err != nil {
		return
	}
}

func TestClient_DoRequest_SendsHeadersAndBody(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(bodyEcho))
	defer srv.Close()
	c := newTestClient(t, srv.URL, func(o *ClientOptions) { o.Methods = []string{"GET", "PUT"} })
	x := c.DoRequest(context.Background(), testAlice, Request{Method: "PUT", URL: srv.URL + "/profile",
		Header: http.Header{"X-Account-Id": {"20"}}, Body: []byte(`{"username":"bob"}`)})
	require.Empty(t, x.Err)
	assert.Equal(t, "PUT\n20\napplication/json\n{\"username\":\"bob\"}\nBearer alice-token", string(x.Body))
}

func TestClient_DoRequest_Refusals(t *testing.T) {
	srv := newWireRecorder(t, nil)
	c := newTestClient(t, srv.URL, nil) // GET and HEAD only
	tests := []struct {
		name string
		req  Request
		want string
	}{
		{"a write the config does not allow", Request{Method: "PUT", URL: srv.URL + "/x", Body: []byte(`{}`)},
			"method PUT not allowed by config methods (GET, HEAD)"},
		{"a case may not set the token", Request{Method: "GET", URL: srv.URL + "/x", Header: http.Header{"authorization": {"Bearer stolen"}}},
			"header Authorization is set by the client itself"},
		{"nor cookies", Request{Method: "GET", URL: srv.URL + "/x", Header: http.Header{"Cookie": {"sid=1"}}},
			"header Cookie is set by the client itself"},
		{"a header value with a line break", Request{Method: "GET", URL: srv.URL + "/x", Header: http.Header{"X-Id": {"1\r\nX-Admin: 1"}}},
			"header X-Id has a control character at byte 1"},
		{"a body that did not encode", Request{Method: "GET", URL: srv.URL + "/x", Invalid: "cannot write the JSON body: boom"},
			"cannot write the JSON body: boom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := c.DoRequest(context.Background(), testAlice, tt.req)
			assert.Contains(t, x.Err, tt.want)
			assert.Zero(t, x.Status)
		})
	}
	assert.Empty(t, srv.Hits(), "nothing refused reaches the server")
}

// TestClient_DoRequest_RetrySendsBodyAgain: a 429 is retried with the
// whole body, not an empty one.
func TestClient_DoRequest_RetrySendsBodyAgain(t *testing.T) {
	var mu sync.Mutex
	var bodies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		require.NoError(t, err)
		mu.Lock()
		bodies = append(bodies, string(b))
		first := len(bodies) == 1
		mu.Unlock()
		if first {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, func(o *ClientOptions) { o.Methods = []string{"POST"} })
	x := c.DoRequest(context.Background(), testAlice, Request{Method: "POST", URL: srv.URL + "/search", Body: []byte(`{"owner_id":2}`)})
	require.Empty(t, x.Err)
	assert.Equal(t, http.StatusNoContent, x.Status)
	assert.Equal(t, 1, x.Retries)
	assert.Equal(t, []string{`{"owner_id":2}`, `{"owner_id":2}`}, bodies)
}

func TestCurlRequest(t *testing.T) {
	r := Request{Method: "PUT", URL: "http://h/profile", Header: http.Header{"X-Account-Id": {"20"}}, Body: []byte(`{"bio":"it's"}`)}
	assert.Equal(t, `curl -sS -i --path-as-is -g -X PUT -H "Authorization: Bearer $ALICE_TOKEN" -H 'X-Account-Id: 20' -H 'Content-Type: application/json' --data-raw '{"bio":"it'\''s"}' 'http://h/profile'`,
		CurlRequest(r, "ALICE_TOKEN"))
	assert.Equal(t, CurlLine("GET", "http://h/x?id=1", "T"), CurlRequest(Request{Method: "GET", URL: "http://h/x?id=1"}, "T"),
		"a request without headers or body is the plain curl line")
}

// newRequest builds its request by hand; it must be the request
// http.NewRequest makes of the same URL, plus the client's headers, so the
// transport writes the same message.
func TestNewRequest_AsNetHTTPBuildsIt(t *testing.T) {
	c := newTestClient(t, "http://127.0.0.1:8080", func(o *ClientOptions) { o.Methods = []string{"GET", "PUT"} })
	for _, method := range []string{"GET", "PUT"} {
		for _, raw := range []string{"http://127.0.0.1:8080/a/7?x=1", "http://127.0.0.1:8080/", "http://127.0.0.1:8080/b?"} {
			got, reason := c.newRequest(method, raw)
			require.Empty(t, reason)
			want, err := http.NewRequest(method, raw, nil)
			require.NoError(t, err)
			assert.Equal(t, want.Method, got.Method)
			assert.Equal(t, want.URL.String(), got.URL.String())
			assert.Equal(t, want.Host, got.Host)
			assert.Equal(t, want.Proto, got.Proto)
			assert.Equal(t, want.ProtoMajor, got.ProtoMajor)
			assert.Equal(t, want.ProtoMinor, got.ProtoMinor)
			assert.Nil(t, got.Body)
			assert.Zero(t, got.ContentLength)
			assert.Equal(t, http.Header{"User-Agent": {UserAgent}, "Accept": {acceptHeader}}, got.Header)
			assert.Equal(t, context.Background(), got.Context(), "each attempt sets its own context")
		}
	}
}
