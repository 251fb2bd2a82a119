package plan

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bolaharness/bolaharness/harness/spec"
)

// corpusDir holds real-world specs shared by the project (read-only).
const corpusDir = "../../../shared/corpus/specs"

var (
	corpusMu    sync.Mutex
	corpusCache = map[string]*spec.Spec{}
)

// corpusSpec loads a corpus document once per test binary: Stripe alone
// takes about a second.
func corpusSpec(t *testing.T, name string) *spec.Spec {
	t.Helper()
	path := filepath.Join(corpusDir, name)
	if _, err := os.Stat(path); err != nil {
		t.Skipf("corpus document %s not available: %v", path, err)
	}
	corpusMu.Lock()
	defer corpusMu.Unlock()
	if s, ok := corpusCache[name]; ok {
		return s
	}
	s, err := spec.LoadSpec(path)
	require.NoError(t, err)
	corpusCache[name] = s
	return s
}
