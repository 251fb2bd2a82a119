package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/bolaharness/bolaharness/harness"
)

// verbHelp is what `bolaharness <verb> -h` prints around the flag list.
type verbHelp struct {
	usage    string // the synopsis
	about    string // what the verb does
	examples string // one per line, with a comment
	exit     string // the verb's exit statuses; "" means the common ones
}

// newFlagSet makes a verb's flag set whose -h prints the synopsis, the
// description, every flag and the examples.
func newFlagSet(name string, h verbHelp) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage: %s\n\n%s\n\nFlags:\n", h.usage, strings.TrimSpace(h.about))
		fs.PrintDefaults()
		exit := h.exit
		if exit == "" {
			exit = "Exit status: 0 clean, 1 leaks found, 2 usage or config error."
		}
		fmt.Fprintf(w, "\nExamples:\n%s\n\n%s\n", strings.TrimRight(h.examples, "\n"), exit)
	}
	return fs
}

// parseArgs parses a verb's flags. -h prints the help on stdout (exit 0);
// a bad flag prints the error and the help on stderr (exit 2). ok is false
// when the caller should return code.
func parseArgs(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) (code int, ok bool) {
	help := false
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "-h" || a == "-help" || a == "--help" || a == "--h" {
			help = true
		}
	}
	if help {
		fs.SetOutput(stdout)
		if err := fs.Parse(args); !errors.Is(err, flag.ErrHelp) && err != nil {
			return exitUsage, false
		}
		return exitClean, false
	}
	// A mistyped flag gets one line that names it and where the help is,
	// not the whole help: the error would scroll out of sight above it.
	usage := fs.Usage
	fs.Usage = func() {}
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	fs.Usage = usage
	fs.SetOutput(stderr)
	if err != nil {
		fmt.Fprintf(stderr, "bolaharness %s: %v (see bolaharness %s -h)\n", fs.Name(), err, fs.Name())
		return exitUsage, false
	}
	return exitClean, true
}

// outputs are the report files one run may write, in any combination.
type outputs struct {
	json, sarif, markdown, html, junit string
	har                                string // written by the scan itself (har.go)
}

func (o *outputs) register(fs *flag.FlagSet, jsonFlag string) {
	jsonUsage := "write the JSON report here"
	if jsonFlag == "report" {
		jsonUsage += "; default $BOLA_REPORT"
	}
	fs.StringVar(&o.json, jsonFlag, "", jsonUsage+" (example: -"+jsonFlag+" out/bola.json)")
	fs.StringVar(&o.sarif, "sarif", "", "write a SARIF 2.1.0 log here, for GitHub code scanning (example: -sarif out/bola.sarif)")
	fs.StringVar(&o.markdown, "markdown", "", "write a Markdown summary here; in GitHub Actions use the job summary (example: -markdown \"$GITHUB_STEP_SUMMARY\")")
	fs.StringVar(&o.html, "html", "", "write a self-contained HTML page with the authorization matrix here (example: -html out/bola.html)")
	fs.StringVar(&o.junit, "junit", "", "write JUnit XML here, one testcase per operation and attacker→victim pair, for CI test reports\n(example: -junit out/bola.xml)")
}

// write writes every format asked for, all from the same report, and says
// where on stderr.
func (o outputs) write(rep *harness.Report, stderr io.Writer) error {
	writers := []struct {
		path  string
		name  string
		write func(string) error
	}{
		{o.json, "JSON report", rep.WriteJSON},
		{o.sarif, "SARIF log", rep.WriteSARIF},
		{o.markdown, "Markdown summary", rep.WriteMarkdown},
		{o.html, "HTML report", rep.WriteHTML},
		{o.junit, "JUnit XML", rep.WriteJUnit},
	}
	for _, w := range writers {
		if w.path == "" {
			continue
		}
		if err := w.write(w.path); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "%s written to %s\n", w.name, w.path)
	}
	return nil
}

