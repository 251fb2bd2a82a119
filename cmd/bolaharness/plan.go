package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/bolaharness/bolaharness/harness"
)

func planCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("plan", flag.ContinueOnError)
	fs.SetOutput(stderr)
	specPath := fs.String("spec", "", "OpenAPI document to plan (example: -spec specs/demo.yaml)")
	configPath := fs.String("config", "", "config file; plans its spec with its methods and owns keys (example: -config fixtures/demo.yaml)")
	format := fs.String("format", "text", "output format: text or json")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: bolaharness plan (-spec F | -config F) [-format text|json]\nSends nothing.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if (*specPath == "") == (*configPath == "") || (*format != "text" && *format != "json") {
		fs.Usage()
		return exitUsage
	}
	plan, err := makePlan(*specPath, *configPath)
	if err != nil {
		fmt.Fprintf(stderr, "bolaharness: %v\n", err)
		return exitUsage
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(plan); err != nil {
			fmt.Fprintf(stderr, "bolaharness: %v\n", err)
			return exitUsage
		}
		return exitClean
	}
	printPlan(stdout, plan)
	return exitClean
}

func makePlan(specPath, configPath string) (harness.Plan, error) {
	opts := harness.PlanOptions{}
	if configPath != "" {
		cfg, err := harness.LoadConfig(configPath, nil)
		if err != nil {
			return harness.Plan{}, err
		}
		specPath = cfg.Spec
		opts.Methods = cfg.Methods
		opts.OwnsKeys = map[string]bool{}
		for _, u := range cfg.Users {
			for k := range u.Owns {
				opts.OwnsKeys[k] = true
			}
		}
	}
	spec, err := harness.LoadSpec(specPath)
	if err != nil {
		return harness.Plan{}, err
	}
	return harness.BuildPlan(spec, opts), nil
}

func printPlan(w io.Writer, plan harness.Plan) {
	fmt.Fprintf(w, "%d operations to attack, %d left out (nothing was sent)\n\n", len(plan.Operations), len(plan.Skipped))
	for _, op := range plan.Operations {
		fmt.Fprintf(w, "%s  [%s]\n", op.Operation, op.Security)
		for _, p := range op.IDParameters {
			fmt.Fprintf(w, "    %s (%s): %s\n", p.Name, p.In, strings.Join(p.Reasons, "; "))
		}
	}
	if len(plan.Skipped) > 0 {
		fmt.Fprintln(w, "\nleft out:")
		for _, s := range plan.Skipped {
			fmt.Fprintf(w, "    %s: %s\n", s.Operation, s.Why)
		}
	}
	for _, wn := range plan.Warnings {
		fmt.Fprintf(w, "warning: %s\n", wn)
	}
}
