package engine

// TB is the part of a test that the engine reports into. *testing.T fits it
// through a three-line adapter in harness_test.go; the CLI has its own. The
// engine never imports testing, so one assembly path serves both drivers.
type TB interface {
	// Helper marks the calling function as a helper (no-op outside tests).
	Helper()
	// Name is the full name of the current case, levels joined by "/".
	Name() string
	// Logf records detail that a verbose run shows.
	Logf(format string, args ...any)
	// Errorf marks the current case failed (a leak) and records why.
	Errorf(format string, args ...any)
	// Skip marks the current case as not judged; the engine calls it last,
	// because testing's Skip ends the goroutine.
	Skip(args ...any)
	// Run runs f as a nested case named name and reports whether it passed.
	Run(name string, f func(TB)) bool
}
