package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"time"

	"github.com/bolaharness/bolaharness/fixtures"
	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/specs"
)

var demoHelp = verbHelp{
	usage: "bolaharness demo [-port N] [-mode vulnerable|fixed]",
	about: `Serves the embedded demo API (the one scan uses when given no -config) on 127.0.0.1
and prints its users' tokens as export lines. The demo's tokens are fixed strings that only
this demo accepts, which is why they may be printed; a real config's never are. In another
shell, export them and scan the running demo with -base-url: the curl lines of that
scan then work by hand. Ctrl-C stops it.`,
	examples: `  bolaharness demo -port 8080                                  # then, in another shell:
  bolaharness scan -base-url http://127.0.0.1:8080             # its curl lines point at :8080
  bolaharness demo -port 8080 -mode fixed                      # the same API with every flaw fixed`,
	exit: "Exit status: 0 stopped by Ctrl-C, 2 usage error (a bad flag, the port taken).",
}

func demoCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("demo", demoHelp)
	port := fs.Int("port", 8080, "TCP port on 127.0.0.1; 0 picks a free one (example: -port 9000)")
	mode := fs.String("mode", config.FixtureVulnerable, "vulnerable (the planted flaws) or fixed (example: -mode fixed)")
	if code, ok := parseArgs(fs, args, stdout, stderr); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "demo: unexpected argument %q (see bolaharness demo -h)\n", fs.Arg(0))
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := serveDemo(ctx, *port, *mode, stdout); err != nil {
		fmt.Fprintf(stderr, "demo: %v\n", err)
		return exitUsage
	}
	return exitClean
}

// serveDemo serves the demo API on 127.0.0.1:port until ctx ends, after
// printing where it listens, the users' tokens and a scan to run.
func serveDemo(ctx context.Context, port int, mode string, stdout io.Writer) error {
	if err := checkChoice("-mode", mode, config.FixtureVulnerable, config.FixtureFixed); err != nil {
		return err
	}
	if port < 0 || port > 65535 {
		return fmt.Errorf("-port %d: want 0 to 65535", port)
	}
	h, err := fixtures.Handler("demo", mode)
	if err != nil {
		return err
	}
	cfg, err := config.ParseConfigEmbedded("fixtures/demo.yaml", fixtures.DemoConfig, specs.Demo, nil)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return fmt.Errorf("%v; choose another -port (0 picks a free one)", err)
	}
	base := "http://" + ln.Addr().String()
	fmt.Fprintf(stdout, "the demo API (%s mode) listens on %s; Ctrl-C stops it\n\n", mode, base)
	fmt.Fprintln(stdout, "its users' tokens (demo strings that only this API accepts):")
	for _, u := range cfg.Users {
		// The demo config's tokens are literal, non-secret strings: printing
		// them is the point of this verb. Real configs' never pass here.
		fmt.Fprintf(stdout, "  export %s=%s\n", u.TokenVar, u.Token.Reveal())
	}
	fmt.Fprintf(stdout, "\nscan it (the curl lines then point here):\n  bolaharness scan -base-url %s\n", base)
	fmt.Fprintf(stdout, "or read bob's invoice as alice by hand:\n  curl -sS -H \"Authorization: Bearer $ALICE_TOKEN\" %s/invoices/8\n", base)
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil {
		return err
	}
	if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
