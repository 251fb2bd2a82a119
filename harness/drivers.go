package harness

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/engine"
	"github.com/bolaharness/bolaharness/harness/plan"
)

// FindConfigs returns the configs to run: the one BOLA_CONFIG names
// (explicit), or every .yaml/.yml file in dir.
func FindConfigs(env func(string) (string, bool), dir string) (paths []string, explicit bool, err error) {
	if env == nil {
		env = os.LookupEnv
	}
	if p, ok := env(config.EnvConfig); ok && strings.TrimSpace(p) != "" {
		return []string{p}, true, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, false, fmt.Errorf("reading configs in %s: %w (set %s to a config file)", dir, err, config.EnvConfig)
	}
	for _, e := range entries {
		ext := strings.ToLower(filepath.Ext(e.Name()))
		if !e.IsDir() && (ext == ".yaml" || ext == ".yml") {
			paths = append(paths, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(paths)
	return paths, false, nil
}

// RunFile loads the config at path and runs it into t: the assembly path
// that go test and the CLI share. A config whose ${VAR} tokens are unset is
// skipped with the variable to export, unless it was named explicitly
// (then it is an error). The report is nil when the config did not run.
func RunFile(ctx context.Context, path string, explicit bool, opts Options, t TB) (*Report, error) {
	cfg, err := config.LoadConfig(path, nil)
	var unset *config.UnsetVarError
	if errors.As(err, &unset) && !explicit {
		t.Skip(fmt.Sprintf("skipped: %v (export %s to run this config)", err, unset.Var))
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if opts.Shard.IsZero() {
		if opts.Shard, err = plan.ShardFromEnv(nil); err != nil {
			return nil, err
		}
	}
	return RunConfig(ctx, cfg, opts, t)
}

// ReportPath is where a config's report goes when BOLA_REPORT is set: the
// path itself for a single config, else name inserted before the extension
// (r.json → r.demo.json), so that configs do not overwrite each other.
func ReportPath(report, name string, several bool) string {
	if !several {
		return report
	}
	ext := filepath.Ext(report)
	return strings.TrimSuffix(report, ext) + "." + name + ext
}

// RunConfig prepares and runs one config into t: the same path RunFile takes
// once the config is loaded.
func RunConfig(ctx context.Context, cfg *Config, opts Options, t TB) (*Report, error) {
	return engine.RunConfig(ctx, cfg, opts, t)
}
