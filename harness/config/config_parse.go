package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Keys a config may use, in the order error messages list them.
var (
	configKeys = []string{"spec", "baseURL", "users", "methods", "rate", "seed", "cases",
		"concurrency", "fixture", "fixtureMode", "shared", "timeout", "maxRequests",
		"timeBudget", "connectTimeout", "headerTimeout", "maxBody", "maxTimeouts", "caFile", "insecureSkipVerify",
		"harvest", "public", "actions", "destroy", "create", "preflight", "include", "exclude", "authChecks", "existenceLeaks", "policy", "ignore"}
	userKeys   = []string{"name", "token", "tokenFile", "tokenCommand", "login", "apiKey", "basic", "cookies", "headers", "identity", "owns", "role", "readOnly"}
	sharedKeys = []string{"param", "id", "users"}
)

// parser walks the YAML node tree rather than decoding into a struct, so that
// every error carries its line and key, and ids keep their text.
type parser struct {
	file  string
	env   func(string) (string, bool)
	lines map[string]int
	// unset collects *UnsetVarError values; they are returned only when the
	// config is otherwise sound, so drivers skip only configs that would run.
	unset   []error
	unsetAt map[string]bool
}

// field is one key of a mapping with its value node.
type field struct {
	key   string
	value *yaml.Node
}

// parse reads the document and fills a Config with defaults applied.
func (p *parser) Parse(data []byte) (*Config, error) {
	root, err := p.document(data)
	if err != nil {
		return nil, err
	}
	fields, err := p.fields("", root, configKeys)
	if err != nil {
		return nil, err
	}
	c := &Config{File: p.file, Name: configName(p.file), Rate: DefaultRate, lines: p.lines}
	for _, f := range fields {
		if err := p.topField(c, f); err != nil {
			return nil, err
		}
	}
	applyDefaults(c)
	if err := p.checkRoles(c); err != nil {
		return nil, err
	}
	return c, nil
}

// applyDefaults fills what the file left out or set to 0 meaning "default".
func applyDefaults(c *Config) {
	if len(c.Methods) == 0 {
		c.Methods = []string{"GET", "HEAD"}
	}
	if c.Cases == 0 {
		c.Cases = DefaultCases
	}
	if c.Concurrency == 0 {
		c.Concurrency = DefaultConcurrency
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.MaxRequests == 0 {
		c.MaxRequests = DefaultMaxRequests
	}
	if c.FixtureMode == "" {
		c.FixtureMode = FixtureFixed
	}
	applyStagingDefaults(c)
}

// document decodes exactly one YAML document whose top level is a mapping.
func (p *parser) document(data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &ConfigError{File: p.file, Msg: "the file is empty; it needs at least `spec:` and `users:`"}
		}
		return nil, p.yamlError(err, data)
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case err == nil:
		return nil, &ConfigError{File: p.file, Line: extra.Line, Msg: "a second YAML document (---); keep one config per file"}
	case !errors.Is(err, io.EOF):
		return nil, p.yamlError(err, data)
	}
	root := deref(&doc)
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = deref(root.Content[0])
	}
	if root.Kind != yaml.MappingNode {
		return nil, &ConfigError{File: p.file, Line: root.Line, Msg: "the top level must be a mapping of keys such as `spec:` and `users:`"}
	}
	return root, nil
}

// yamlLineRE finds the line number in go-yaml's syntax errors.
var yamlLineRE = regexp.MustCompile(`line (\d+)`)

// yamlLinePrefixRE is go-yaml's "line N: " before its message.
var yamlLinePrefixRE = regexp.MustCompile(`^line \d+: `)

func (p *parser) yamlError(err error, data []byte) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		if n, aerr := strconv.Atoi(m[1]); aerr == nil {
			line = n
		}
	}
	if bad := badYAMLLine(data); bad > 0 {
		// The line of the error itself, not of its enclosing block.
		line = bad
		msg = yamlLinePrefixRE.ReplaceAllString(msg, "")
	}
	return &ConfigError{File: p.file, Line: line, Msg: "not valid YAML: " + msg + "; fix the syntax (indentation, quotes, colons)"}
}

// deref follows YAML aliases (*anchor) to the node they name.
func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// fields lists a mapping's keys in order, refusing unknown and repeated keys.
// prefix is the mapping's own key ("users[1]"), "" at the top level.
func (p *parser) fields(prefix string, n *yaml.Node, valid []string) ([]field, error) {
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		return nil, p.errAt(prefix, n, "expected a mapping of keys (%s), got %s", strings.Join(valid, ", "), kindName(n))
	}
	seen := map[string]int{}
	var out []field
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return nil, p.errAt(prefix, k, "a key must be plain text; valid keys: %s", strings.Join(valid, ", "))
		}
		if !slices.Contains(valid, k.Value) {
			return nil, p.errAt(prefix, k, "unknown key %q;%s valid keys: %s", k.Value, didYouMean(k.Value, valid), strings.Join(valid, ", "))
		}
		if first, dup := seen[k.Value]; dup {
			return nil, p.errAt(prefix, k, "key %q appears twice (first on line %d); keep one", k.Value, first)
		}
		seen[k.Value] = k.Line
		p.lines[joinKey(prefix, k.Value)] = k.Line
		out = append(out, field{key: k.Value, value: v})
	}
	return out, nil
}

