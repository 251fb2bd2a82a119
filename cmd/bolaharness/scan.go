package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/bolaharness/bolaharness/harness"

	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/plan"

	"github.com/bolaharness/bolaharness/fixtures"
	"github.com/bolaharness/bolaharness/specs"
)

var scanHelp = verbHelp{
	usage: "bolaharness scan [-config F] [-report R.json] [-sarif R.sarif] [-markdown R.md] [-html R.html] [-junit R.xml] [-har R.har] [-baseline OLD.json] [-seed N] [-run P] [-shard i/n] [-v|-quiet]",
	about: `Attacks every operation that takes an object id, as every user against every other
user's objects, and reports each leak with its evidence and a curl line. With no
-config (and no $BOLA_CONFIG) it scans the embedded demo API in vulnerable mode on
127.0.0.1, so a newcomer sees real findings. All report formats come from the same
run. On a terminal a live progress line shows on stderr; elsewhere (CI) one line per
operation.`,
	examples: `  bolaharness scan -html bola.html                       # the demo API and its report page
  bolaharness scan -config fixtures/staging.yaml -report out/bola.json -sarif out/bola.sarif
  bolaharness scan -config fixtures/staging.yaml -markdown "$GITHUB_STEP_SUMMARY"
  bolaharness scan -config fixtures/staging.yaml -seed 42 -run 'getInvoice/alice-vs-bob'   # replay part of a run
  bolaharness scan -config fixtures/staging.yaml -shard 1/4 -report shard1.json   # one CI job of four; see merge`,
}

// scanSettings are the scan verb's flags.
type scanSettings struct {
	config      string
	out         outputs
	seed        int64
	run         string
	shard       string
	fixtureMode string
	progress    string
	verbose     bool
	quiet       bool
	baseline    string
	har         string
	over        overrides // flags that mirror config keys (overrides.go)
}

func (s *scanSettings) register(fs *flag.FlagSet) {
	fs.StringVar(&s.config, "config", "", "config file (YAML); default $BOLA_CONFIG, else the embedded demo API in vulnerable mode\n(example: -config fixtures/staging.yaml)")
	s.out.register(fs, "report")
	fs.Int64Var(&s.seed, "seed", 0, "seed of the run: the seed a report printed draws the same cases again; 0 = $BOLA_SEED, the config's, or random\n(example: -seed 42)")
	fs.StringVar(&s.run, "run", "", "run only the cases whose names match, as go test -run: regexps joined by / for\noperation/attacker-vs-victim/parameter/case (example: -run 'getInvoice/alice-vs-bob/invoice_id')")
	fs.StringVar(&s.shard, "shard", "", "run only shard i of n of the operations (CI jobs; merge the reports after); default $BOLA_SHARD\n(example: -shard 2/4)")
	fs.StringVar(&s.fixtureMode, "fixture-mode", "", "for configs with fixture: run the embedded API as vulnerable or fixed (default: the config's; the demo: vulnerable)\n(example: -fixture-mode fixed)")
	fs.StringVar(&s.progress, "progress", "auto", "live progress line on stderr: auto (on a terminal only), always or never (example: -progress never)")
	fs.BoolVar(&s.verbose, "v", false, "print every case, not only leaks (example: -v)")
	fs.StringVar(&s.baseline, "baseline", "", "an earlier scan's JSON report: mark each finding new or unchanged (by fingerprint), list the\nones gone as absent, and exit 1 only for new findings (example: -baseline previous.json)")
	fs.StringVar(&s.har, "har", "", "write every request and answer of the run here as HAR 1.2, credentials redacted, for debugging\n(example: -har out/bola.har)")
	fs.BoolVar(&s.quiet, "quiet", false, "print only the summary and the list of findings: no progress, no case blocks (example: -quiet)")
	s.over.register(fs)
}

