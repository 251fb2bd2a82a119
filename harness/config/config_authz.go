package config

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// The ignored-authentication checks (key `authChecks`): each repeats an
// owner's control of an attacked read without a working credential.
const (
	// AuthCheckNone sends the control with no credential at all.
	AuthCheckNone = "none"
	// AuthCheckTampered sends it with the JWT's signature altered.
	AuthCheckTampered = "tampered"
	// AuthCheckAlgNone sends it with the JWT re-encoded with alg "none"
	// and no signature.
	AuthCheckAlgNone = "alg-none"
)

// AuthCheckNames are the checks a config may name, in the order they run;
// a config without `authChecks` runs them all.
var AuthCheckNames = []string{AuthCheckNone, AuthCheckTampered, AuthCheckAlgNone}

// AuthCheckOn says whether the ignored-authentication check name runs.
func (c *Config) AuthCheckOn(name string) bool {
	if c.AuthChecks == nil {
		return slices.Contains(AuthCheckNames, name)
	}
	return slices.Contains(c.AuthChecks, name)
}

// authzField reads the authorization-matrix keys: `authChecks` and
// `existenceLeaks` (true by default; false turns the judgement off).
func (p *parser) authzField(c *Config, f field) error {
	if f.key == "existenceLeaks" {
		on := true
		if err := p.readBool("existenceLeaks", f.value, &on); err != nil {
			return err
		}
		c.NoExistenceLeaks = !on
		return nil
	}
	var err error
	c.AuthChecks, err = p.readAuthChecks(f.value)
	return err
}

// readAuthChecks reads `authChecks`: a list of check names; [] turns every
// check off.
func (p *parser) readAuthChecks(n *yaml.Node) ([]string, error) {
	out := []string{}
	for i, item := range listItems(n) {
		key := fmt.Sprintf("authChecks[%d]", i)
		s, _, err := p.text(key, item, "")
		if err != nil {
			return nil, err
		}
		s = strings.ToLower(strings.TrimSpace(s))
		if !slices.Contains(AuthCheckNames, s) {
			return nil, p.errAt(key, deref(item), "unknown check %q; use any of %s, or [] to turn them off",
				s, strings.Join(AuthCheckNames, ", "))
		}
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out, nil
}
