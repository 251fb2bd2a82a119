package engine

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

	"github.com/bolaharness/bolaharness/harness/client"
	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/oracle"
	"github.com/bolaharness/bolaharness/harness/plan"
	"github.com/bolaharness/bolaharness/harness/report"
	"github.com/bolaharness/bolaharness/harness/spec"
)

// Options is what a driver hands the engine besides the config; the zero
// value works.
type Options struct {
	// Fixture builds an embedded fixture API by name and mode, for configs
	// with a `fixture:` key; the drivers pass the fixtures package's registry.
	Fixture func(name, mode string) (http.Handler, error)
	// FixtureMode overrides the config's fixtureMode when not "".
	FixtureMode string
	// Oracle judges exchanges; nil means MarkerOracle.
	Oracle oracle.Oracle
	// Log receives progress and warning lines; nil discards them.
	Log func(format string, args ...any)
	// Progress, when set, is called before the first operation and after
	// each one with the operations done, their total, the requests sent and
	// the findings so far: the CLI draws its live progress line from it.
	Progress func(done, total int, requests int64, findings int)
	// Transport replaces the network transport (in-process runs, tests).
	Transport http.RoundTripper
	// Wrap wraps the transport to observe every exchange (client.ClientOptions.Wrap).
	Wrap func(http.RoundTripper) http.RoundTripper
	// Shard runs only this part of the operations (CI jobs); the zero
	// value runs them all. RunFile fills it from BOLA_SHARD when unset.
	Shard plan.Shard
	// Handler, when set, serves every request in process (no socket) at
	// InProcessBaseURL; it replaces a fixture and Transport (inprocess.go).
	Handler http.Handler
}

// Scan is one prepared run of one config: spec loaded, plan made, client
// and (for fixture configs) the fixture API started. Close releases it.
type Scan struct {
	Cfg     *config.Config
	Spec    *spec.Spec
	plan    plan.Plan
	client  *client.Client
	oracle  oracle.Oracle
	baseURL string
	seed    int64
	server  *httptest.Server
	// fixtureMode is the mode the fixture API runs in ("" without one).
	fixtureMode string
	memo        *client.Memo
	Log         func(format string, args ...any)
	progress    func(done, total int, requests int64, findings int)
	rec         *recorder
	harvestPlan plan.HarvestPlan               // what the harvest will read (Draft)
	users       map[string]report.UserCoverage // what the preflight learnt of each credential
	own         ownTally                       // answers to users' requests for their own objects
	harvested   *report.HarvestReport          // the harvest of the run (harvest.go)
	created     []report.CreatedObject         // objects created as their owners (create.go)
	writes      writeLedger                    // writes sent and undone (write_restore.go)
	widen       widenMemo                      // what earlier pairs' answers settle (widen.go)
	existence   existenceQueue                 // existence judgements awaiting their operation's end (existence.go)
	// ignore is the config's ignore list, and accepted its entries in
	// force today, by fingerprint: accepted risks that do not fail a
	// subtest (accepted.go).
	ignore   []report.IgnoreRule
	accepted map[string]report.IgnoreRule
	today    time.Time
}

// Blueprint is what a run decides before it sends anything: the spec, the
// operations to attack and the listings to harvest.
type Blueprint struct {
	Spec    *spec.Spec
	Plan    plan.Plan
	Harvest plan.HarvestPlan
}

// Draft loads cfg's spec within the config's size and time bounds and plans
// the run (the shard's part of it), sending nothing. Prepare and the plan
// command both start here, so what plan shows is what scan attacks.
func Draft(cfg *config.Config, shard plan.Shard) (*Blueprint, error) {
	sp, err := config.LoadSpecBounded(cfg, config.LoadConfigSpec)
	if err != nil {
		return nil, err
	}
	if len(sp.Operations) == 0 {
		return nil, &spec.NotOpenAPIError{File: sp.File, Why: "the document declares no operations (its paths are empty), so there is nothing to test; check that this is the whole API description"}
	}
	p := shard.Apply(plan.ConfigPlan(sp, cfg))
	return &Blueprint{Spec: sp, Plan: p, Harvest: plan.PlanHarvestWith(sp, cfg, p)}, nil
}

