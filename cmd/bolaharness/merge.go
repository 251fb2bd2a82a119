package main

import (
	"fmt"
	"io"

	"github.com/bolaharness/bolaharness/harness"

	"github.com/bolaharness/bolaharness/harness/report"
)

var mergeHelp = verbHelp{
	usage: "bolaharness merge [-o out.json] [-sarif R.sarif] [-markdown R.md] [-html R.html] R1.json R2.json ...",
	about: `Combines the JSON reports of sharded scans (or of several configs) into one: the union
of the findings (one per operation, parameter, attacker, victim and URL) and of the
operations left out, the stats summed, the matrices concatenated. Any report format can
be written from the result; with one input, merge converts a JSON report to the others.
Exit status 1 when the merged report has findings, so a CI step can fail on it.`,
	examples: `  bolaharness merge -o out/bola.json shard1.json shard2.json
  bolaharness merge -o out/bola.json -sarif out/bola.sarif -html out/bola.html out/shard-*.json
  bolaharness merge -markdown "$GITHUB_STEP_SUMMARY" out/bola.json     # one report, another format`,
}

func mergeCmd(args []string, stdout, stderr io.Writer) int {
	var out outputs
	fs := newFlagSet("merge", mergeHelp)
	out.register(fs, "o")
	if code, ok := parseArgs(fs, args, stdout, stderr); !ok {
		return code
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "merge: name the JSON reports to merge after the flags (see bolaharness merge -h)")
		return exitUsage
	}
	if out == (outputs{}) {
		fmt.Fprintln(stderr, "merge: name at least one output: -o out.json, -sarif, -markdown or -html (see bolaharness merge -h)")
		return exitUsage
	}
	var reports []*harness.Report
	for _, path := range fs.Args() {
		r, err := harness.ReadReport(path)
		if err != nil {
			fmt.Fprintf(stderr, "bolaharness: %v\n", err)
			return exitUsage
		}
		reports = append(reports, r)
	}
	merged, err := report.MergeReports(reports...)
	if err == nil {
		err = out.write(merged, stderr)
	}
	if err != nil {
		fmt.Fprintf(stderr, "bolaharness: %v\n", err)
		return exitUsage
	}
	summary(stdout, merged)
	return leakStatus(merged)
}
