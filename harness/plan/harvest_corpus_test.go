package plan

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bolaharness/bolaharness/harness/words"

	"github.com/bolaharness/bolaharness/harness/internal/sortedkeys"

	"github.com/bolaharness/bolaharness/harness/spec"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// harvestCorpusDir holds real-world specs beside the repository.
const harvestCorpusDir = "../../../shared/corpus/specs"

// dangerWords are actions that no harvesting GET may name, listed here
// independently of the harness's own word lists.
var dangerWords = words.WordSet("logout", "login", "signout", "signin", "reset", "purge", "delete", "remove",
	"create", "createdb", "run", "exec", "execute", "export", "import", "sync", "refresh", "send", "invite",
	"approve", "cancel", "restart", "shutdown", "migrate", "seed", "drop", "watch", "proxy", "attach",
	"connect", "kill", "wipe", "truncate", "flush", "revoke", "authorize")

// TestPlanHarvest_Corpus plans harvesting on real specs: it must pick
// listings (at least a floor per API) and never a GET that names an action,
// whose required parameters it cannot fill, or that goes more than one level
// deep.
func TestPlanHarvest_Corpus(t *testing.T) {
	if testing.Short() {
		t.Skip("loads multi-megabyte specs; run without -short")
	}
	if _, err := os.Stat(harvestCorpusDir); err != nil {
		t.Skipf("no corpus at %s", harvestCorpusDir)
	}
	floors := map[string]int{"stripe.yaml": 40, "box.json": 20, "asana.yaml": 10, "openai.yaml": 20, "k8s.json": 1, "petstorev3.json": 1}
	for _, name := range sortedkeys.Of(floors) {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(harvestCorpusDir, name)
			if _, err := os.Stat(path); err != nil {
				t.Skipf("%s is absent", path)
			}
			spec, err := spec.LoadSpec(path)
			require.NoError(t, err)
			hp := PlanHarvest(spec, nil)
			require.True(t, hp.Enabled, hp.Why)
			assert.GreaterOrEqual(t, len(hp.Calls), floors[name])
			for _, c := range hp.Calls {
				assert.Empty(t, ActionReason(c.Op), c.Operation)
				assert.Empty(t, namesDanger(c.Op), c.Operation)
				assert.Equal(t, "GET", c.Op.Method, c.Operation)
				checkFillable(t, hp, c)
			}
			actions := 0
			for _, r := range hp.Refused {
				if strings.HasPrefix(r.Why, "reads like an action") {
					actions++
				}
			}
			t.Logf("%s: %d harvest GETs (%d round 1, %d nested), at most %d requests per user before pages (budget %d); %d GETs refused (%d as actions), %d ignored",
				name, len(hp.Calls), countRound(hp, 1), len(hp.Calls)-countRound(hp, 1), hp.RequestsPerUser, hp.MaxRequestsPerUser,
				len(hp.Refused), actions, len(hp.Ignored))
		})
	}
}

// namesDanger checks a GET against dangerWords: every word of its literal
// path segments, and the first word of its operationId and summary.
func namesDanger(op spec.Operation) string {
	var ws []string
	for _, seg := range strings.Split(op.Path, "/") {
		if !strings.Contains(seg, "{") {
			ws = append(ws, words.NameWords(seg)...)
		}
	}
	if w := words.NameWords(op.ID); len(w) > 0 {
		ws = append(ws, w[0])
	}
	if op.Raw != nil {
		if w := strings.Fields(strings.ToLower(op.Raw.Summary)); len(w) > 0 {
			ws = append(ws, strings.Trim(w[0], ".,:;()"))
		}
	}
	for _, w := range ws {
		if dangerWords[w] {
			return w
		}
	}
	return ""
}

// checkFillable: a call's path parameters are fed by calls of earlier
// rounds (so round 1 has none); a required query parameter is filled from
// the spec.
func checkFillable(t *testing.T, hp HarvestPlan, c HarvestCall) {
	t.Helper()
	fedBefore := map[string]bool{}
	for _, other := range hp.Calls {
		for _, f := range other.Feeds {
			if other.Round < c.Round {
				fedBefore[f.Param] = true
			}
		}
	}
	assert.LessOrEqual(t, c.Round, hp.MaxRounds, c.Operation)
	for _, p := range c.Op.Params {
		switch {
		case p.In == "path":
			assert.True(t, fedBefore[p.Name], "%s (round %d): {%s} is fed by no earlier round", c.Operation, c.Round, p.Name)
		case p.Required && p.In == "query":
			assert.Contains(t, c.Query, p.Name, c.Operation)
		case p.Required:
			assert.Equal(t, "Authorization", p.Name, "%s: required %s parameter", c.Operation, p.In)
		}
	}
}

func countRound(hp HarvestPlan, round int) int {
	n := 0
	for _, c := range hp.Calls {
		if c.Round == round {
			n++
		}
	}
	return n
}
