package engine

import (
	"context"

	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/report"
)

// harvest runs the harvest plan as every user and returns the config the
// attack runs with: owns filled from the harvest where the config lists none.
func (s *Scan) harvest(ctx context.Context, t TB) (*config.Config, *report.HarvestReport) {
	hp := s.harvestPlan
	rep := &report.HarvestReport{Enabled: hp.Enabled, Why: hp.Why, Requests: []report.HarvestRequest{}, Found: []report.HarvestFound{},
		Refused: hp.Refused, Creation: hp.Creation}
	if !hp.Enabled || len(hp.Calls) == 0 {
		if hp.Why != "" {
			t.Logf("harvest: %s", hp.Why)
		}
		return s.Cfg, rep
	}
	h := newHarvester(s, hp, rep)
	h.run(ctx)
	cfg := h.merge()
	t.Logf("harvest: %d requests; %s", len(rep.Requests), h.summary())
	return cfg, rep
}
