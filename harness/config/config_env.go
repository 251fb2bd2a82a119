package config

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Environment variables that override a config (DESIGN "Environment").
const (
	// EnvBaseURL overrides the config's baseURL.
	EnvBaseURL = "BOLA_BASE_URL"
	// EnvSeed overrides the config's seed, to replay a run.
	EnvSeed = "BOLA_SEED"
)

// ApplyEnv applies BOLA_BASE_URL and BOLA_SEED from env (nil = os.LookupEnv).
// A variable that is set but empty is ignored, as shells often leave them so.
func (c *Config) ApplyEnv(env func(string) (string, bool)) error {
	if env == nil {
		env = os.LookupEnv
	}
	if v, ok := env(EnvBaseURL); ok && strings.TrimSpace(v) != "" {
		v = strings.TrimSpace(v)
		if msg := BadBaseURL(v); msg != "" {
			return &ConfigError{File: c.File, Key: EnvBaseURL, Msg: msg + "; fix or unset " + EnvBaseURL}
		}
		c.BaseURL = strings.TrimRight(v, "/")
	}
	if v, ok := env(EnvSeed); ok && strings.TrimSpace(v) != "" {
		seed, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil {
			return &ConfigError{File: c.File, Key: EnvSeed,
				Msg: fmt.Sprintf("%q is not a whole number; set %s to the seed a report printed, or unset it", v, EnvSeed)}
		}
		c.Seed = seed
	}
	return nil
}

// varNameRE is what may stand between ${ and }.
var varNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// expand replaces every ${VAR} in s from the environment. A variable that is
// unset or empty is recorded as an *UnsetVarError (all of them, so one run
// names every variable to export) and ok is false.
func (p *parser) expand(key string, line int, user, s string) (string, bool, error) {
	var b strings.Builder
	ok := true
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			return "", false, &ConfigError{File: p.file, Line: line, Key: key,
				Msg: "\"${\" without a closing \"}\"; write a variable as ${NAME}"}
		}
		name := s[i+2 : i+end]
		if !varNameRE.MatchString(name) {
			return "", false, &ConfigError{File: p.file, Line: line, Key: key,
				Msg: fmt.Sprintf("${%s} is not a variable name; use letters, digits and _ (e.g. ${ALICE_TOKEN})", name)}
		}
		v, set := p.env(name)
		if !set || v == "" {
			p.recordUnset(&UnsetVarError{File: p.file, Key: key, Var: name, Line: line, User: user})
			ok = false
		}
		b.WriteString(v)
		s = s[i+end+1:]
	}
	return b.String(), ok, nil
}

func (p *parser) recordUnset(e *UnsetVarError) {
	if p.unsetAt == nil {
		p.unsetAt = map[string]bool{}
	}
	p.unsetAt[e.Key] = true
	p.unset = append(p.unset, e)
}

// unsetKeys are the keys whose value is missing because a variable is unset.
func (p *parser) unsetKeys() map[string]bool { return p.unsetAt }

// tokenVarFor is the variable a curl line names for a literal token:
// <NAME>_TOKEN, upper case, anything but letters and digits turned into _.
func tokenVarFor(name string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(name) {
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	v := b.String() + "_TOKEN"
	if v[0] >= '0' && v[0] <= '9' {
		v = "_" + v // a shell variable cannot start with a digit
	}
	return v
}

// didYouMean suggests the valid key closest to got, or "" when none is close.
func didYouMean(got string, valid []string) string {
	best, bestDist := "", -1
	for _, k := range valid {
		d := editDistance(strings.ToLower(got), strings.ToLower(k))
		if bestDist < 0 || d < bestDist {
			best, bestDist = k, d
		}
	}
	limit := len(best) / 3
	if limit < 2 {
		limit = 2
	}
	if bestDist < 0 || bestDist > limit {
		return ""
	}
	return fmt.Sprintf(" did you mean %q?", best)
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// sortedNames returns a set's members in order, for stable messages.
func sortedNames(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// ConfigName is a config's subtest name: its file name without extension.
func ConfigName(path string) string {
	base := filepath.Base(path)
	return strings.TrimSuffix(base, filepath.Ext(base))
}

// Environment variables the drivers read (shared/DESIGN.md); BOLA_BASE_URL
// and BOLA_SEED are applied with the config (Config.ApplyEnv).
const (
	// EnvConfig names the config file to run; else every config in fixtures/.
	EnvConfig = "BOLA_CONFIG"
	// EnvReport is where the JSON report is written.
	EnvReport = "BOLA_REPORT"
	// EnvFixtureMode overrides the fixtureMode of configs that start an
	// embedded fixture API ("vulnerable" or "fixed"), to replay the CLI's
	// demo findings under go test.
	EnvFixtureMode = "BOLA_FIXTURE_MODE"
)

// MapEnv is an environment lookup over m, for LoadConfig and ParseConfig
// when the values come from somewhere other than the process environment
// (tests, or a program that embeds the harness and holds its own secrets).
func MapEnv(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}
