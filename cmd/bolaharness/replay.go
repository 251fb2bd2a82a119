package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strconv"
	"strings"

	"github.com/bolaharness/bolaharness/harness"

	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/engine"
	"github.com/bolaharness/bolaharness/harness/oracle"
	"github.com/bolaharness/bolaharness/harness/report"
)

// exitReplayUnjudged is replay's status when no finding still leaks but
// one could not be judged (the server is down, the control failed): "fixed"
// cannot be claimed, and a CI step must not pass on it.
const exitReplayUnjudged = exitUntested

var replayHelp = verbHelp{
	usage: "bolaharness replay -report R.json [-finding N|all] [-config F] [-fixture-mode M]\n       bolaharness replay -seed N -run P [-config F]",
	about: `Sends a report's findings again, each as its attacker with the victim's control request,
judges the answers with the same oracle, and prints the verdict and evidence: use it to
check a fix. Ids in the path, query, a header or a JSON body are replayed; write findings
are not (sending one again changes the victim's object): use their curl line on a test copy. The tokens come from the config (-config, else $BOLA_CONFIG, else the
embedded demo); the report's URLs are moved to the config's base URL.
With -seed and -run instead of -report, it re-runs the selected cases of a scan with
that seed (the same as scan -seed N -run P); go test does the same with
BOLA_SEED=N go test -run 'TestBOLA/<config>/<operation>/...' .`,
	exit: `Exit status: 0 clean, 1 leaks found, 2 usage or config error, or a finding that could
not be judged (clean: every replayed finding is fixed; leaks: one still leaks).`,
	examples: `  bolaharness replay -report out/bola.json -config fixtures/staging.yaml            # every finding
  bolaharness replay -report out/bola.json -finding 3 -config fixtures/staging.yaml # the third one
  bolaharness replay -report bola.json -fixture-mode fixed                          # the demo, fixed
  bolaharness replay -seed 42 -run 'getInvoice/alice-vs-bob/invoice_id/swap=8' -config fixtures/staging.yaml`,
}

func replayCmd(args []string, stdout, stderr io.Writer) int {
	var s scanSettings
	fs := newFlagSet("replay", replayHelp)
	reportPath := fs.String("report", "", "JSON report whose findings to send again (example: -report out/bola.json)")
	which := fs.String("finding", "all", "which finding: its number in the report (as scan lists them, from 1) or all (example: -finding 2)")
	fs.StringVar(&s.config, "config", "", "config with the users' tokens; default $BOLA_CONFIG, else the embedded demo (example: -config fixtures/staging.yaml)")
	fs.StringVar(&s.fixtureMode, "fixture-mode", "", "for configs with fixture: vulnerable or fixed (default: the config's; the demo: vulnerable) (example: -fixture-mode fixed)")
	fs.Int64Var(&s.seed, "seed", 0, "with -run: re-run cases of the scan with this seed instead of a report's findings (example: -seed 42)")
	fs.StringVar(&s.run, "run", "", "with -seed: the cases to re-run, as scan -run (example: -run 'getInvoice/alice-vs-bob')")
	fs.BoolVar(&s.verbose, "v", false, "with -seed: print every case, not only leaks (example: -v)")
	if code, ok := parseArgs(fs, args, stdout, stderr); !ok {
		return code
	}
	switch {
	case fs.NArg() > 0:
		fmt.Fprintf(stderr, "replay: unexpected argument %q (see bolaharness replay -h)\n", fs.Arg(0))
		return exitUsage
	case *reportPath != "" && (s.seed != 0 || s.run != ""):
		fmt.Fprintln(stderr, "replay: -seed and -run re-run cases of a scan, -report sends a report's findings again: give one or the other (a report's findings are replayed with the report's own seed)")
		return exitUsage
	case *reportPath == "" && (s.seed == 0 || s.run == ""):
		fmt.Fprintln(stderr, "replay: give -report R.json, or -seed N with -run P (see bolaharness replay -h)")
		return exitUsage
	case *reportPath == "":
		s.progress = "never"
		rep, code := runScan(s, stdout, stderr)
		if rep == nil {
			return code
		}
		summary(stdout, rep)
		return leakStatus(rep)
	}
	return replayReport(*reportPath, *which, s, stdout, stderr)
}

