package main

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/bolaharness/bolaharness/harness"
)

// overrides are the flags that mirror config keys, for one-off runs and CI
// jobs: each one set replaces the config file's value (an unset flag leaves
// it alone), and plan shows the result.
type overrides struct {
	set              map[string]string // flag name → value, for the flags given
	include, exclude []string
}

// overrideFlags are the flags overrides registers, with their config key.
var overrideFlags = []struct{ flag, key, usage string }{
	{"base-url", "baseURL", "base URL of the API, instead of the config's baseURL (example: -base-url https://staging.example)"},
	{"rate", "rate", "requests per second at most; 0 = unlimited (example: -rate 5)"},
	{"concurrency", "concurrency", "requests in flight at most (example: -concurrency 2)"},
	{"methods", "methods", "methods the harness may send, comma-separated (example: -methods GET,HEAD)"},
	{"timeout", "timeout", "per-request timeout (example: -timeout 5s)"},
	{"max-requests", "maxRequests", "total request budget of the run (example: -max-requests 2000)"},
	{"cases", "cases", "cases per id parameter per user pair (example: -cases 8)"},
}

// register adds the flags; skip names flags the verb defines itself.
func (o *overrides) register(fs *flag.FlagSet, skip ...string) {
	o.set = map[string]string{}
	for _, f := range overrideFlags {
		if containsString(skip, f.flag) {
			continue
		}
		name := f.flag
		fs.Func(name, f.usage+"; overrides the config's "+f.key, func(v string) error {
			o.set[name] = v
			return nil
		})
	}
	sel := func(list *[]string) func(string) error {
		return func(v string) error {
			for _, s := range strings.Split(v, ",") {
				if s = strings.TrimSpace(s); s != "" {
					*list = append(*list, s)
				}
			}
			return nil
		}
	}
	fs.Func("include", "attack only these operations: \"GET /path/{id}\", a path glob (/admin/**), tag:NAME or an operationId;\nrepeat it or separate with commas; overrides the config's include (example: -include tag:billing)", sel(&o.include))
	fs.Func("exclude", "leave these operations out, named as for -include; overrides the config's exclude\n(example: -exclude 'GET /health/**')", sel(&o.exclude))
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// apply writes the flags given over cfg's values and checks the result.
func (o *overrides) apply(cfg *harness.Config) error {
	for name, v := range o.set {
		if err := o.applyOne(cfg, name, strings.TrimSpace(v)); err != nil {
			return fmt.Errorf("-%s %q: %w", name, v, err)
		}
	}
	if o.include != nil {
		cfg.Include = o.include
	}
	if o.exclude != nil {
		cfg.Exclude = o.exclude
	}
	return nil
}

func (o *overrides) applyOne(cfg *harness.Config, name, v string) error {
	var err error
	switch name {
	case "base-url":
		if !strings.HasPrefix(v, "http://") && !strings.HasPrefix(v, "https://") {
			return fmt.Errorf("want an http:// or https:// URL")
		}
		cfg.BaseURL = strings.TrimRight(v, "/")
	case "rate":
		var r float64
		if r, err = strconv.ParseFloat(v, 64); err != nil || r < 0 {
			return fmt.Errorf("want requests per second, 0 or more")
		}
		cfg.Rate = r
	case "concurrency":
		cfg.Concurrency, err = positive(v)
	case "cases":
		cfg.Cases, err = positive(v)
	case "max-requests":
		cfg.MaxRequests, err = positive(v)
	case "timeout":
		var d time.Duration
		if d, err = time.ParseDuration(v); err != nil || d <= 0 {
			return fmt.Errorf("want a duration such as 10s")
		}
		cfg.Timeout = d
	case "methods":
		ms := parseMethods(v)
		for _, m := range ms {
			if !containsString(allMethods, m) {
				return fmt.Errorf("%s is not one of %s", m, strings.Join(allMethods, ", "))
			}
		}
		if len(ms) == 0 {
			return fmt.Errorf("name at least one method")
		}
		cfg.Methods = ms
	}
	return err
}

// positive reads a whole number of at least 1.
func positive(v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("want a whole number of at least 1")
	}
	return n, nil
}
