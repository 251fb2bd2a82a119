package bolaharness_test

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bolaharness/bolaharness/fixtures"
	"github.com/bolaharness/bolaharness/fixtures/corpus"
	"github.com/bolaharness/bolaharness/harness"
)

// patternKinds maps a corpus pattern to the finding kinds that name it: a
// partial or list leak is a plain swap whose answer has another shape.
var patternKinds = map[string][]string{
	"swap": {"swap"}, "nested-scope": {"nested-scope"}, "normalisation": {"normalisation"},
	"alternate-route": {"alternate-route"}, "enumeration": {"enumeration"},
	"partial-leak": {"swap"}, "list-leak": {"swap"}, "method-leak": {"method-leak"},
}

func scanCorpus(t *testing.T, api corpus.API, mode string) *harness.Report {
	t.Helper()
	cfg, err := harness.ParseConfigEmbedded("fixtures/corpus/"+api.Name+".config.yaml", api.Config, api.Spec, noEnv)
	require.NoError(t, err)
	cfg.Seed = 1129
	var rep *harness.Report
	harness.NewConsole(io.Discard, false).Run(cfg.Name, func(tb harness.TB) {
		rep, err = harness.RunConfig(context.Background(), cfg, harness.Options{Fixture: fixtures.Handler, FixtureMode: mode}, tb)
	})
	require.NoError(t, err)
	return rep
}

// TestCorpus runs the harness over every corpus API: every planted flaw is
// found in vulnerable mode, no trap and no other operation is flagged, and
// the fixed mode yields nothing. It logs the table kept in the README.
func TestCorpus(t *testing.T) {
	var rows []string
	for _, api := range corpus.APIs() {
		t.Run(api.Name, func(t *testing.T) {
			vuln := scanCorpus(t, api, "vulnerable")
			flawed := map[string]bool{}
			for _, f := range api.Flaws {
				flawed[f.Operation] = true
				found := corpusFinding(vuln, f)
				assert.NotNil(t, found, "flaw not found: %s %s (%s, %s→%s)", api.Name, f.Operation, f.Pattern, f.Attacker, f.Victim)
				rows = append(rows, fmt.Sprintf("| %s | %s | `%s` | %s | %d |", f.Pattern, api.Name, f.Operation, yesNo(found), opRequests(vuln, f.Operation)))
			}
			for _, fd := range vuln.Findings {
				assert.True(t, flawed[fd.Operation], "false positive: %s %s %s→%s %s=%s (%s) evidence %v",
					api.Name, fd.Operation, fd.Attacker, fd.Victim, fd.Parameter, fd.Value, fd.Kind, fd.Evidence)
			}
			for _, trap := range api.Traps {
				rows = append(rows, fmt.Sprintf("| %s | %s | `%s` | %s | %d |", trap.Pattern, api.Name, trap.Operation, flagged(vuln, trap.Operation), opRequests(vuln, trap.Operation)))
			}
			fixed := scanCorpus(t, api, "fixed")
			for _, fd := range fixed.Findings {
				t.Errorf("fixed mode flagged %s %s %s→%s %s=%s (%s)", api.Name, fd.Operation, fd.Attacker, fd.Victim, fd.Parameter, fd.Value, fd.Kind)
			}
		})
	}
	sort.Strings(rows)
	t.Logf("\n| pattern | API | operation | found | requests |\n|---|---|---|---|---|\n%s", strings.Join(rows, "\n"))
}

func corpusFinding(rep *harness.Report, f corpus.Flaw) *harness.Finding {
	for i, fd := range rep.Findings {
		if fd.Operation != f.Operation || fd.Parameter != f.Parameter || fd.Attacker != f.Attacker || fd.Victim != f.Victim {
			continue
		}
		for _, k := range patternKinds[f.Pattern] {
			if fd.Kind == k {
				return &rep.Findings[i]
			}
		}
	}
	return nil
}

func opRequests(rep *harness.Report, op string) int64 {
	for _, s := range rep.PerOperation {
		if s.Operation == op {
			return s.Requests
		}
	}
	return 0
}

func yesNo(f *harness.Finding) string {
	if f == nil {
		return "**missed**"
	}
	return "found (" + f.Mutation + ")"
}

func flagged(rep *harness.Report, op string) string {
	for _, fd := range rep.Findings {
		if fd.Operation == op {
			return "**flagged**"
		}
	}
	return "not flagged"
}
