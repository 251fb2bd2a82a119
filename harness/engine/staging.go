package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/bolaharness/bolaharness/harness/client"
	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/plan"
)

// timeBudgetError is the cause of a run stopped by its time budget.
type timeBudgetError struct{ d time.Duration }

// Error implements error.
func (e timeBudgetError) Error() string {
	return fmt.Sprintf("time budget of %s reached (timeBudget)", e.d)
}

// prepareStaging finishes Prepare for a shared server: tokens from files or
// commands (for a Config built in code), login operations looked up in the
// spec and every login user logged in, so a wrong password fails before the
// scan; and the client's warnings (TLS checks off) logged at once.
func (s *Scan) prepareStaging() error {
	cfg := s.Cfg
	ctx, cancel := context.WithTimeout(context.Background(), config.TokenCommandTimeout+2*s.client.Timeout)
	defer cancel()
	if err := cfg.LoadTokens(ctx); err != nil {
		return err
	}
	keys := cfg.Keyring()
	for _, sec := range cfg.Secrets() {
		keys.Add(sec)
	}
	if err := cfg.ResolveLogins(s.Spec); err != nil {
		return err
	}
	if err := cfg.CheckSchemes(s.Spec); err != nil {
		return err
	}
	for i := range cfg.Users {
		if err := s.client.Login(ctx, &cfg.Users[i]); err != nil {
			if cfg.Users[i].Login.Where != "" {
				return err // it names the file, line and key already
			}
			return fmt.Errorf("%s: users[%d].login: %w", cfg.File, i, err)
		}
	}
	for _, w := range s.client.Warnings() {
		s.Log("warning: %s", w)
	}
	return nil
}

// budgetContext applies the config's time budget (if any) to ctx.
func (s *Scan) budgetContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if s.Cfg.TimeBudget <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeoutCause(ctx, s.Cfg.TimeBudget, timeBudgetError{s.Cfg.TimeBudget})
}

// stopReason says why no further operation may start: the time budget, the
// run canceled, or the request budget spent; "" to go on.
func (s *Scan) stopReason(ctx context.Context) string {
	if ctx.Err() != nil {
		return "the run was stopped (" + context.Cause(ctx).Error() + ")"
	}
	if s.client.Exhausted() {
		return s.client.BudgetReason() + " (maxRequests)"
	}
	return ""
}

// runWarnings are the report's lines about the limits the run met: the
// time budget, the request budget, rate limiting, stopped operations, TLS
// checks off. They are logged too.
func (s *Scan) runWarnings(ctx context.Context, took time.Duration) []string {
	var out []string
	var tb timeBudgetError
	if errors.As(context.Cause(ctx), &tb) {
		out = append(out, fmt.Sprintf("%s after %s: operations not yet attacked are listed as skipped and cases cut short have no verdict; raise timeBudget or split the run with %s",
			tb, took.Round(time.Millisecond), plan.EnvShard))
	}
	out = append(out, s.client.Warnings()...)
	for _, w := range out {
		if w != client.InsecureWarning { // Prepare logged it already
			s.Log("warning: %s", w)
		}
	}
	return out
}
