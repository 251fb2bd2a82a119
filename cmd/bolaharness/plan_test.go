package main

import (
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// planJSON is the outside contract of plan -format json (shared/DESIGN.md).
type planJSON struct {
	Operations []struct {
		Operation    string `json:"operation"`
		IDParameters []struct {
			Name    string   `json:"name"`
			In      string   `json:"in"`
			Reasons []string `json:"reasons"`
		} `json:"idParameters"`
	} `json:"operations"`
	Skipped []struct {
		Operation string `json:"operation"`
		Why       string `json:"why"`
	} `json:"skipped"`
}

// refuseNetwork makes any request through the default transport fail and
// counts it, for the length of the test.
func refuseNetwork(t *testing.T) *atomic.Int64 {
	t.Helper()
	var n atomic.Int64
	prev := http.DefaultTransport
	http.DefaultTransport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
		n.Add(1)
		return nil, errors.New("plan must send nothing: " + r.URL.String())
	})
	t.Cleanup(func() { http.DefaultTransport = prev })
	return &n
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func planOf(t *testing.T, args ...string) planJSON {
	t.Helper()
	code, out, errOut := cli(t, append([]string{"plan", "-format", "json"}, args...)...)
	require.Equal(t, exitClean, code, errOut)
	var p planJSON
	require.NoError(t, json.Unmarshal([]byte(out), &p))
	return p
}

func idCount(p planJSON) int {
	n := 0
	for _, op := range p.Operations {
		n += len(op.IDParameters)
	}
	return n
}

func TestPlanJSONOnTheDemo(t *testing.T) {
	sent := refuseNetwork(t)
	p := planOf(t, "-spec", filepath.Join("..", "..", "specs", "demo.yaml"))
	require.NotEmpty(t, p.Operations)
	byOp := map[string][]string{}
	for _, op := range p.Operations {
		for _, id := range op.IDParameters {
			byOp[op.Operation] = append(byOp[op.Operation], id.Name+"/"+id.In)
			assert.NotEmpty(t, id.Reasons, "%s %s says why it is an id", op.Operation, id.Name)
		}
	}
	assert.Equal(t, []string{"invoice_id/path"}, byOp["GET /invoices/{invoice_id}"])
	assert.Equal(t, []string{"account_id/path", "statement_id/path"}, byOp["GET /accounts/{account_id}/statements/{statement_id}"])
	require.NotEmpty(t, p.Skipped)
	assert.Equal(t, "GET /health", p.Skipped[0].Operation)
	assert.Contains(t, p.Skipped[0].Why, "public")
	assert.Zero(t, sent.Load())
}

// TestPlanStripe plans the real Stripe document: hundreds of object ids
// named, and not one request sent.
func TestPlanStripe(t *testing.T) {
	spec := filepath.Join("..", "..", "..", "shared", "corpus", "specs", "stripe.yaml")
	if _, err := os.Stat(spec); err != nil {
		t.Skipf("the Stripe document is not at %s (shared/corpus sits beside the repository): %v", spec, err)
	}
	sent := refuseNetwork(t)
	all := planOf(t, "-spec", spec, "-methods", "all")
	reads, found := 0, false
	for _, op := range all.Operations {
		if strings.HasPrefix(op.Operation, "GET ") || strings.HasPrefix(op.Operation, "HEAD ") {
			reads++
		}
		if op.Operation == "GET /v1/customers/{customer}" {
			found = len(op.IDParameters) == 1 && op.IDParameters[0].Name == "customer" && op.IDParameters[0].In == "path"
		}
	}
	t.Logf("stripe, all methods: %d operations (%d GET/HEAD), %d id parameters; %d left out",
		len(all.Operations), reads, idCount(all), len(all.Skipped))
	assert.Greater(t, reads, 100, "a scan with the default methods attacks over a hundred operations")
	assert.Greater(t, idCount(all), 300, "several hundred object ids")
	assert.True(t, found, "GET /v1/customers/{customer} names customer as its id")
	assert.Zero(t, sent.Load(), "plan sends nothing")
}
