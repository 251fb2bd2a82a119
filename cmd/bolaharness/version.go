package main

import (
	"fmt"
	"io"
	"runtime/debug"
	"strings"
)

// versionText is what `bolaharness version` and -version print: the
// module version (a tag when installed with go install ...@vX, "(devel)"
// in a checkout), the VCS revision and time the binary was built from, and
// the Go version, so that a bug report names the exact build.
func versionText(info *debug.BuildInfo, ok bool) string {
	if !ok || info == nil {
		return "bolaharness (no build information: built without module support)"
	}
	version := info.Main.Version
	if version == "" {
		version = "(devel)"
	}
	var rev, when string
	modified := false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			when = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	parts := []string{"bolaharness " + version}
	if rev != "" {
		r := "revision " + rev
		if modified {
			r += " (modified)"
		}
		if when != "" {
			r += " of " + when
		}
		parts = append(parts, r)
	}
	parts = append(parts, info.GoVersion)
	return strings.Join(parts, ", ")
}

// versionCmd prints the build's version line.
func versionCmd(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintf(stderr, "version: unexpected argument %q\n", args[0])
		return exitUsage
	}
	fmt.Fprintln(stdout, versionText(debug.ReadBuildInfo()))
	return exitClean
}

// buildVersion is the module version alone ("(devel)" in a checkout), for
// the files a run writes.
func buildVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" {
		return info.Main.Version
	}
	return "(devel)"
}
