package config

import (
	"crypto/x509"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/bolaharness/bolaharness/harness/spec"

	"go.yaml.in/yaml/v3"
)

// Defaults for the staging-safety settings.
const (
	// DefaultConnectTimeout bounds the TCP connect and the TLS handshake.
	DefaultConnectTimeout = 10 * time.Second
	// DefaultMaxTimeouts is how many timeouts in a row on one operation stop
	// further requests to it, so a struggling endpoint is not hammered.
	DefaultMaxTimeouts = 3
	// MaxSpecBytes caps the size of a spec file: a larger document is refused
	// before it is read, so a hostile or mistaken spec cannot exhaust memory.
	MaxSpecBytes = 64 << 20
	// maxCAFileBytes caps a caFile; a CA bundle is a few hundred KiB at most.
	maxCAFileBytes = 4 << 20
)

// stagingField reads one of the staging-safety keys into c.
func (p *parser) stagingField(c *Config, f field) error {
	switch f.key {
	case "timeBudget":
		return p.readNumber(f.key, f.value, func(s string) error { return parseTimeout(s, &c.TimeBudget) })
	case "connectTimeout":
		return p.readNumber(f.key, f.value, func(s string) error { return parseTimeout(s, &c.ConnectTimeout) })
	case "headerTimeout":
		return p.readNumber(f.key, f.value, func(s string) error { return parseTimeout(s, &c.HeaderTimeout) })
	case "maxBody":
		return p.readNumber(f.key, f.value, func(s string) error { return parseBytes(s, &c.MaxBody) })
	case "maxTimeouts":
		return p.readNumber(f.key, f.value, func(s string) error { return parseInt(s, &c.MaxTimeouts) })
	case "caFile":
		return p.readString(f.key, f.value, "", func(s string) { c.CAFile = p.relative(s) })
	case "insecureSkipVerify":
		return p.readBool(f.key, f.value, &c.InsecureSkipVerify)
	}
	return p.errAt(f.key, deref(f.value), "unknown key %q", f.key)
}

// relative resolves a path in the config against the config file's
// directory, as the spec path is.
func (p *parser) relative(s string) string {
	if s == "" || filepath.IsAbs(s) {
		return s
	}
	return filepath.Join(filepath.Dir(p.file), filepath.FromSlash(s))
}

// readBool reads true or false; anything else is an error naming the key.
func (p *parser) readBool(key string, n *yaml.Node, out *bool) error {
	s, ok, err := p.text(key, n, "")
	if err != nil || !ok {
		return err
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return p.errAt(key, deref(n), "%q is not true or false", s)
	}
	*out = b
	return nil
}

func parseBytes(s string, out *int64) error {
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("%q is not a whole number of bytes; give e.g. 1048576 (1 MiB)", s)
	}
	*out = v
	return nil
}

// applyStagingDefaults fills the staging-safety settings a file left out.
func applyStagingDefaults(c *Config) {
	if c.ConnectTimeout == 0 {
		c.ConnectTimeout = DefaultConnectTimeout
	}
	if c.HeaderTimeout == 0 {
		c.HeaderTimeout = c.Timeout
	}
	if c.MaxBody == 0 {
		c.MaxBody = DefaultMaxBody
	}
	if c.MaxTimeouts == 0 {
		c.MaxTimeouts = DefaultMaxTimeouts
	}
}

// checkStaging checks the staging-safety settings: no negative limits, a
// readable CA file, and no insecure switch beside a CA file (one of the two
// is a mistake).
func (c *Config) checkStaging() error {
	switch {
	case c.TimeBudget < 0:
		return c.errf("timeBudget", "%v is negative; give a duration such as \"10m\" (0 = no time budget)", c.TimeBudget)
	case c.ConnectTimeout < 0:
		return c.errf("connectTimeout", "%v is negative; give a duration such as \"5s\"", c.ConnectTimeout)
	case c.HeaderTimeout < 0:
		return c.errf("headerTimeout", "%v is negative; give a duration such as \"10s\"", c.HeaderTimeout)
	case c.MaxBody < 0:
		return c.errf("maxBody", "%d is negative; give bytes per body (0 = default %d)", c.MaxBody, DefaultMaxBody)
	case c.MaxTimeouts < -1:
		return c.errf("maxTimeouts", "%d is not allowed; give how many timeouts in a row stop an operation (0 = default %d, -1 = never)", c.MaxTimeouts, DefaultMaxTimeouts)
	case c.CAFile != "" && c.InsecureSkipVerify:
		return c.errf("insecureSkipVerify", "set together with caFile; keep caFile (certificates checked against it) and remove insecureSkipVerify")
	}
	if c.CAFile == "" {
		return nil
	}
	if _, err := ReadCAFile(c.CAFile); err != nil {
		return c.errf("caFile", "%v", err)
	}
	return nil
}

// readCAFile reads a PEM bundle of CA certificates into a pool that also
// trusts the system's roots, so a custom CA adds trust and removes none.
func ReadCAFile(path string) (*x509.CertPool, error) {
	data, err := readFileCapped(path, maxCAFileBytes)
	if err != nil {
		return nil, fmt.Errorf("%s cannot be read (%v); give the path of a PEM file (relative to the config file)", path, err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(data) {
		return nil, fmt.Errorf("%s holds no PEM certificate (-----BEGIN CERTIFICATE-----); export the CA certificate in PEM form", path)
	}
	return pool, nil
}

// readFileCapped reads a file of at most limit bytes; a larger one is an
// error, found without reading more than limit+1 bytes of it.
func readFileCapped(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("larger than the %d bytes allowed", limit)
	}
	return data, nil
}

// checkSpecSize refuses a spec larger than MaxSpecBytes before anything
// reads it: the largest public specs are a few MiB, so a bigger one is a
// mistake or hostile, and parsing it could exhaust memory.
func (c *Config) checkSpecSize(size int64) error {
	if size <= MaxSpecBytes {
		return nil
	}
	return c.errf("spec", "%s is %d bytes, more than the %d MiB a spec may be; check that it is the right file, or split it", c.lineSpec(), size, MaxSpecBytes>>20)
}

// specLoadTimeout bounds loading a spec. kin-openapi copes with circular
// and deeply nested documents, but a run must fail with a clear error rather
// than hang if some document ever makes it loop; the largest public specs
// (Stripe, Kubernetes) load in seconds.
var specLoadTimeout = 2 * time.Minute

// loadSpecBounded checks the spec's size, then loads it with load under
// specLoadTimeout. On a timeout the loader is left to finish in the
// background (Go cannot stop it) and the run fails at once.
func LoadSpecBounded(cfg *Config, load func(*Config) (*spec.Spec, error)) (*spec.Spec, error) {
	if err := cfg.checkSpecFile(); err != nil {
		return nil, err
	}
	type result struct {
		spec *spec.Spec
		err  error
	}
	done := make(chan result, 1)
	go func() {
		s, err := load(cfg)
		done <- result{s, err}
	}()
	t := time.NewTimer(specLoadTimeout)
	defer t.Stop()
	select {
	case r := <-done:
		return r.spec, r.err
	case <-t.C:
		return nil, cfg.errf("spec", "%s did not load within %s; the document may be malformed (reference cycles?) or far too large", cfg.lineSpec(), specLoadTimeout)
	}
}

func LoadConfigSpec(cfg *Config) (*spec.Spec, error) {
	if len(cfg.SpecData) > 0 {
		return spec.LoadSpecData(cfg.Spec, cfg.SpecData)
	}
	return spec.LoadSpec(cfg.Spec)
}