// topField reads one top-level key into c.
func (p *parser) topField(c *Config, f field) error {
	var err error
	switch f.key {
	case "spec":
		err = p.readSpec(c, f.value)
	case "baseURL":
		err = p.readString("baseURL", f.value, "", func(s string) { c.BaseURL = s })
	case "users":
		c.Users, err = p.readUsers(f.value)
	case "methods":
		c.Methods, err = p.readMethods(f.value)
	case "rate":
		c.RateSet = true
		err = p.readNumber("rate", f.value, func(s string) error { return parseRate(s, &c.Rate) })
	case "seed":
		err = p.readNumber("seed", f.value, func(s string) error { return parseInt64(s, &c.Seed) })
	case "cases":
		err = p.readNumber("cases", f.value, func(s string) error { return parseInt(s, &c.Cases) })
	case "concurrency":
		err = p.readNumber("concurrency", f.value, func(s string) error { return parseInt(s, &c.Concurrency) })
	case "maxRequests":
		err = p.readNumber("maxRequests", f.value, func(s string) error { return parseInt(s, &c.MaxRequests) })
	case "timeout":
		err = p.readNumber("timeout", f.value, func(s string) error { return parseTimeout(s, &c.Timeout) })
	case "fixture":
		err = p.readString("fixture", f.value, "", func(s string) { c.Fixture = s })
	case "fixtureMode":
		err = p.readString("fixtureMode", f.value, "", func(s string) { c.FixtureMode = s })
	case "shared":
		c.Shared, err = p.readShared(f.value)
	case "public":
		c.Public, err = p.readOperations("public", f.value)
	case "actions":
		c.Actions, err = p.readOperations("actions", f.value)
	case "preflight":
		c.Preflight, err = p.readOperations("preflight", f.value)
	case "include", "exclude":
		var sels []string
		if sels, err = p.readOperations(f.key, f.value); f.key == "include" {
			c.Include = sels
		} else {
			c.Exclude = sels
		}
	case "destroy":
		c.Destroy, err = p.readDestroy(f.value)
	case "ignore":
		c.Ignore, err = p.readIgnore(f.value)
	case "harvest":
		err = p.readNumber("harvest", f.value, func(s string) error { return ParseHarvest(s, &c.NoHarvest) })
	case "create":
		err = p.readNumber("create", f.value, func(s string) error { return parseCreate(s, &c.NoCreate) })
	case "authChecks", "existenceLeaks":
		err = p.authzField(c, f)
	case "policy":
		c.Policy, err = p.readPolicy(f.value)
	default:
		err = p.stagingField(c, f)
	}
	return err
}

// readSpec resolves the spec path against the config file's directory.
func (p *parser) readSpec(c *Config, n *yaml.Node) error {
	return p.readString("spec", n, "", func(s string) {
		if !filepath.IsAbs(s) {
			s = filepath.Join(filepath.Dir(p.file), filepath.FromSlash(s))
		}
		c.Spec = s
	})
}

// readString reads a scalar as text and hands it to set unless a ${VAR} in
// it is unset (then the value stays empty and the variable is reported).
func (p *parser) readString(key string, n *yaml.Node, user string, set func(string)) error {
	s, ok, err := p.text(key, n, user)
	if err != nil || !ok {
		return err
	}
	set(s)
	return nil
}

// readNumber reads a scalar and parses it, naming the key when it fails.
func (p *parser) readNumber(key string, n *yaml.Node, parse func(string) error) error {
	s, ok, err := p.text(key, n, "")
	if err != nil || !ok {
		return err
	}
	if err := parse(s); err != nil {
		return p.errAt(key, deref(n), "%v", err)
	}
	return nil
}

func parseRate(s string, out *float64) error {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("%q is not a number; give requests per second, e.g. `rate: 10` (0 = unlimited)", s)
	}
	*out = f
	return nil
}

func parseInt64(s string, out *int64) error {
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("%q is not a whole number that fits in 64 bits; give e.g. `seed: 42` (0 = pick one)", s)
	}
	*out = v
	return nil
}

func parseInt(s string, out *int) error {
	v, err := strconv.Atoi(s)
	if err != nil {
		return fmt.Errorf("%q is not a whole number; give e.g. 32", s)
	}
	*out = v
	return nil
}

func parseTimeout(s string, out *time.Duration) error {
	d, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("%q is not a duration; write it with a unit, such as \"10s\" or \"500ms\"", s)
	}
	*out = d
	return nil
}

