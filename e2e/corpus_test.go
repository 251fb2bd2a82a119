package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/engine"
	"github.com/bolaharness/bolaharness/harness/report"
	"github.com/bolaharness/bolaharness/harness/spec"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bolaharness/bolaharness/fixtures/corpus"
	"github.com/bolaharness/bolaharness/harness"
)

// patternKinds maps a corpus pattern to the finding kinds that name it: a
// partial or list leak is a plain swap whose answer has another shape.
var patternKinds = map[string][]string{
	"swap": {"swap"}, "nested-scope": {"nested-scope"}, "normalisation": {"normalisation"},
	"alternate-route": {"alternate-route"}, "enumeration": {"enumeration"},
	"partial-leak": {"swap"}, "list-leak": {"swap"}, "method-leak": {"method-leak"},
	// Ids outside the path keep the read kinds; placements and writes have their own.
	"query-id": {"swap"}, "header-id": {"swap"}, "body-id": {"swap"},
	"parameter-pollution": {"parameter-pollution"}, "added-param": {"added-parameter"}, "write": {"write"},
}

func scanCorpus(t *testing.T, api corpus.API, mode string) *report.Report {
	t.Helper()
	cfg, err := config.ParseConfigEmbedded("fixtures/corpus/"+api.Name+".config.yaml", api.Config, api.Spec, noEnv)
	require.NoError(t, err)
	cfg.Seed = 1129
	return scan(t, cfg, harness.Options{FixtureMode: mode}, nil)
}

// TestCorpus runs the harness over every corpus API: every planted flaw is
// found in vulnerable mode, no trap and no other operation is flagged, and
// the fixed mode yields nothing. It logs the table kept in the README.
func TestCorpus(t *testing.T) {
	var rows, recall, matrix []string
	for _, api := range corpus.APIs() {
		t.Run(api.Name, func(t *testing.T) {
			vuln := scanCorpus(t, api, "vulnerable")
			flawed := map[string]bool{}
			found := 0
			for _, f := range api.Flaws {
				if corpusFinding(vuln, f) != nil {
					found++
				}
			}
			for _, f := range api.Flaws {
				flawed[f.Operation] = true
				found := corpusFinding(vuln, f)
				assert.NotNil(t, found, "flaw not found: %s %s (%s, %s→%s)", api.Name, f.Operation, f.Pattern, f.Attacker, f.Victim)
				rows = append(rows, fmt.Sprintf("| %s | %s | `%s` | %s | %d |", f.Pattern, api.Name, f.Operation, yesNo(found), opRequests(vuln, f.Operation)))
			}
			exist := checkMatrixKinds(t, api, "vulnerable", vuln)
			existFixed := 0
			for _, fd := range vuln.Findings {
				if fd.Kind == engine.KindExistenceLeak {
					continue // checkMatrixKinds proved each one
				}
				assert.True(t, flawed[fd.Operation], "false positive: %s %s %s→%s %s=%s (%s) evidence %v",
					api.Name, fd.Operation, fd.Attacker, fd.Victim, fd.Parameter, fd.Value, fd.Kind, fd.Evidence)
			}
			for _, trap := range api.Traps {
				rows = append(rows, fmt.Sprintf("| %s | %s | `%s` | %s | %d |", trap.Pattern, api.Name, trap.Operation, flagged(vuln, trap.Operation), opRequests(vuln, trap.Operation)))
			}
			fixed := scanCorpus(t, api, "fixed")
			existFixed = checkMatrixKinds(t, api, "fixed", fixed)
			matrix = append(matrix, fmt.Sprintf("| %s | 0 | %d | %d |", api.Name, exist, existFixed))
			recall = append(recall, fmt.Sprintf("| %s | %d | %d | %d | %s | %d | %d |", api.Name, len(api.Flaws), found,
				vuln.Stats.Requests, perFlaw(vuln.Stats.Requests, found), fixed.Stats.Requests, vuln.Stats.Settled+fixed.Stats.Settled))
			for _, fd := range fixed.Findings {
				if fd.Kind == engine.KindExistenceLeak {
					continue
				}
				t.Errorf("fixed mode flagged %s %s %s→%s %s=%s (%s)", api.Name, fd.Operation, fd.Attacker, fd.Victim, fd.Parameter, fd.Value, fd.Kind)
			}
		})
	}
	sort.Strings(rows)
	t.Logf("\n| pattern | API | operation | found | requests |\n|---|---|---|---|---|\n%s", strings.Join(rows, "\n"))
	t.Logf("\n| API | flaws | found | requests to full recall | per flaw | requests, fixed mode | settled, not sent (both modes) |\n|---|---|---|---|---|---|---|\n%s", strings.Join(recall, "\n"))
	t.Logf("\n| API | ignored-auth | existence-leak (vulnerable) | existence-leak (fixed) |\n|---|---|---|---|\n%s", strings.Join(matrix, "\n"))
}

