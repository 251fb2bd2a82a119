package harness_test

import (
	"context"
	"fmt"
	"io"
	"sort"

	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/engine"

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
	rep, err := engine.RunHandler(context.Background(), cfg, router, engine.Options{}, engine.NewConsole(io.Discard, false))
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
