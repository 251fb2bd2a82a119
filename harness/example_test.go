package harness_test

import (
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"sort"

	"github.com/bolaharness/bolaharness/harness"
	"github.com/bolaharness/bolaharness/harness/config"

	"github.com/bolaharness/bolaharness/fixtures"
	"github.com/bolaharness/bolaharness/specs"
)

// A Go service can run the harness against its own router inside a unit
// test: no listening socket, every request served by the handler in process.
// Here the router is the demo API with its planted flaws.
func ExampleRunHandler() {
	cfg, err := config.ParseConfigEmbedded("fixtures/demo.yaml", fixtures.DemoConfig, specs.Demo, noEnv)
	if err != nil {
		fmt.Println(err)
		return
	}
	cfg.Seed = 1
	router, err := fixtures.Handler("demo", config.FixtureVulnerable)
	if err != nil {
		fmt.Println(err)
		return
	}
	rep, err := harness.RunHandler(context.Background(), cfg, router, harness.Options{}, harness.NewConsole(io.Discard, false))
	if err != nil {
		fmt.Println(err)
		return
	}
	leaking := map[string]bool{}
	for _, f := range rep.Findings {
		leaking[f.Operation] = true
	}
	ops := make([]string, 0, len(leaking))
	for op := range leaking {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	fmt.Println(rep.BaseURL)
	for _, op := range ops {
		fmt.Println(op)
	}
	// Output:
	// http://in-process.invalid
	// GET /accounts/{account_id}/statements/{statement_id}
	// GET /invoices/{invoice_id}
	// GET /orders/{order_id}
	// GET /profiles/{username}
	// GET /receipts/{receipt_id}
}

// Against a live server (staging, or here the demo API on loopback), a run
// is a config with the server's base URL: RunConfig sends the requests,
// judges every case and returns the report. A go test reports into
// harnesstest.TB(t) instead of a Console, so each case is a subtest.
func ExampleRunConfig() {
	api, err := fixtures.Handler("demo", config.FixtureVulnerable)
	if err != nil {
		fmt.Println(err)
		return
	}
	srv := httptest.NewServer(api)
	defer srv.Close()
	cfg, err := config.ParseConfigEmbedded("fixtures/demo.yaml", fixtures.DemoConfig, specs.Demo,
		config.MapEnv(map[string]string{harness.EnvBaseURL: srv.URL, harness.EnvSeed: "1"}))
	if err != nil {
		fmt.Println(err)
		return
	}
	cfg.Fixture = "" // the server above is the target
	rep, err := harness.RunConfig(context.Background(), cfg, harness.Options{}, harness.NewConsole(io.Discard, false))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(rep.Findings) > 0, rep.Findings[0].Operation, rep.Findings[0].Attacker, "read", rep.Findings[0].Victim+"'s object")
	// Output:
	// true GET /accounts/{account_id}/statements/{statement_id} alice read bob's object
}
