package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/bolaharness/bolaharness/harness"
	"github.com/bolaharness/bolaharness/harness/plan"
)

var planHelp = verbHelp{
	usage: "bolaharness plan (-spec F | -config F) [-format text|json] [-methods LIST]",
	about: `Reads an OpenAPI document (3.0, 3.1 or Swagger 2.0) and lists the operations that would
be attacked, the parameters taken for object ids and why, and the operations left out
and why. It sends nothing: no token or server is needed.`,
	examples: `  bolaharness plan -spec specs/demo.yaml
  bolaharness plan -config fixtures/staging.yaml -format json > plan.json
  bolaharness plan -spec ../shared/corpus/specs/stripe.yaml -methods all -format json`,
}

// allMethods is what -methods all plans for: every method an id can be
// attacked through, although scans send only what the config allows.
var allMethods = []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"}

func planCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("plan", planHelp)
	specPath := fs.String("spec", "", "OpenAPI document to plan (example: -spec specs/demo.yaml)")
	configPath := fs.String("config", "", "config file; plans its spec with its methods and owns keys (example: -config fixtures/demo.yaml)")
	format := fs.String("format", "text", "output format: text or json (example: -format json)")
	methods := fs.String("methods", "", "methods to plan for, comma-separated, or all; default the config's, else GET,HEAD\n(example: -methods GET,HEAD,DELETE)")
	var over overrides
	over.register(fs, "methods")
	if code, ok := parseArgs(fs, args, stdout, stderr); !ok {
		return code
	}
	if (*specPath == "") == (*configPath == "") {
		fmt.Fprintln(stderr, "plan: give exactly one of -spec or -config (see bolaharness plan -h)")
		return exitUsage
	}
	if err := checkChoice("-format", *format, "text", "json"); err != nil {
		fmt.Fprintf(stderr, "plan: %v\n", err)
		return exitUsage
	}
	done := planProgress(stderr, *specPath, *configPath)
	plan, err := makePlan(*specPath, *configPath, parseMethods(*methods), &over)
	done()
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

// planProgress shows, when stderr is a terminal, a line that says what is
// being loaded and planned and for how long, since a document of tens of
// thousands of operations takes a while; the returned func erases it.
func planProgress(stderr io.Writer, specPath, configPath string) func() {
	if !isTerminal(stderr) {
		return func() {}
	}
	l := newLiveLine(stderr, time.Now)
	l.preparing = planningWhat(specPath, configPath)
	l.tick(tickEvery)
	return l.close
}

// planningWhat is the progress line's text: the document and its size.
func planningWhat(specPath, configPath string) string {
	if specPath == "" {
		return "loading and planning the spec of " + configPath
	}
	info, err := os.Stat(specPath)
	if err != nil {
		return "loading and planning " + specPath // makePlan reports the error
	}
	return fmt.Sprintf("loading and planning %s (%.1f MB)", specPath, float64(info.Size())/1e6)
}

// parseMethods reads -methods: "" (the default), "all", or a list.
func parseMethods(v string) []string {
	if strings.TrimSpace(v) == "" {
		return nil
	}
	if strings.EqualFold(strings.TrimSpace(v), "all") {
		return allMethods
	}
	var out []string
	for _, m := range strings.Split(v, ",") {
		if m = strings.ToUpper(strings.TrimSpace(m)); m != "" {
			out = append(out, m)
		}
	}
	return out
}

// planOutput is what plan prints: the attack plan and, for a config, the
// harvesting plan (which listings would be read as each user, and which
// GETs are refused as unsafe).
type planOutput struct {
	plan.Plan
	Harvest *plan.HarvestPlan `json:"harvest,omitempty"`
	// Settings are the config's run settings after the flags that
	// override them (nil for -spec).
	Settings *runSettings `json:"settings,omitempty"`
}

func makePlan(specPath, configPath string, methods []string, over *overrides) (planOutput, error) {
	if configPath == "" {
		bp, err := harness.DraftSpecWith(specPath, methods, func(cfg *harness.Config) error { return over.apply(cfg) })
		if err != nil {
			return planOutput{}, err
		}
		return planOutput{Plan: bp.Plan, Harvest: &bp.Harvest}, nil
	}
	// Plan sends nothing, so it needs no credential: an unset ${VAR}
	// reads as a placeholder rather than failing the config.
	cfg, err := harness.LoadConfig(configPath, placeholderEnv)
	if err == nil {
		err = over.apply(cfg)
	}
	if err != nil {
		return planOutput{}, err
	}
	if len(methods) > 0 {
		cfg.Methods = methods
	}
	bp, err := harness.Draft(cfg, plan.Shard{})
	if err != nil {
		return planOutput{}, err
	}
	return planOutput{Plan: bp.Plan, Harvest: &bp.Harvest, Settings: settingsOf(cfg)}, nil
}

