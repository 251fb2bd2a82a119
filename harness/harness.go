package harness

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"

	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/engine"
	"github.com/bolaharness/bolaharness/harness/plan"
	"github.com/bolaharness/bolaharness/harness/report"
)

// The names a user of the library needs, defined once in their stage and
// named here so that one import reaches them.
type (
	// Config is a parsed, validated config file (config.Config).
	Config = config.Config
	// Options is what a driver hands a run besides the config; the zero value
	// works (engine.Options).
	Options = engine.Options
	// TB is the part of a test a run reports into; harnesstest.TB adapts a
	// *testing.T to it (engine.TB).
	TB = engine.TB
	// Scan is one prepared run: Run it, then Close it (engine.Scan).
	Scan = engine.Scan
	// Blueprint is what a run decides before sending anything: the spec, the
	// operations to attack and the listings to harvest (engine.Blueprint).
	Blueprint = engine.Blueprint
	// Console is the TB the command line reports into (engine.Console).
	Console = engine.Console
	// Report is the result of a run, written as JSON, SARIF, Markdown or
	// HTML (report.Report).
	Report = report.Report
	// Finding is one leak with its evidence and a curl line (report.Finding).
	Finding = report.Finding
)

// Environment variables the drivers read (shared/DESIGN.md).
const (
	EnvConfig      = config.EnvConfig
	EnvReport      = config.EnvReport
	EnvBaseURL     = config.EnvBaseURL
	EnvSeed        = config.EnvSeed
	EnvFixtureMode = config.EnvFixtureMode
	EnvShard       = plan.EnvShard
)

// LoadConfig reads and validates the config at path; env looks up ${VAR}
// values (nil: the process environment).
func LoadConfig(path string, env func(string) (string, bool)) (*Config, error) {
	return config.LoadConfig(path, env)
}

// ParseConfig reads a config from data as if it were the file named file.
func ParseConfig(file string, data []byte, env func(string) (string, bool)) (*Config, error) {
	return config.ParseConfig(file, data, env)
}

// Prepare drafts a run of cfg and builds its client, sending nothing.
func Prepare(cfg *Config, opts Options) (*Scan, error) { return engine.Prepare(cfg, opts) }

// PrepareHandler is Prepare for a run served in process by h.
func PrepareHandler(cfg *Config, h http.Handler, opts Options) (*Scan, error) {
	return engine.PrepareHandler(cfg, h, opts)
}

// RunHandler runs cfg against h in process and returns the report: BOLA
// tests of a Go service inside its own unit tests, without a socket.
func RunHandler(ctx context.Context, cfg *Config, h http.Handler, opts Options, t TB) (*Report, error) {
	return engine.RunHandler(ctx, cfg, h, opts, t)
}

// Draft plans the run cfg asks for (the shard's part of it) without
// sending anything: what the plan command prints and what scan attacks.
func Draft(cfg *Config, shard plan.Shard) (*Blueprint, error) { return engine.Draft(cfg, shard) }

// DraftSpec plans a run of the OpenAPI document at path alone, with no
// config (no users, no ids): which operations and parameters would be
// attacked with methods (nil: GET and HEAD).
func DraftSpec(path string, methods []string) (*Blueprint, error) {
	return DraftSpecWith(path, methods, nil)
}

// DraftSpecWith is DraftSpec with the spec-only config changed by adjust
// first (the CLI's -include, -exclude and other overrides); nil adjusts
// nothing.
func DraftSpecWith(path string, methods []string, adjust func(*Config) error) (*Blueprint, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("%s: cannot read the OpenAPI document (%w); check the path given to -spec", path, errors.Unwrap(err))
	}
	cfg := config.ForSpec(path, methods)
	if adjust != nil {
		if err := adjust(cfg); err != nil {
			return nil, err
		}
	}
	return engine.Draft(cfg, plan.Shard{})
}

// NewConsole returns the TB the command line prints leaks into.
func NewConsole(w io.Writer, verbose bool) *Console {
	return engine.NewConsole(w, verbose)
}

// ReadReport reads a JSON report written by a run.
func ReadReport(path string) (*Report, error) { return report.ReadReport(path) }

// ConfigName is a config's subtest name: its file name without extension.
func ConfigName(path string) string { return config.ConfigName(path) }

// UntestedError is a run that could not test anything, with the cause: the
// command line exits 3 on it and go test fails (engine.UntestedError).
type UntestedError = engine.UntestedError
