// Command bolaharness finds Broken Object Level Authorization (BOLA, IDOR)
// in an HTTP API from its OpenAPI document and several users' tokens.
//
//	bolaharness scan                      scan the embedded demo API (vulnerable mode)
//	bolaharness scan -config F -report R  scan the API a config describes
//	bolaharness plan -spec F              show what would be attacked; sends nothing
//
// Exit status: 0 clean, 1 leaks found, 2 usage or config error.
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
  bolaharness scan [-config F] [-report R.json] [-v]
        attack every operation that takes an object id, as every user against every
        other user's objects; with no -config, the embedded demo API (vulnerable mode)
  bolaharness plan (-spec F | -config F) [-format text|json]
        list the operations, the parameters taken for object ids and why; sends nothing

Environment: BOLA_CONFIG, BOLA_BASE_URL, BOLA_REPORT, BOLA_SEED.
Exit status: 0 clean, 1 leaks found, 2 usage or config error.
Run "bolaharness <command> -h" for a command's flags.
`)
}
