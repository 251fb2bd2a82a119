package engine

import (
	"context"

	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/report"
)

// RunConfig prepares and runs one config into t.
func RunConfig(ctx context.Context, cfg *config.Config, opts Options, t TB) (*report.Report, error) {
	s, err := Prepare(cfg, opts)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	return s.Run(ctx, t), nil
}