// readMethods reads a list (or a single method) and upper-cases it.
func (p *parser) readMethods(n *yaml.Node) ([]string, error) {
	items := listItems(n)
	if len(items) == 0 {
		return nil, p.errAt("methods", deref(n), "empty; list the methods the harness may send, e.g. [GET, HEAD], or remove the key")
	}
	var out []string
	for i, item := range items {
		key := fmt.Sprintf("methods[%d]", i)
		s, ok, err := p.text(key, item, "")
		if err != nil {
			return nil, err
		}
		m := strings.ToUpper(strings.TrimSpace(s))
		if !ok || slices.Contains(out, m) {
			continue
		}
		if err := CheckMethod(m); err != nil {
			return nil, p.errAt(key, deref(item), "%v", err)
		}
		out = append(out, m)
	}
	return out, nil
}

// listItems returns a sequence's items, or the node itself when it is a
// single scalar, so `owns: {invoice_id: 7}` means one id.
func listItems(n *yaml.Node) []*yaml.Node {
	n = deref(n)
	switch {
	case n.Kind == yaml.SequenceNode:
		return n.Content
	case n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null":
		return nil
	default:
		return []*yaml.Node{n}
	}
}

// leadingZeroRE matches numbers YAML would read as octal or float, losing the
// zeros that may be part of an id.
var leadingZeroRE = regexp.MustCompile(`^[-+]?0[0-9_]`)

// text reads a scalar as text: YAML numbers as their decimal text, strings
// with ${VAR} expanded. ok is false when an unset variable was recorded.
func (p *parser) text(key string, n *yaml.Node, user string) (string, bool, error) {
	n = deref(n)
	p.lines[key] = n.Line
	if n.Kind != yaml.ScalarNode {
		return "", false, p.errAt(key, n, "expected a single value, got %s", kindName(n))
	}
	switch n.ShortTag() {
	case "!!null":
		return "", false, p.errAt(key, n, "empty value; give a value or remove the key")
	case "!!int", "!!float":
		s, err := decimalText(n.Value)
		if err != nil {
			return "", false, p.errAt(key, n, "%v", err)
		}
		return s, true, nil
	case "!!bool":
		var b bool
		if err := n.Decode(&b); err != nil {
			return "", false, p.errAt(key, n, "%q is not a boolean: %v", n.Value, err)
		}
		return strconv.FormatBool(b), true, nil
	case "!!str":
		return p.expand(key, n.Line, user, n.Value)
	default:
		// Timestamps and explicitly tagged values keep the text as written.
		return n.Value, true, nil
	}
}

// decimalText turns a YAML number into its decimal text: 0x1F → "31",
// 1_000 → "1000", 1.50 → "1.5". Numbers with leading zeros are refused
// because YAML reads 007 as octal and 08 as a float.
func decimalText(s string) (string, error) {
	if leadingZeroRE.MatchString(s) {
		return "", fmt.Errorf("%s has leading zeros, which YAML reads as another number; quote it (\"%s\") to keep it as written", s, s)
	}
	if i, ok := new(big.Int).SetString(s, 0); ok {
		return i.String(), nil
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return "", fmt.Errorf("%s is not a usable number; quote it to keep it as text", s)
	}
	return strconv.FormatFloat(f, 'f', -1, 64), nil
}

// errAt builds a ConfigError at n's line.
func (p *parser) errAt(key string, n *yaml.Node, format string, args ...any) *ConfigError {
	line := 0
	if n != nil {
		line = n.Line
	}
	return &ConfigError{File: p.file, Line: line, Key: key, Msg: fmt.Sprintf(format, args...)}
}

// kindName names a node's kind for messages.
func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("the value %q", n.Value)
	default:
		return "nothing"
	}
}

func joinKey(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

// readOperations reads a list of operations named as "METHOD /path" or by
// operationId: the `public` and `actions` keys.
func (p *parser) readOperations(name string, n *yaml.Node) ([]string, error) {
	var out []string
	for i, item := range listItems(n) {
		key := fmt.Sprintf("%s[%d]", name, i)
		s, ok, err := p.text(key, item, "")
		if err != nil {
			return nil, err
		}
		if s = strings.TrimSpace(s); !ok || s == "" {
			return nil, p.errAt(key, deref(item), "empty; name an operation as \"GET /users/{id}\" or by its operationId")
		}
		if m, path, spaced := strings.Cut(s, " "); spaced {
			s = strings.ToUpper(m) + " " + strings.TrimSpace(path)
		}
		out = append(out, s)
	}
	return out, nil
}

// parseCreate reads the `create` key: `create: false` turns creation off.
func parseCreate(s string, off *bool) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return fmt.Errorf("%q is not true or false; write `create: false` to turn creating objects off", s)
	}
	*off = !v
	return nil
}

// parseHarvest reads the config's `harvest:` key: true (the default) or
// false.
func ParseHarvest(s string, off *bool) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return fmt.Errorf("%q is not true or false; write `harvest: false` to turn harvesting off", s)
	}
	*off = !v
	return nil
}