func scanCmd(args []string, stdout, stderr io.Writer) int {
	var s scanSettings
	fs := newFlagSet("scan", scanHelp)
	s.register(fs)
	if code, ok := parseArgs(fs, args, stdout, stderr); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "scan: unexpected argument %q (flags come before arguments; see bolaharness scan -h)\n", fs.Arg(0))
		return exitUsage
	}
	s.out.json = envDefault(s.out.json, harness.EnvReport)
	s.out.har = s.har
	if err := s.out.check(); err != nil {
		fmt.Fprintf(stderr, "scan: %v\n", err)
		return exitUsage
	}
	if s.quiet && s.verbose {
		fmt.Fprintln(stderr, "scan: -quiet and -v ask for less and more: give one")
		return exitUsage
	}
	rep, code := runScan(s, stdout, stderr)
	if rep == nil {
		return code
	}
	written := stderr
	if s.quiet {
		written = io.Discard
	}
	if err := s.out.write(rep, written); err != nil {
		fmt.Fprintf(stderr, "bolaharness: %v\n", err)
		return exitUsage
	}
	summary(stdout, rep)
	return leakStatus(rep)
}

// runScan loads the config and runs it; the report is nil on a usage or
// config error (then code says so).
func runScan(s scanSettings, stdout, stderr io.Writer) (*harness.Report, int) {
	baseline, err := readBaseline(s.baseline)
	if err != nil {
		fmt.Fprintf(stderr, "scan: %v\n", err)
		return nil, exitUsage
	}
	filter, err := newRunFilter(s.run)
	if err == nil {
		err = checkChoice("-fixture-mode", s.fixtureMode, "", config.FixtureVulnerable, config.FixtureFixed)
	}
	if err == nil {
		err = checkChoice("-progress", s.progress, "auto", "always", "never")
	}
	if err != nil {
		fmt.Fprintf(stderr, "scan: %v\n", err)
		return nil, exitUsage
	}
	// -quiet: errors still show, the summary prints after; the progress,
	// the per-case blocks and the notes about the run do not.
	console, notes := stdout, stderr
	if s.quiet {
		console, notes, s.progress = io.Discard, io.Discard, "never"
	}
	var live *liveLine
	if s.progress == "always" || (s.progress == "auto" && isTerminal(stderr)) {
		live = newLiveLine(stderr, time.Now)
		stdout, stderr = live.writer(stdout), live.writer(stderr)
	}
	cfg, opts, err := scanConfig(envDefault(s.config, harness.EnvConfig), s.fixtureMode, s.over.set["base-url"], notes)
	if err == nil {
		err = s.over.apply(cfg)
	}
	if err != nil {
		fmt.Fprintf(stderr, "bolaharness: %v\n", err)
		return nil, exitUsage
	}
	if s.seed != 0 {
		cfg.Seed = s.seed
	}
	if opts.Shard, err = scanShard(s.shard); err != nil {
		fmt.Fprintf(stderr, "scan: %v\n", err)
		return nil, exitUsage
	}
	opts.Log = filter.logf(opts.Log)
	var har *harRecorder
	if s.har != "" {
		har = newHARRecorder()
		opts.Wrap = har.wrap
	}
	if live != nil {
		opts.Progress = live.update
		live.tick(tickEvery)
		defer live.close()
	}
	scan, err := harness.Prepare(cfg, opts)
	if err != nil {
		fmt.Fprintf(stderr, "bolaharness: %v\n", err)
		var untested *harness.UntestedError
		if errors.As(err, &untested) {
			return nil, exitUntested
		}
		return nil, exitUsage
	}
	defer scan.Close()
	if why := selectsNothing(scan.Plan(), filter, opts.Shard); why != "" {
		fmt.Fprintf(stderr, "scan: %s\n", why)
		return nil, exitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var rep *harness.Report
	harness.NewConsole(console, s.verbose).Run(cfg.Name, func(t harness.TB) {
		rep = scan.Run(ctx, filter.wrap(t))
	})
	if filter != nil {
		rep.Stats.Operations = filter.operations()
		rep.Skipped = filter.keepSkips(rep.Skipped, scan.Plan())
		if filter.selectedNone() {
			fmt.Fprintf(stderr, "scan: -run %q selected no case: %s\n", s.run, listNames(scan.Plan()))
			return nil, exitUsage
		}
	}
	triage(rep, baseline, s.baseline)
	if har != nil {
		// The secrets are read after the run: tokens that logins fetched
		// are in the keyring by now.
		if err := har.write(s.har, buildVersion(), cfg.Secrets()); err != nil {
			fmt.Fprintf(stderr, "bolaharness: %v\n", err)
			return nil, exitUsage
		}
		fmt.Fprintf(notes, "HAR of %d exchanges written to %s\n", har.len(), s.har)
	}
	if ctx.Err() != nil && rep.Coverage != nil {
		rep.Coverage.Interrupted, rep.Partial = true, true
	}
	if rep.Coverage != nil && rep.Coverage.Untested != "" {
		fmt.Fprintf(stderr, "bolaharness: nothing could be tested: %s\n", rep.Coverage.Untested)
	}
	return rep, exitClean
}

// demoConfigName is the embedded demo config's name, as reports record it.
const demoConfigName = "fixtures/demo.yaml"

// scanConfig loads the named config, or the embedded demo when none is
// named: the demo starts on loopback in vulnerable mode (unless mode says
// otherwise) so that a newcomer sees real findings. mode, when set,
// overrides the fixtureMode of configs that start a fixture API.
//
// With no config and a demoURL (scan -base-url), the demo's config is run
// against a demo already serving there (bolaharness demo), so that the
// curl lines point at it.
func scanConfig(path, mode, demoURL string, stderr io.Writer) (*harness.Config, harness.Options, error) {
	opts := harness.Options{
		Fixture:     fixtures.Handler,
		FixtureMode: mode,
		Log:         func(f string, a ...any) { fmt.Fprintf(stderr, f+"\n", a...) },
	}
	if path != "" {
		cfg, err := harness.LoadConfig(path, nil)
		return cfg, opts, err
	}
	if opts.FixtureMode == "" {
		opts.FixtureMode = config.FixtureVulnerable
	}
	cfg, err := config.ParseConfigEmbedded(demoConfigName, fixtures.DemoConfig, specs.Demo, nil)
	if err != nil {
		return nil, opts, err
	}
	if demoURL != "" {
		fmt.Fprintf(stderr, "no -config given: the demo API's config, against %s (bolaharness demo serves it)\n", demoURL)
		cfg.Fixture = ""
		return cfg, opts, nil
	}
	fmt.Fprintf(stderr, "no -config given: the embedded demo API in %s mode on 127.0.0.1\n", opts.FixtureMode)
	return cfg, opts, nil
}

// scanShard reads -shard, else $BOLA_SHARD; neither means the whole run.
func scanShard(flagValue string) (plan.Shard, error) {
	if flagValue == "" {
		return plan.ShardFromEnv(nil)
	}
	sh, err := plan.ParseShard(flagValue)
	if err != nil {
		return plan.Shard{}, fmt.Errorf("-shard: %w", err)
	}
	return sh, nil
}

// checkChoice accepts v when it is one of choices.
func checkChoice(name, v string, choices ...string) error {
	for _, c := range choices {
		if v == c {
			return nil
		}
	}
	return fmt.Errorf("%s %q: want one of %q", name, v, choices)
}

// selectsNothing says why a -run pattern or a shard selects no operation of
// the plan (exit 2, with the names that exist), or "".
func selectsNothing(p plan.Plan, f *runFilter, sh plan.Shard) string {
	if len(p.Operations) == 0 && !sh.IsZero() {
		return fmt.Sprintf("shard %d/%d selects none of the operations; use fewer shards (see plan for the operations)", sh.Index, sh.Count)
	}
	if f == nil || len(f.parts) == 0 || len(p.Operations) == 0 {
		return ""
	}
	for _, op := range p.Operations {
		if f.parts[0].MatchString(op.TestName) {
			return ""
		}
	}
	return fmt.Sprintf("-run %q matches no operation: %s", f.pattern, listNames(p))
}

// listNames names the plan's operations as -run sees them.
func listNames(p plan.Plan) string {
	var names []string
	for _, op := range p.Operations {
		names = append(names, op.TestName)
	}
	if len(names) == 0 {
		return "the plan attacks no operation"
	}
	return "the operations are " + strings.Join(names, ", ")
}
