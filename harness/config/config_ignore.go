package config

import (
	"fmt"
	"regexp"
	"time"

	"go.yaml.in/yaml/v3"
)

// Ignore is one accepted risk (key `ignore`): the finding with this
// fingerprint is shown in every report as suppressed, with the reason, and
// does not fail the run, until the entry expires.
type Ignore struct {
	// Fingerprint is the finding's fingerprint: the JSON report's
	// `fingerprint`, SARIF's partialFingerprints "bolaFinding/v1".
	Fingerprint string
	// Reason says why the risk is accepted; it is shown in every report.
	Reason string
	// Expires is the last day (YYYY-MM-DD, UTC) the entry holds; "" never.
	Expires string
	// Line is the entry's line in the config file.
	Line int
}

// ignoreKeys are the keys of one ignore entry.
var ignoreKeys = []string{"fingerprint", "reason", "expires"}

// fingerprintRE is the shape of a finding's fingerprint (report.Fingerprint).
var fingerprintRE = regexp.MustCompile(`^[0-9a-f]{32}$`)

// readIgnore reads `ignore: [{fingerprint: ..., reason: ..., expires: 2027-01-31}]`.
func (p *parser) readIgnore(n *yaml.Node) ([]Ignore, error) {
	var out []Ignore
	for i, item := range listItems(n) {
		key := fmt.Sprintf("ignore[%d]", i)
		fields, err := p.fields(key, item, ignoreKeys)
		if err != nil {
			return nil, err
		}
		ig := Ignore{Line: deref(item).Line}
		for _, f := range fields {
			k := key + "." + f.key
			switch f.key {
			case "fingerprint":
				err = p.readString(k, f.value, "", func(v string) { ig.Fingerprint = v })
				if err == nil && !fingerprintRE.MatchString(ig.Fingerprint) {
					err = p.errAt(k, deref(f.value), "%q is not a finding's fingerprint (32 hex digits); copy it from the JSON report's findings[].fingerprint", ig.Fingerprint)
				}
			case "reason":
				err = p.readString(k, f.value, "", func(v string) { ig.Reason = v })
			case "expires":
				err = p.readString(k, f.value, "", func(v string) { ig.Expires = v })
				if err == nil {
					if _, perr := time.Parse(time.DateOnly, ig.Expires); perr != nil {
						err = p.errAt(k, deref(f.value), "%q is not a date; give the last day the entry holds as YYYY-MM-DD, e.g. `expires: 2027-01-31`", ig.Expires)
					}
				}
			}
			if err != nil {
				return nil, err
			}
		}
		switch {
		case ig.Fingerprint == "":
			return nil, p.errAt(key, deref(item), "missing fingerprint; copy it from the JSON report's findings[].fingerprint")
		case ig.Reason == "":
			return nil, p.errAt(key, deref(item), "missing reason; say why the risk is accepted (it is shown in every report)")
		}
		out = append(out, ig)
	}
	return out, nil
}
