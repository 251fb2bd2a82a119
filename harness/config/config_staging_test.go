package config

import (
	"encoding/pem"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/bolaharness/bolaharness/harness/spec"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseConfig_StagingKeys(t *testing.T) {
	srv := httptest.NewTLSServer(nil)
	srv.Close()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "api.yaml"), []byte("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n"), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "ca.pem"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "bad.pem"), []byte("not a certificate"), 0o600))
	parse := func(extra string) (*Config, error) {
		return ParseConfig(filepath.Join(dir, "c.yaml"), []byte("spec: api.yaml\n"+extra+cfgUsers), MapEnv(nil))
	}

	c, err := parse("timeBudget: 10m\nconnectTimeout: 2s\nheaderTimeout: 5s\nmaxBody: 4096\nmaxTimeouts: 5\ncaFile: ca.pem\n")
	require.NoError(t, err)
	assert.Equal(t, 10*time.Minute, c.TimeBudget)
	assert.Equal(t, 2*time.Second, c.ConnectTimeout)
	assert.Equal(t, 5*time.Second, c.HeaderTimeout)
	assert.Equal(t, int64(4096), c.MaxBody)
	assert.Equal(t, 5, c.MaxTimeouts)
	assert.Equal(t, filepath.Join(dir, "ca.pem"), c.CAFile, "relative to the config file")

	c, err = parse("")
	require.NoError(t, err)
	assert.Zero(t, c.TimeBudget, "no time budget unless asked")
	assert.Equal(t, DefaultConnectTimeout, c.ConnectTimeout)
	assert.Equal(t, DefaultTimeout, c.HeaderTimeout, "headers may take as long as the request")
	assert.Equal(t, int64(DefaultMaxBody), c.MaxBody)
	assert.Equal(t, DefaultMaxTimeouts, c.MaxTimeouts)
	assert.False(t, c.InsecureSkipVerify)

	c, err = parse("insecureSkipVerify: true\nmaxTimeouts: -1\n")
	require.NoError(t, err)
	assert.True(t, c.InsecureSkipVerify)
	assert.Equal(t, -1, c.MaxTimeouts)

	tests := []struct{ extra, want string }{
		{"timeBudget: 10\n", `timeBudget: "10" is not a duration`},
		{"timeBudget: -1m\n", "timeBudget: -1m0s is negative"},
		{"connectTimeout: -1s\n", "connectTimeout: -1s is negative"},
		{"headerTimeout: soon\n", `headerTimeout: "soon" is not a duration`},
		{"maxBody: 1MiB\n", `maxBody: "1MiB" is not a whole number of bytes`},
		{"maxBody: -5\n", "maxBody: -5 is negative"},
		{"maxTimeouts: -2\n", "maxTimeouts: -2 is not allowed"},
		{"insecureSkipVerify: maybe\n", `insecureSkipVerify: "maybe" is not true or false`},
		{"caFile: missing.pem\n", "caFile: " + filepath.Join(dir, "missing.pem") + " cannot be read"},
		{"caFile: bad.pem\n", "holds no PEM certificate"},
		{"caFile: ca.pem\ninsecureSkipVerify: true\n", "insecureSkipVerify: set together with caFile"},
		{"timebudget: 1m\n", `did you mean "timeBudget"?`},
	}
	for _, tt := range tests {
		_, err := parse(tt.extra)
		require.Error(t, err, tt.extra)
		assert.Contains(t, err.Error(), tt.want, tt.extra)
		assert.True(t, strings.HasPrefix(err.Error(), filepath.Join(dir, "c.yaml")), "names the file: %v", err)
	}
}

