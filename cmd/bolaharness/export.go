package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/bolaharness/bolaharness/harness"
	"github.com/bolaharness/bolaharness/harness/regress"
)

var exportHelp = verbHelp{
	usage: "bolaharness export -report R.json [-o bola_regression_test.go] [-package P] [-config F]",
	about: `Writes a Go test file from a report's findings: TestBOLARegression, with one subtest per
finding that sends its request as the attacker and the victim's control, with the
config's credentials (read from the environment as a scan reads them; the test skips
with the variable to export when one is unset), and judges the answers with the
harness's own oracle (package ` + regress.ImportPath + `).
A subtest fails with the evidence while the leak is there and passes once it is fixed;
write findings are listed and skip with the reason (sending them changes data).
The file names the config by -config (relative to the test's package directory;
$BOLA_CONFIG replaces it at test time). To test a Go service in process instead of over
the network, set the file's bolaHandler hook from another _test.go file:
    func init() { bolaHandler = func() http.Handler { return myapp.NewRouter() } }
The module that holds the file needs github.com/bolaharness/bolaharness (go get it).`,
	examples: `  bolaharness export -report out/bola.json -o internal/api/bola_regression_test.go -package api -config ../../bola.yaml
  go test ./internal/api -run TestBOLARegression            # fails while a finding still leaks
  bolaharness export -report out/bola.json -package api > bola_regression_test.go`,
	exit: "Exit status: 0 the file is written, 2 usage error or a report without findings.",
}

func exportCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("export", exportHelp)
	reportPath := fs.String("report", "", "JSON report whose findings become subtests (example: -report out/bola.json)")
	out := fs.String("o", "", "the Go test file to write; default stdout (example: -o bola_regression_test.go)")
	pkg := fs.String("package", "", "package clause of the file; default the directory's name for -o, else bola (example: -package api_test)")
	cfg := fs.String("config", "", "config the test loads, relative to the test's package directory; default $BOLA_CONFIG at test time\n(example: -config ../../bola.yaml)")
	if code, ok := parseArgs(fs, args, stdout, stderr); !ok {
		return code
	}
	switch {
	case fs.NArg() > 0:
		fmt.Fprintf(stderr, "export: unexpected argument %q (see bolaharness export -h)\n", fs.Arg(0))
		return exitUsage
	case *reportPath == "":
		fmt.Fprintln(stderr, "export: give the JSON report with -report R.json (see bolaharness export -h)")
		return exitUsage
	}
	rep, err := harness.ReadReport(*reportPath)
	if err != nil {
		fmt.Fprintf(stderr, "bolaharness: %v\n", err)
		return exitUsage
	}
	if *pkg == "" && *out != "" {
		*pkg = packageFor(*out)
	}
	src, err := regress.Generate(rep, regress.FileOptions{Package: *pkg, Config: *cfg, Source: filepath.Base(*reportPath)})
	if err != nil {
		fmt.Fprintf(stderr, "export: %v\n", err)
		return exitUsage
	}
	if *out == "" {
		if _, err := stdout.Write(src); err != nil {
			fmt.Fprintf(stderr, "export: %v\n", err)
			return exitUsage
		}
		return exitClean
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		fmt.Fprintf(stderr, "export: %v\n", err)
		return exitUsage
	}
	fmt.Fprintf(stderr, "regression test with %s written to %s\n", plural(len(rep.Findings), "subtest", "subtests"), *out)
	return exitClean
}

// packageFor guesses the package of a file at path: its directory's name
// when that is an identifier, else bola (-package says it exactly).
func packageFor(path string) string {
	dir := filepath.Dir(path)
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	name := filepath.Base(dir)
	if !isIdent(name) {
		return "bola"
	}
	return name
}

func isIdent(s string) bool {
	for i, r := range s {
		ok := r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (i > 0 && r >= '0' && r <= '9')
		if !ok {
			return false
		}
	}
	return s != ""
}

// plural is n with the singular or plural noun: "1 finding", "2 findings".
func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