// perFlaw is requests per flaw found, or "-" when none was.
func perFlaw(requests int64, found int) string {
	if found == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f", float64(requests)/float64(found))
}

func corpusFinding(rep *report.Report, f corpus.Flaw) *report.Finding {
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

func opRequests(rep *report.Report, op string) int64 {
	for _, s := range rep.PerOperation {
		if s.Operation == op {
			return s.Requests
		}
	}
	return 0
}

func yesNo(f *report.Finding) string {
	if f == nil {
		return "**missed**"
	}
	return "found (" + f.Mutation + ")"
}

func flagged(rep *report.Report, op string) string {
	for _, fd := range rep.Findings {
		if fd.Operation == op {
			return "**flagged**"
		}
	}
	return "not flagged"
}

// TestCorpus_WritesRestored: a scan of the writes API sends its writes and
// leaves every object as it found it. Each user's read-back of each of its
// objects after the run equals the one before, except the one object the
// config's destroy key names, which the vulnerable run deletes and reports
// as not restored.
func TestCorpus_WritesRestored(t *testing.T) {
	var api corpus.API
	for _, a := range corpus.APIs() {
		if a.Name == "writes" {
			api = a
		}
	}
	require.Equal(t, "writes", api.Name)
	spec, err := spec.LoadSpecData("writes.yaml", api.Spec)
	require.NoError(t, err)
	for _, mode := range []corpus.Mode{corpus.Vulnerable, corpus.Fixed} {
		t.Run(mode.String(), func(t *testing.T) {
			cfg, err := config.ParseConfigEmbedded("fixtures/corpus/writes.config.yaml", api.Config, api.Spec, noEnv)
			require.NoError(t, err)
			cfg.Seed = 1129
			h := api.New(mode)
			before := objectStates(t, h, cfg, spec)
			var rep *report.Report
			engine.NewConsole(io.Discard, false).Run(cfg.Name, func(tb engine.TB) {
				rep, err = engine.RunHandler(context.Background(), cfg, h, harness.Options{}, tb)
			})
			require.NoError(t, err)
			after := objectStates(t, h, cfg, spec)
			require.NotNil(t, rep.Writes)
			w := rep.Writes
			assert.Positive(t, w.Sent)
			assert.Positive(t, w.Restored, "the callers-own-write trap changes the attacker's settings, which are written back")
			assert.Equal(t, w.Changed, w.Restored+len(w.Unrestored))
			destroyed := map[string]bool{}
			for _, d := range cfg.Destroy {
				destroyed["/uploads/"+d.ID] = true
			}
			for key, was := range before {
				path := key[strings.IndexByte(key, ' ')+1:]
				if mode == corpus.Vulnerable && destroyed[path] {
					assert.Equal(t, http.StatusNotFound, after[key].status, "%s was deleted", key)
					continue
				}
				assert.Equal(t, was, after[key], "%s reads as before the run", key)
			}
			if mode == corpus.Fixed {
				assert.Empty(t, w.Unrestored)
				return
			}
			require.Len(t, w.Unrestored, 1)
			assert.True(t, strings.HasSuffix(w.Unrestored[0].Object, "/uploads/U-3"), w.Unrestored[0].Object)
			assert.Contains(t, w.Unrestored[0].Why, "deleted")
		})
	}
}

// objectState is one read-back: its status and body.
type objectState struct {
	status int
	body   string
}

// objectStates reads every object each user owns through every GET of the
// spec, keyed "<user> <path>"; GETs without path parameters read the
// caller's own object.
func objectStates(t *testing.T, h http.Handler, cfg *config.Config, spec *spec.Spec) map[string]objectState {
	t.Helper()
	out := map[string]objectState{}
	for _, op := range spec.Operations {
		if op.Method != http.MethodGet {
			continue
		}
		for _, u := range cfg.Users {
			paths := []string{op.Path}
			for _, p := range op.Params {
				if p.In != "path" {
					continue
				}
				var next []string
				for _, path := range paths {
					for _, id := range u.Owns[p.Name] {
						next = append(next, strings.Replace(path, "{"+p.Name+"}", id, 1))
					}
				}
				paths = next
			}
			for _, path := range paths {
				req := httptest.NewRequest(http.MethodGet, path, nil)
				req.Header.Set("Authorization", "Bearer "+u.Token.Reveal())
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				out[u.Name+" "+path] = objectState{status: rec.Code, body: rec.Body.String()}
			}
		}
	}
	require.NotEmpty(t, out)
	return out
}
