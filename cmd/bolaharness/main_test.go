package main

import (
	"bytes"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// cli runs the command in process and returns its status and output.
func cli(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// quiet clears the environment the CLI reads, so that a developer's or
// CI's BOLA_* variables cannot change what a test sees.
func quiet(t *testing.T) {
	t.Helper()
	for _, v := range []string{"BOLA_CONFIG", "BOLA_REPORT", "BOLA_SEED", "BOLA_BASE_URL", "BOLA_FIXTURE_MODE"} {
		t.Setenv(v, "")
	}
}

func TestHelpExplainsEveryFlagWithAnExample(t *testing.T) {
	cases := []struct {
		verb  string
		flags []string
	}{
		{"scan", []string{"config", "report", "sarif", "markdown", "html", "seed", "run", "shard", "fixture-mode", "progress", "v",
			"base-url", "rate", "concurrency", "methods", "timeout", "max-requests", "cases", "include", "exclude", "quiet", "junit", "baseline", "har"}},
		{"plan", []string{"spec", "config", "format", "methods",
			"base-url", "rate", "concurrency", "timeout", "max-requests", "cases", "include", "exclude"}},
		{"replay", []string{"report", "finding", "config", "fixture-mode", "seed", "run", "v"}},
		{"merge", []string{"o", "sarif", "markdown", "html", "junit"}},
		{"export", []string{"report", "o", "package", "config"}},
		{"demo", []string{"port", "mode"}},
	}
	for _, c := range cases {
		t.Run(c.verb, func(t *testing.T) {
			code, out, _ := cli(t, c.verb, "-h")
			require.Equal(t, exitClean, code, "asking for help is not an error")
			assert.Contains(t, out, "Usage: bolaharness "+c.verb)
			assert.Contains(t, out, "Examples:\n  bolaharness "+c.verb)
			assert.Equal(t, 1, strings.Count(out, "Exit status:"), "the exit statuses are said once")
			if c.verb != "export" && c.verb != "demo" {
				assert.Contains(t, out, "Exit status: 0 clean, 1 leaks found, 2 usage or config error")
			}
			blocks := flagBlocks(out)
			assert.Len(t, blocks, len(c.flags), "every flag is listed once: %v", blocks)
			for _, f := range c.flags {
				require.Contains(t, blocks, f)
				assert.Contains(t, strings.ToLower(blocks[f]), "example", "-%s has an example", f)
			}
		})
	}
	code, out, _ := cli(t, "help")
	assert.Equal(t, exitClean, code)
	for _, verb := range []string{"scan", "plan", "replay", "merge", "export", "demo", "version"} {
		assert.Contains(t, out, "bolaharness "+verb)
	}
}

// flagBlocks splits flag.PrintDefaults output into flag name → its text.
func flagBlocks(help string) map[string]string {
	out := map[string]string{}
	start := strings.Index(help, "Flags:\n")
	end := strings.Index(help, "\nExamples:")
	if start < 0 || end < start {
		return out
	}
	name := ""
	for _, line := range strings.Split(help[start+len("Flags:\n"):end], "\n") {
		if m := regexp.MustCompile(`^  -([a-z-]+)`).FindStringSubmatch(line); m != nil {
			name = m[1]
		}
		if name != "" {
			out[name] += line + "\n"
		}
	}
	return out
}

func TestExitStatus(t *testing.T) {
	quiet(t)
	dir := t.TempDir()
	cases := []struct {
		name string
		args []string
		want int
		says string
	}{
		{"no command", nil, exitUsage, "Usage:"},
		{"unknown command", []string{"attack"}, exitUsage, `unknown command "attack"`},
		{"unknown flag", []string{"scan", "-bogus"}, exitUsage, "flag provided but not defined"},
		{"stray argument", []string{"scan", "extra"}, exitUsage, `unexpected argument "extra"`},
		{"missing config", []string{"scan", "-config", filepath.Join(dir, "nope.yaml")}, exitUsage, "nope.yaml"},
		{"bad -run", []string{"scan", "-run", "("}, exitUsage, "-run"},
		{"bad -shard", []string{"scan", "-shard", "3/2"}, exitUsage, "-shard"},
		{"bad -fixture-mode", []string{"scan", "-fixture-mode", "broken"}, exitUsage, "-fixture-mode"},
		{"plan with neither spec nor config", []string{"plan"}, exitUsage, "exactly one of -spec or -config"},
		{"plan in xml", []string{"plan", "-spec", "../../specs/demo.yaml", "-format", "xml"}, exitUsage, "-format"},
		{"merge without inputs", []string{"merge", "-o", filepath.Join(dir, "m.json")}, exitUsage, "name the JSON reports"},
		{"merge without outputs", []string{"merge", "a.json"}, exitUsage, "at least one output"},
		{"replay without report", []string{"replay"}, exitUsage, "give -report"},
		{"the demo, fixed: clean", []string{"scan", "-fixture-mode", "fixed", "-progress", "never"}, exitClean, "0 findings"},
		{"the demo, vulnerable: leaks", []string{"scan", "-progress", "never"}, exitLeaks, "LEAK"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := cli(t, c.args...)
			assert.Equal(t, c.want, code)
			assert.Contains(t, out+errOut, c.says)
		})
	}
}
