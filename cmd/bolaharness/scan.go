package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/bolaharness/bolaharness/fixtures"
	"github.com/bolaharness/bolaharness/harness"
	"github.com/bolaharness/bolaharness/specs"
)

func scanCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("scan", flag.ContinueOnError)
	fs.SetOutput(stderr)
	configPath := fs.String("config", "", "config file (YAML); default $BOLA_CONFIG, else the embedded demo API in vulnerable mode\n(example: -config fixtures/staging.yaml)")
	reportPath := fs.String("report", "", "write the JSON report here (default $BOLA_REPORT)\n(example: -report out/bola.json)")
	verbose := fs.Bool("v", false, "print every case, not only leaks")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: bolaharness scan [-config F] [-report R.json] [-v]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "scan: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	if *configPath == "" {
		*configPath = os.Getenv(harness.EnvConfig)
	}
	if *reportPath == "" {
		*reportPath = os.Getenv(harness.EnvReport)
	}
	cfg, opts, err := scanConfig(*configPath, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "bolaharness: %v\n", err)
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	console := harness.NewConsole(stdout, *verbose)
	var rep *harness.Report
	console.Run(cfg.Name, func(t harness.TB) {
		rep, err = harness.RunConfig(ctx, cfg, opts, t)
	})
	if err != nil {
		fmt.Fprintf(stderr, "bolaharness: %v\n", err)
		return exitUsage
	}
	return finishScan(rep, *reportPath, stdout, stderr)
}

// scanConfig loads the named config, or the embedded demo when none is
// named: the demo starts on loopback in vulnerable mode so that a newcomer
// sees real findings.
func scanConfig(path string, stderr io.Writer) (*harness.Config, harness.Options, error) {
	opts := harness.Options{
		Fixture: fixtures.Handler,
		Log:     func(f string, a ...any) { fmt.Fprintf(stderr, f+"\n", a...) },
	}
	if path != "" {
		cfg, err := harness.LoadConfig(path, nil)
		return cfg, opts, err
	}
	fmt.Fprintln(stderr, "no -config given: scanning the embedded demo API in vulnerable mode on 127.0.0.1")
	opts.FixtureMode = "vulnerable"
	cfg, err := harness.ParseConfigEmbedded("fixtures/demo.yaml", fixtures.DemoConfig, specs.Demo, nil)
	return cfg, opts, err
}

func finishScan(rep *harness.Report, reportPath string, stdout, stderr io.Writer) int {
	if reportPath != "" {
		if err := rep.WriteJSON(reportPath); err != nil {
			fmt.Fprintf(stderr, "bolaharness: %v\n", err)
			return exitUsage
		}
		fmt.Fprintf(stderr, "report written to %s\n", reportPath)
	}
	st := rep.Stats
	fmt.Fprintf(stdout, "\n%d findings; %d operations attacked, %d left out; %d cases (%d safe, %d without verdict, %d not sent); %d requests in %d ms; seed %d\n",
		len(rep.Findings), st.Operations, len(rep.Skipped), st.Cases, st.Safe, st.NoVerdict, st.NotSent, st.Requests, st.DurationMs, rep.Seed)
	for _, f := range rep.Findings {
		fmt.Fprintf(stdout, "  %-8s %-45s %s→%s %s=%s (%s)\n", f.Severity, f.Operation, f.Attacker, f.Victim, f.Parameter, f.Value, f.Kind)
	}
	if len(rep.Findings) > 0 {
		return exitLeaks
	}
	return exitClean
}