// summary prints the one-paragraph result and one line per finding.
func summary(w io.Writer, rep *harness.Report) {
	st := rep.Stats
	fmt.Fprintf(w, "\n%s; %s attacked, %d left out; %s (%d safe, %d without verdict, %d not sent%s); %s in %d ms; seed %d\n",
		findingCount(rep), plural(st.Operations, "operation", "operations"), len(rep.Skipped), plural(st.Cases, "case", "cases"),
		st.Safe, st.NoVerdict, st.NotSent, st.SettledNote(", ", ""), plural(int(st.Requests), "request", "requests"), st.DurationMs, rep.Seed)
	if len(rep.Skipped) > 0 {
		fmt.Fprintln(w, "left out:")
		for _, sk := range rep.Skipped {
			fmt.Fprintf(w, "  %s: %s\n", sk.Operation, sk.Why)
		}
	}
	if lines := rep.TriageLines(); len(lines) > 0 {
		fmt.Fprintln(w, "baseline and accepted risks:")
		for _, l := range lines {
			fmt.Fprintln(w, "  "+l)
		}
	}
	if c := rep.Coverage; c != nil {
		fmt.Fprintln(w, "coverage:")
		for _, l := range c.Lines() {
			fmt.Fprintln(w, "  "+l)
		}
	}
	if len(rep.Findings) == 0 {
		return
	}
	fmt.Fprintln(w, "flaws (findings by operation and kind):")
	for _, g := range flawGroups(rep.Findings) {
		fmt.Fprintf(w, "  %-50s %s\n", g.op, strings.Join(g.kinds, ", "))
	}
	fmt.Fprintln(w, "findings (numbers for replay -finding N):")
	for i, f := range rep.Findings {
		fmt.Fprintf(w, "  %3d %-8s %-45s %s→%s %s=%s (%s)%s\n", i+1, f.Severity, f.Operation, f.Attacker, f.Victim, f.Parameter, f.Value, f.Kind, triageMark(f))
	}
}

// findingCount says how many findings came from how many leaking cases:
// one finding is one leak (operation, parameter, users, object), which
// several cases may reach ("33 findings from 42 leaking cases").
func findingCount(rep *harness.Report) string {
	n := plural(len(rep.Findings), "finding", "findings")
	if leaks := rep.Stats.Leaks; leaks > len(rep.Findings) {
		n += fmt.Sprintf(" from %d leaking cases (%d repeat an earlier finding)", leaks, leaks-len(rep.Findings))
	}
	return n
}

type flawGroup struct {
	op    string
	kinds []string
}

// flawGroups counts findings by operation and kind, in report order: one
// planted flaw shows as many findings (every pair, every id), which a reader
// wants to see as one line.
func flawGroups(findings []harness.Finding) []flawGroup {
	var groups []flawGroup
	counts := map[string]map[string]int{}
	order := map[string][]string{}
	for _, f := range findings {
		if counts[f.Operation] == nil {
			counts[f.Operation] = map[string]int{}
			groups = append(groups, flawGroup{op: f.Operation})
		}
		if counts[f.Operation][f.Kind] == 0 {
			order[f.Operation] = append(order[f.Operation], f.Kind)
		}
		counts[f.Operation][f.Kind]++
	}
	for i, g := range groups {
		for _, k := range order[g.op] {
			groups[i].kinds = append(groups[i].kinds, fmt.Sprintf("%s (%d)", k, counts[g.op][k]))
		}
	}
	return groups
}

// leakStatus is the exit status a report calls for.
func leakStatus(rep *harness.Report) int {
	switch {
	case rep.Coverage != nil && rep.Coverage.Interrupted:
		return exitInterrupted
	case rep.Coverage != nil && rep.Coverage.Untested != "":
		return exitUntested
	case len(rep.Failing()) > 0:
		// Suppressed findings, and with a baseline the unchanged ones,
		// are in every report but do not fail the run.
		return exitLeaks
	}
	return exitClean
}

// check makes sure every output can be written before the first request:
// a typo in a path must not cost a whole scan. Each file is created (empty)
// with its directory; the run overwrites it.
func (o outputs) check() error {
	for _, p := range []string{o.json, o.sarif, o.markdown, o.html, o.junit, o.har} {
		if p == "" || p == "/dev/stdout" || p == "/dev/stderr" {
			continue
		}
		if dir := filepath.Dir(p); dir != "." {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return fmt.Errorf("cannot write %s: %v; choose another path", p, err)
			}
		}
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE, 0o644)
		if err != nil {
			return fmt.Errorf("cannot write %s: %v; choose another path", p, err)
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("cannot write %s: %v; choose another path", p, err)
		}
	}
	return nil
}

// envDefault returns v, or the environment variable's value when v is "".
func envDefault(v, env string) string {
	if v == "" {
		return os.Getenv(env)
	}
	return v
}