func printPlan(w io.Writer, out planOutput) {
	plan := out.Plan
	fmt.Fprintf(w, "%d operations to attack, %d left out (nothing was sent)\n\n", len(plan.Operations), len(plan.Skipped))
	for _, op := range plan.Operations {
		fmt.Fprintf(w, "%s  [%s]\n", op.Operation, op.Security)
		for _, p := range op.IDParameters {
			fmt.Fprintf(w, "    %s (%s): %s\n", p.Name, p.In, strings.Join(p.Reasons, "; "))
		}
		for _, c := range op.Credentials {
			who := "takes"
			if c.User != "" {
				who = "as " + c.User
			}
			fmt.Fprintf(w, "    %s: %s\n", who, c.Uses)
		}
		printAuthChecks(w, op)
	}
	printRoles(w, plan)
	if len(plan.Skipped) > 0 {
		fmt.Fprintln(w, "\nleft out:")
		for _, s := range plan.Skipped {
			fmt.Fprintf(w, "    %s: %s\n", s.Operation, s.Why)
		}
	}
	for _, wn := range plan.Warnings {
		fmt.Fprintf(w, "warning: %s\n", wn)
	}
	if out.Settings != nil {
		printSettings(w, *out.Settings)
	}
	if out.Harvest != nil {
		printHarvest(w, *out.Harvest)
	}
}

// printHarvest shows which listings would be read as each user before the
// attack, and which GETs are never called.
func printHarvest(w io.Writer, h plan.HarvestPlan) {
	if !h.Enabled {
		fmt.Fprintf(w, "\nharvest: %s\n", h.Why)
		return
	}
	fmt.Fprintf(w, "\nharvest: on: %d GETs as each user, at most %d requests per user (budget %d, %d pages each)\n",
		len(h.Calls), h.RequestsPerUser, h.MaxRequestsPerUser, h.MaxPages)
	for _, c := range h.Calls {
		var feeds []string
		for _, f := range c.Feeds {
			feeds = append(feeds, fmt.Sprintf("{%s} from %s (%s)", f.Param, f.Field, f.Match))
		}
		fmt.Fprintf(w, "    [round %d] %s → %s\n", c.Round, c.Operation, strings.Join(feeds, ", "))
	}
	if len(h.Refused) > 0 {
		fmt.Fprintln(w, "  refused (never called):")
		for _, r := range h.Refused {
			fmt.Fprintf(w, "    %s: %s\n", r.Operation, r.Why)
		}
	}
	var gaps []string
	for _, p := range h.Params {
		if len(p.Sources) == 0 {
			gaps = append(gaps, p.Name)
		}
	}
	if len(gaps) > 0 {
		fmt.Fprintf(w, "  parameters no listing feeds (list them under owns): %s\n", strings.Join(gaps, ", "))
	}
	if len(h.Ignored) > 0 {
		fmt.Fprintf(w, "  %d other GETs carry no ids of attacked parameters\n", len(h.Ignored))
	}
	if h.Creation != "" {
		fmt.Fprintf(w, "  creation: %s\n", h.Creation)
	}
}

// printAuthChecks says which ignored-authentication checks the operation
// gets and as whom, and whether its existence leaks are judged.
func printAuthChecks(w io.Writer, op plan.PlannedOperation) {
	switch {
	case len(op.AuthChecks) > 0:
		fmt.Fprintf(w, "    ignored-auth: %s, repeating the control of the first user whose own object answers "+
			"(tampered and alg-none only for a JWT credential): one request each, and one more for an id nobody owns "+
			"when the owner's data seems to come back\n", strings.Join(op.AuthChecks, ", "))
	case op.AuthChecksWhy != "":
		fmt.Fprintf(w, "    ignored-auth: not checked: %s\n", op.AuthChecksWhy)
	}
	switch {
	case op.ExistenceLeaks:
		fmt.Fprintf(w, "    existence-leak: each attacker's answer for another user's object against its answer for an id nobody owns "+
			"(both already sent by the attack; no extra request)\n")
	case op.ExistenceLeaksWhy != "":
		fmt.Fprintf(w, "    existence-leak: not judged: %s\n", op.ExistenceLeaksWhy)
	}
}