// Prepare drafts the run (Draft) and builds the client; for a fixture config
// it starts the fixture API on loopback. It sends nothing.
func Prepare(cfg *config.Config, opts Options) (*Scan, error) {
	bp, err := Draft(cfg, opts.Shard)
	if err != nil {
		return nil, err
	}
	s := &Scan{Cfg: cfg, Spec: bp.Spec, plan: bp.Plan, harvestPlan: bp.Harvest, oracle: opts.Oracle, Log: opts.Log, memo: client.NewMemo(), users: map[string]report.UserCoverage{}}
	if s.oracle == nil {
		s.oracle = oracle.MarkerOracle{}
	}
	if s.Log == nil {
		s.Log = func(string, ...any) {}
	}
	if s.progress = opts.Progress; s.progress == nil {
		s.progress = func(int, int, int64, int) {}
	}
	if s.seed = cfg.Seed; s.seed == 0 {
		s.seed = newSeed()
	}
	s.today = time.Now()
	s.ignore = report.IgnoreRulesFor(cfg)
	s.accepted = report.InForce(s.ignore, s.today)
	if err := s.startTarget(opts); err != nil {
		return nil, err
	}
	co := client.ClientOptionsFor(cfg, s.baseURL)
	co.Transport = opts.Transport
	co.Wrap = opts.Wrap
	co.Spec = bp.Spec
	if opts.Handler != nil {
		co.Transport = inProcessTransport(opts.Handler, co)
		// In process there is no server to protect: the staging default
		// rate would only slow the test down. A rate the config wrote holds.
		co.RateUnlimited = co.RateUnlimited || !cfg.RateSet
	}
	s.client, err = client.NewClient(co)
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("%s: %w", cfg.File, err)
	}
	s.rec = newRecorder(s)
	if err := s.prepareStaging(); err != nil {
		s.Close()
		var refused *client.LoginRefusedError
		if errors.As(err, &refused) {
			// The credentials were refused, or the target did not answer:
			// nothing can be tested, which is not a mistake in the config.
			return nil, &UntestedError{Cause: err.Error()}
		}
		return nil, err
	}
	return s, nil
}

// startTarget settles the base URL: a fixture API started on loopback, the
// config's baseURL, or the spec's first absolute server.
func (s *Scan) startTarget(opts Options) error {
	cfg := s.Cfg
	if opts.Handler != nil {
		s.startInProcess()
		return nil
	}
	if cfg.Fixture != "" {
		if opts.Fixture == nil {
			return fmt.Errorf("%s: fixture: %q needs a driver that knows the embedded fixture APIs (run it through go test or the CLI)", cfg.File, cfg.Fixture)
		}
		mode := cfg.FixtureMode
		if opts.FixtureMode != "" {
			mode = opts.FixtureMode
		}
		s.fixtureMode = mode
		h, err := opts.Fixture(cfg.Fixture, mode)
		if err != nil {
			return fmt.Errorf("%s: fixture: %w", cfg.File, err)
		}
		s.server = httptest.NewServer(h)
		s.baseURL = s.WithServerPath(s.server.URL)
		return nil
	}
	if cfg.BaseURL != "" {
		s.baseURL = s.WithServerPath(strings.TrimRight(cfg.BaseURL, "/"))
		return nil
	}
	for _, srv := range s.Spec.Servers {
		if u, err := url.Parse(srv); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
			s.baseURL = strings.TrimRight(srv, "/")
			return nil
		}
	}
	return fmt.Errorf("%s: baseURL: not set and the spec %s has no absolute http(s) server; set baseURL in the config or export BOLA_BASE_URL", cfg.File, cfg.Spec)
}

// Close stops the fixture API, if one was started.
func (s *Scan) Close() {
	if s.server != nil {
		s.server.Close()
	}
}

// Plan is what the scan will attack and what it leaves out.
func (s *Scan) Plan() plan.Plan { return s.plan }

// BaseURL is the origin every request goes to.
func (s *Scan) BaseURL() string { return s.baseURL }