func TestConfig_SpecSizeCap(t *testing.T) {
	dir := t.TempDir()
	huge := filepath.Join(dir, "huge.yaml")
	f, err := os.Create(huge)
	require.NoError(t, err)
	require.NoError(t, f.Truncate(MaxSpecBytes+1)) // sparse: costs no disk or time
	require.NoError(t, f.Close())
	_, err = ParseConfig(filepath.Join(dir, "c.yaml"), []byte("spec: huge.yaml\n"+cfgUsers), MapEnv(nil))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "c.yaml:1: spec: "+huge+" is 67108865 bytes, more than the 64 MiB a spec may be")

	_, err = ParseConfigEmbedded("c.yaml", []byte("spec: big.yaml\n"+cfgUsers), make([]byte, MaxSpecBytes+1), MapEnv(nil))
	assert.ErrorContains(t, err, "big.yaml is 67108865 bytes, more than")

	// A Config built in code is checked when the scan loads the spec.
	cfg := &Config{File: "code", Spec: huge, Users: []User{{Name: "a"}, {Name: "b"}}}
	_, err = LoadSpecBounded(cfg, func(*Config) (*spec.Spec, error) { panic("a refused spec is never read") })
	assert.ErrorContains(t, err, "more than the 64 MiB a spec may be")
}

func TestLoadSpecBounded_Timeout(t *testing.T) {
	old := specLoadTimeout
	specLoadTimeout = 100 * time.Millisecond
	t.Cleanup(func() { specLoadTimeout = old })
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	cfg := &Config{File: "c.yaml", Spec: "loop.yaml", SpecData: []byte("x")}
	start := time.Now()
	_, err := LoadSpecBounded(cfg, func(*Config) (*spec.Spec, error) { <-release; return nil, nil })
	assert.ErrorContains(t, err, "c.yaml: spec: loop.yaml did not load within 100ms")
	assert.Less(t, time.Since(start), 2*time.Second)
}

// TestHostileSpecs feeds broken and hostile documents to the loader the
// scan uses: each fails fast with an error that names the file, or loads
// (with warnings), within seconds and without a memory spike.
func TestHostileSpecs(t *testing.T) {
	head := "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n"
	var laughs strings.Builder
	laughs.WriteString(head + "paths: {}\nx-a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i < 9; i++ {
		fmt.Fprintf(&laughs, "x-a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	circular, err := os.ReadFile("/work/shared/corpus/specs/circular-tests.yaml")
	if err != nil {
		circular = []byte(head + "paths: {}\ncomponents:\n  schemas:\n    A: {properties: {b: {$ref: '#/components/schemas/B'}}}\n    B: {properties: {a: {$ref: '#/components/schemas/A'}}}\n")
	}
	tests := []struct {
		name, doc string
		wantErr   string // "" = loads
	}{
		{"circular refs", string(circular), ""},
		{"ref cycle", head + "paths: {}\ncomponents:\n  schemas:\n    A: {$ref: '#/components/schemas/B'}\n    B: {$ref: '#/components/schemas/A'}\n", ""},
		{"alias bomb", laughs.String(), "hostile.yaml:"},
		{"deep nesting", head + "paths: {}\nx-deep: " + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + "\n", "max depth"},
		{"deep JSON", `{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{},"x":` + strings.Repeat(`{"a":`, 100000) + "1" + strings.Repeat("}", 100000) + "}", "max depth"},
		{"invalid YAML", head + "paths: {\n  /x: [\n", "hostile.yaml:"},
		{"ref to a URL", head + "paths:\n  /x:\n    $ref: 'http://127.0.0.1:1/x.yaml#/p'\n", "never fetches URLs"},
		{"ref to a file from memory", head + "paths:\n  /x:\n    $ref: '/etc/passwd#/p'\n", "refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			cfg := &Config{File: "c.yaml", Spec: "hostile.yaml", SpecData: []byte(tt.doc)}
			spec, err := LoadSpecBounded(cfg, LoadConfigSpec)
			took := time.Since(start)
			runtime.ReadMemStats(&after)
			assert.Less(t, took, 5*time.Second)
			assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(512<<20), "allocated %d MiB", (after.TotalAlloc-before.TotalAlloc)>>20)
			if tt.wantErr == "" {
				require.NoError(t, err)
				assert.NotNil(t, spec)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), "hostile.yaml")
			assert.Contains(t, err.Error(), tt.wantErr)
		})
	}
}
