package harness

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/engine"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRunFileSkipsConfigsWithUnsetTokens(t *testing.T) {
	dir := t.TempDir()
	spec, err := filepath.Abs("testdata/runner/things.yaml")
	require.NoError(t, err)
	path := filepath.Join(dir, "staging.yaml")
	require.NoError(t, os.WriteFile(path, []byte(fmt.Sprintf(`spec: %s
users:
  - {name: alice, token: "${BOLA_TEST_UNSET_ALICE}"}
  - {name: bob, token: "${BOLA_TEST_UNSET_BOB}"}
`, spec)), 0o644))
	tb := &skipTB{}
	rep, err := RunFile(context.Background(), path, false, engine.Options{}, tb)
	require.NoError(t, err)
	assert.Nil(t, rep)
	assert.Contains(t, tb.skipped, "export BOLA_TEST_UNSET_ALICE")

	_, err = RunFile(context.Background(), path, true, engine.Options{}, &skipTB{})
	require.Error(t, err, "a config named explicitly must not be skipped silently")
	assert.Contains(t, err.Error(), "BOLA_TEST_UNSET_ALICE")
}

func TestFindConfigs(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"b.yaml", "a.yml", "notes.txt"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), nil, 0o644))
	}
	paths, explicit, err := FindConfigs(func(string) (string, bool) { return "", false }, dir)
	require.NoError(t, err)
	assert.False(t, explicit)
	assert.Equal(t, []string{filepath.Join(dir, "a.yml"), filepath.Join(dir, "b.yaml")}, paths)

	paths, explicit, err = FindConfigs(func(k string) (string, bool) { return "x.yaml", k == config.EnvConfig }, dir)
	require.NoError(t, err)
	assert.True(t, explicit)
	assert.Equal(t, []string{"x.yaml"}, paths)
	assert.Equal(t, "r.demo.json", ReportPath("r.json", "demo", true))
	assert.Equal(t, "r.json", ReportPath("r.json", "demo", false))
}

// skipTB records a Skip; RunFile is called on the test's own goroutine here,
// so its Skip must return rather than end the goroutine as testing's does.
type skipTB struct {
	engine.TB
	skipped string
}

func (s *skipTB) Skip(args ...any) { s.skipped = fmt.Sprint(args...) }
