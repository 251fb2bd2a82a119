package harness

import (
	"context"
)

// harvest runs the harvest plan as every user and returns the config the
// attack runs with: owns filled from the harvest where the config lists none.
func (s *Scan) harvest(ctx context.Context, t TB) (*Config, *HarvestReport) {
	plan := planHarvest(s.spec, s.cfg, s.plan)
	rep := &HarvestReport{Enabled: plan.Enabled, Why: plan.Why, Requests: []HarvestRequest{}, Found: []HarvestFound{},
		Refused: plan.Refused, Creation: plan.Creation}
	if !plan.Enabled || len(plan.Calls) == 0 {
		if plan.Why != "" {
			t.Logf("harvest: %s", plan.Why)
		}
		return s.cfg, rep
	}
	h := newHarvester(s, plan, rep)
	h.run(ctx)
	cfg := h.merge()
	t.Logf("harvest: %d requests; %s", len(rep.Requests), h.summary())
	return cfg, rep
}
