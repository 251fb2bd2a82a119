// Command bolaharness finds Broken Object Level Authorization (BOLA, IDOR)
// in an HTTP API from its OpenAPI document and several users' tokens.
//
//	bolaharness scan                          scan the embedded demo API (vulnerable mode)
//	bolaharness scan -config F -sarif R.sarif scan the API a config describes
//	bolaharness plan -spec F                  show what would be attacked; sends nothing
//	bolaharness replay -report R.json         send a report's findings again: fixed yet?
//	bolaharness merge -o all.json R1 R2       combine the reports of sharded scans
//	bolaharness export -report R.json -o F    a Go regression test from the findings
//	bolaharness demo -port 8080               serve the demo API and print its tokens
//	bolaharness version                       the build's version and VCS revision
//
// Exit status: 0 clean, 1 leaks found, 2 usage or config error, 3 nothing
// could be tested, 130 interrupted.
package main

import (
	"fmt"
	"io"
	"os"
)

// Exit statuses (shared/DESIGN.md).
const (
	exitClean = 0
	exitLeaks = 1
	exitUsage = 2
	// exitUntested: the run could not test anything (a credential refused,
	// the target unreachable or not the API, nothing attacked or judged).
	exitUntested = 3
	// exitInterrupted: Ctrl-C; the partial report was written.
	exitInterrupted = 130
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is main without the process: it returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "scan":
		return scanCmd(args[1:], stdout, stderr)
	case "plan":
		return planCmd(args[1:], stdout, stderr)
	case "replay":
		return replayCmd(args[1:], stdout, stderr)
	case "merge":
		return mergeCmd(args[1:], stdout, stderr)
	case "export":
		return exportCmd(args[1:], stdout, stderr)
	case "version", "-version", "--version":
		return versionCmd(args[1:], stdout, stderr)
	case "demo":
		return demoCmd(args[1:], stdout, stderr)
	case "-h", "-help", "--help", "help":
		usage(stdout)
		return exitClean
	default:
		fmt.Fprintf(stderr, "bolaharness: unknown command %q\n\n", args[0])
		usage(stderr)
		return exitUsage
	}
}

func usage(w io.Writer) {
	fmt.Fprint(w, `bolaharness finds Broken Object Level Authorization (BOLA/IDOR, CWE-639) in HTTP APIs.

Usage:
  bolaharness scan [-config F] [-report R.json] [-sarif R.sarif] [-markdown R.md] [-html R.html] [-junit R.xml]
                   [-har R.har] [-baseline OLD.json] [-quiet] [-seed N] [-run P] [-shard i/n]
        attack every operation that takes an object id, as every user against every
        other user's objects; with no -config, the embedded demo API (vulnerable mode)
  bolaharness plan (-spec F | -config F) [-format text|json] [-methods LIST]
        list the operations, the parameters taken for object ids and why; sends nothing
  bolaharness replay -report R.json [-finding N] [-config F]
        send a report's findings again and say whether each still leaks
  bolaharness merge [-o out.json] [-sarif R.sarif] [-markdown R.md] [-html R.html] [-junit R.xml] R1.json R2.json ...
        combine the JSON reports of sharded scans into one (and write any format from it)
  bolaharness export -report R.json [-o bola_regression_test.go] [-package P] [-config F]
        write a Go test that fails while each finding still leaks and passes once fixed
  bolaharness demo [-port 8080] [-mode vulnerable|fixed]
        serve the embedded demo API on 127.0.0.1 and print its users' tokens, so the curl
        lines of a demo scan work by hand
  bolaharness version (or -version)
        print the module version and the VCS revision the binary was built from

Examples:
  bolaharness scan -html bola.html                     # the demo, with its report page
  bolaharness scan -config fixtures/staging.yaml -report out/bola.json -sarif out/bola.sarif
  bolaharness plan -spec specs/demo.yaml -format json
  bolaharness replay -report out/bola.json -finding 2 -config fixtures/staging.yaml
  bolaharness scan -config fixtures/staging.yaml -quiet -baseline last/bola.json -junit out/bola.xml

Environment: BOLA_CONFIG, BOLA_BASE_URL, BOLA_REPORT, BOLA_SEED, BOLA_SHARD.
Exit status: 0 clean, 1 leaks found (not counting findings suppressed by the config's ignore list
or, with -baseline, unchanged), 2 usage or config error, 3 nothing could be tested (credential
refused, target unreachable, nothing attacked or judged), 130 interrupted.
Run "bolaharness <command> -h" for a command's flags.
`)
}