// Run attacks every planned operation as every user against every other
// user, reporting each case into t, and returns the report.
func (s *Scan) Run(ctx context.Context, t TB) *report.Report {
	start := time.Now()
	parent := ctx
	ctx, cancel := s.budgetContext(ctx)
	defer cancel()
	t.Logf("seed %d (replay: BOLA_SEED=%d); base URL %s; %d operations to attack, %d left out",
		s.seed, s.seed, s.baseURL, len(s.plan.Operations), len(s.plan.Skipped))
	for _, w := range s.plan.Warnings {
		s.Log("warning: %s", w)
	}
	// Preflight first: a credential the target refuses, or a target that is
	// not there or not the API, stops the run before it sends anything more;
	// a run that cannot test must never read as clean.
	untested := s.preflight(ctx)
	if untested != "" {
		s.Log("nothing can be tested: %s", untested)
	} else {
		// Harvest next: the attack runs with the ids found in the listings
		// wherever the config lists none.
		s.Cfg, s.harvested = s.harvest(ctx, t)
		s.Cfg = s.createObjects(ctx, t, s.Cfg, s.harvested)
		s.Cfg.ShareOwns() // one person's credentials share what was found
	}
	s.progress(0, len(s.plan.Operations), s.client.Requests(), s.rec.findingCount())
	for i, op := range s.plan.Operations {
		if untested != "" {
			s.rec.skip(op.Operation, "not attacked: nothing could be tested ("+untested+")")
			continue
		}
		if why := s.stopReason(ctx); why != "" {
			s.rec.skip(op.Operation, "not attacked: "+why)
			continue
		}
		before := s.client.Requests()
		t.Run(op.Op.TestName(), func(t TB) { s.attackOperation(client.WithOperation(ctx, op.Operation), t, op) })
		s.rec.operationRequests(op.Operation, s.client.Requests()-before)
		s.Log("[%d/%d] %s: %s, %s so far", i+1, len(s.plan.Operations), op.Operation,
			countOf(int(s.client.Requests()-before), "request"), countOf(s.rec.findingCount(), "finding"))
		s.progress(i+1, len(s.plan.Operations), s.client.Requests(), s.rec.findingCount())
	}
	s.functionChecks(ctx, t, untested)
	created := s.deleteCreated(ctx, t)
	rep := s.rec.report(time.Since(start))
	rep.Harvest = s.harvested
	rep.Created = created
	rep.Warnings = append(rep.Warnings, s.runWarnings(ctx, time.Since(start))...)
	interrupted := parent.Err() != nil
	rep.Partial = interrupted || s.client.Exhausted() || ctx.Err() != nil
	rep.Coverage = s.coverage(rep, untested, interrupted)
	rep.FillFingerprints()
	rep.ApplyIgnores(s.ignore, s.today)
	return rep
}

// attackOperation runs every attacker-vs-victim pair on one operation.
func (s *Scan) attackOperation(ctx context.Context, t TB, op plan.PlannedOperation) {
	ran := false
	var why string
	for i := range s.Cfg.Users {
		for j := range s.Cfg.Users {
			a, v := &s.Cfg.Users[i], &s.Cfg.Users[j]
			if i == j || config.SamePerson(a, v) {
				continue // one person's two credentials: never a leak
			}
			t.Run(a.Name+"-vs-"+v.Name, func(t TB) {
				for _, p := range op.IDs {
					t.Run(spec.ParamTestName(p), func(t TB) {
						s.attackParam(ctx, t, newGroup(s, op, p, a, v), func(reason string) {
							ran = ran || reason == ""
							if why == "" {
								why = reason
							}
						})
					})
				}
			})
		}
	}
	if !ran {
		s.rec.skip(op.Operation, "no case could be built: "+why)
	}
	s.reportExistence(t, op)
	s.ignoredAuth(ctx, t, op)
	s.scopeBypass(ctx, t, op)
}

// newSeed picks a random non-zero seed.
func newSeed() int64 {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return time.Now().UnixNano()
	}
	s := int64(binary.LittleEndian.Uint64(b[:]) >> 1)
	if s == 0 {
		s = 1
	}
	return s
}

// countOf is "1 finding", "2 findings": n and the noun, plural unless n is 1.
func countOf(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
