package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/bolaharness/bolaharness/harness"
)

// runSettings are the settings a scan of a config would run with, after
// the flags that override them: what plan shows.
type runSettings struct {
	BaseURL     string   `json:"baseURL"`
	Methods     []string `json:"methods"`
	Rate        float64  `json:"rate"`
	Concurrency int      `json:"concurrency"`
	Cases       int      `json:"cases"`
	TimeoutMs   int64    `json:"timeoutMs"`
	MaxRequests int      `json:"maxRequests"`
	Include     []string `json:"include,omitempty"`
	Exclude     []string `json:"exclude,omitempty"`
}

func settingsOf(cfg *harness.Config) *runSettings {
	return &runSettings{BaseURL: cfg.BaseURL, Methods: cfg.Methods, Rate: cfg.Rate, Concurrency: cfg.Concurrency,
		Cases: cfg.Cases, TimeoutMs: cfg.Timeout.Milliseconds(), MaxRequests: cfg.MaxRequests,
		Include: cfg.Include, Exclude: cfg.Exclude}
}

func printSettings(w io.Writer, s runSettings) {
	base := s.BaseURL
	if base == "" {
		base = "the spec's first server"
	}
	rate := fmt.Sprintf("%g/s", s.Rate)
	if s.Rate == 0 {
		rate = "unlimited"
	}
	fmt.Fprintf(w, "\nsettings: base URL %s; methods %s; rate %s; concurrency %d; %d cases; timeout %dms; budget %d requests\n",
		base, strings.Join(s.Methods, ","), rate, s.Concurrency, s.Cases, s.TimeoutMs, s.MaxRequests)
	if len(s.Include) > 0 {
		fmt.Fprintf(w, "    include: %s\n", strings.Join(s.Include, ", "))
	}
	if len(s.Exclude) > 0 {
		fmt.Fprintf(w, "    exclude: %s\n", strings.Join(s.Exclude, ", "))
	}
}

// placeholderEnv is the environment plan reads a config with: set
// variables as they are, unset ones as a placeholder, since plan sends
// nothing and needs no credential. The harness's own variables (BOLA_*)
// stay unset when they are: they are settings, not credentials.
func placeholderEnv(name string) (string, bool) {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v, true
	}
	if strings.HasPrefix(name, "BOLA_") {
		return "", false
	}
	return "unset-" + name, true
}