// replayReport sends the chosen findings of the report again.
func replayReport(path, which string, s scanSettings, stdout, stderr io.Writer) int {
	rep, err := harness.ReadReport(path)
	if err != nil {
		fmt.Fprintf(stderr, "bolaharness: %v\n", err)
		return exitUsage
	}
	findings, err := pickFindings(rep, which)
	if err != nil {
		fmt.Fprintf(stderr, "replay: %v\n", err)
		return exitUsage
	}
	if err := checkChoice("-fixture-mode", s.fixtureMode, "", config.FixtureVulnerable, config.FixtureFixed); err != nil {
		fmt.Fprintf(stderr, "replay: %v\n", err)
		return exitUsage
	}
	cfgPath := envDefault(s.config, harness.EnvConfig)
	if cfgPath == "" && rep.Config != "" && rep.Config != demoConfigName {
		fmt.Fprintf(stderr, "replay: the report came from %s, and replay needs its users' tokens: give -config %s\n", rep.Config, rep.Config)
		return exitUsage
	}
	cfg, opts, err := scanConfig(cfgPath, s.fixtureMode, "", io.Discard)
	if err != nil {
		fmt.Fprintf(stderr, "bolaharness: %v\n", err)
		return exitUsage
	}
	opts.Log = func(f string, a ...any) { fmt.Fprintf(stderr, f+"\n", a...) }
	if cfgPath == "" {
		fmt.Fprintf(stderr, "no -config given: replaying the report's findings against a fresh embedded demo API in %s mode\n", opts.FixtureMode)
	}
	cfg.Seed = rep.Seed // the same decoys and draws as the run that found them
	scan, err := harness.Prepare(cfg, opts)
	if err != nil {
		fmt.Fprintf(stderr, "bolaharness: %v\n", err)
		return exitUsage
	}
	defer scan.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	return replayFindings(ctx, scan, rep, findings, stdout, stderr)
}

// numbered is a finding with its number in the report.
type numbered struct {
	n int
	f harness.Finding
}

func pickFindings(rep *harness.Report, which string) ([]numbered, error) {
	if len(rep.Findings) == 0 {
		return nil, fmt.Errorf("the report has no findings: nothing to replay")
	}
	if strings.EqualFold(which, "all") {
		out := make([]numbered, len(rep.Findings))
		for i, f := range rep.Findings {
			out[i] = numbered{i + 1, f}
		}
		return out, nil
	}
	n, err := strconv.Atoi(which)
	if err != nil || n < 1 || n > len(rep.Findings) {
		return nil, fmt.Errorf("-finding %q: want a number from 1 to %d, or all", which, len(rep.Findings))
	}
	return []numbered{{n, rep.Findings[n-1]}}, nil
}

// replayFindings replays each finding and prints its verdict; the status
// is 1 when one still leaks, 2 when none leaks but one got no verdict.
func replayFindings(ctx context.Context, scan *harness.Scan, rep *harness.Report, fs []numbered, stdout, stderr io.Writer) int {
	leaks, unjudged := 0, 0
	for _, nf := range fs {
		res, err := scan.Replay(ctx, nf.f, rep.BaseURL)
		if err != nil {
			fmt.Fprintf(stderr, "finding %d: %v\n", nf.n, err)
			unjudged++
			continue
		}
		printReplay(stdout, nf.n, res)
		switch res.Verdict.Outcome {
		case oracle.Leak:
			leaks++
		case oracle.NoVerdict:
			unjudged++
		}
	}
	fmt.Fprintf(stdout, "\n%d replayed: %d still %s, %d fixed, %d without verdict\n", len(fs), leaks, map[bool]string{true: "leaks", false: "leak"}[leaks == 1], len(fs)-leaks-unjudged, unjudged)
	switch {
	case leaks > 0:
		return exitLeaks
	case unjudged > 0:
		return exitReplayUnjudged
	}
	return exitClean
}

func printReplay(w io.Writer, n int, res engine.ReplayResult) {
	f := res.Finding
	state := map[oracle.Outcome]string{oracle.Leak: "STILL LEAKS", oracle.Safe: "fixed", oracle.NoVerdict: "no verdict"}[res.Verdict.Outcome]
	fmt.Fprintf(w, "finding %d (%s): %s %s→%s %s=%s: %s\n", n, f.Kind, f.Operation, f.Attacker, f.Victim, f.Parameter, f.Value, state)
	fmt.Fprintf(w, "    sent as %s: %s%s → status %d\n", f.Attacker, res.URL, carried(res.Request), res.Status)
	if res.Control != "" {
		fmt.Fprintf(w, "    control as %s: %s%s → status %d\n", f.Victim, res.Control, carried(res.ControlRequest), res.ControlStatus)
	}
	for _, r := range res.Verdict.Reasons {
		fmt.Fprintf(w, "    why: %s\n", r)
	}
	for _, e := range res.Verdict.Evidence {
		fmt.Fprintf(w, "    evidence: %s = %q (%s)\n", e.Path, e.Value, e.Why)
	}
	if res.StillLeaks() {
		fix := f.Remediation
		if fix == "" {
			fix = report.Remediation(f.Kind)
		}
		fmt.Fprintf(w, "    fix: %s\n", fix)
	}
}

// carried is what a request sent besides its URL (the id-carrying headers,
// the JSON body), for ids outside the URL; "" otherwise.
func carried(r *report.SentRequest) string {
	if r == nil {
		return ""
	}
	var parts []string
	for _, k := range sortedNames(r.Headers) {
		parts = append(parts, k+": "+r.Headers[k])
	}
	if r.Body != "" {
		parts = append(parts, "body "+r.Body)
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + r.Method + ", " + strings.Join(parts, ", ") + ")"
}

func sortedNames(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
