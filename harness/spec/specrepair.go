package spec

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Real specs sometimes hold values of the wrong type for OpenAPI that every
// other tool shrugs off: `openapi: 3.0` written as a number, or a list where
// a schema belongs (`properties: {oneOf: [...]}` in pb33f's circular-tests).
// kin-openapi refuses the whole document for them. repairDocument fixes or
// drops exactly the values kin-openapi names, with a warning for each, so the
// rest of the document can still be planned and attacked.

// constructProblem is one value kin-openapi could not decode.
type constructProblem struct {
	line    int
	message string
	pointer string // JSON pointer to the value, when the message gives one
}

var (
	constructItemRe  = regexp.MustCompile(`^(\d+): (.*)$`)
	stringFieldRe    = regexp.MustCompile(`cannot unmarshal (\S+) into string field "([^"]+)"`)
	operationMethods = []string{"get", "head", "post", "put", "patch", "delete", "options", "trace", "query"}
)

// constructProblems reads the problems out of a "construct errors" message:
// "... construct errors: line 25: cannot construct !!seq into openapi3.Schema
// in /components/schemas/Two/properties/oneOf; line 27: ...".
func constructProblems(msg string) []constructProblem {
	_, rest, ok := strings.Cut(msg, "construct errors: ")
	if !ok {
		return nil
	}
	var out []constructProblem
	for _, piece := range strings.Split(rest, "; line ") {
		m := constructItemRe.FindStringSubmatch(strings.TrimPrefix(piece, "line "))
		if m == nil {
			return nil // not a shape we understand: do not guess
		}
		line, err := strconv.Atoi(m[1])
		if err != nil {
			return nil
		}
		p := constructProblem{line: line, message: m[2]}
		if i := strings.LastIndex(m[2], " in /"); i >= 0 {
			p.message, p.pointer = m[2][:i], m[2][i+len(" in "):]
		}
		out = append(out, p)
	}
	return out
}

// maxRepairRounds bounds the load-repair-load loop: kin-openapi reports some
// problems only once earlier ones are gone (a bad schema hides a bad
// `openapi` value), but a document needing more rounds is not worth saving.
const maxRepairRounds = 3

// docRepair fixes a document across rounds. Every fix is applied to the tree
// of the original text, so notes and operation lines name the user's lines;
// each round's problems are located in the text kin-openapi just read.
type docRepair struct {
	file  string
	root  yaml.Node // the original text's tree, fixed in place
	notes []string
}

func newDocRepair(file string, data []byte) (*docRepair, error) {
	r := &docRepair{file: file}
	if err := yaml.Unmarshal(data, &r.root); err != nil {
		return nil, err
	}
	if r.root.Kind != yaml.DocumentNode || len(r.root.Content) != 1 {
		return nil, errors.New("not a single YAML document")
	}
	return r, nil
}

// apply fixes the problems loadErr names in current (the text kin-openapi
// read) and returns the repaired text.
func (r *docRepair) apply(current []byte, loadErr error) ([]byte, error) {
	problems := constructProblems(loadErr.Error())
	if len(problems) == 0 {
		return nil, errors.New("no repairable problem found")
	}
	var cur yaml.Node
	if err := yaml.Unmarshal(current, &cur); err != nil || len(cur.Content) != 1 {
		return nil, fmt.Errorf("cannot re-read the document: %v", err)
	}
	for _, p := range problems {
		if err := r.fix(cur.Content[0], p); err != nil {
			return nil, err
		}
	}
	return yaml.Marshal(&r.root)
}

func (r *docRepair) fix(cur *yaml.Node, p constructProblem) error {
	if m := stringFieldRe.FindStringSubmatch(p.message); m != nil {
		return r.retag(cur, p, m[1], m[2])
	}
	if p.pointer == "" {
		return fmt.Errorf("cannot repair %q", p.message)
	}
	line, err := deletePointer(r.root.Content[0], p.pointer)
	if err != nil {
		return err
	}
	r.notes = append(r.notes, fmt.Sprintf("%s:%d: %s: %s; the value was left out so the rest of the document loads", r.file, line, p.pointer, p.message))
	return nil
}

// retag reads a scalar where a string belongs (`version: 1`, `openapi: 3.0`)
// as the string it is written as. The message names the field and, when it
// has one, the pointer to the object holding it; else the line finds it.
func (r *docRepair) retag(cur *yaml.Node, p constructProblem, tag, field string) error {
	var tokens []string
	if p.pointer != "" {
		tokens = append(PointerTokens(p.pointer), field)
	} else if tokens = findScalarField(cur, field, p.line); tokens == nil {
		return fmt.Errorf("field %q not found on line %d", field, p.line)
	}
	v := r.root.Content[0]
	for _, t := range tokens {
		if v = childNode(v, t); v == nil {
			return fmt.Errorf("field %q not found in the original document", field)
		}
	}
	if v.Kind != yaml.ScalarNode {
		return fmt.Errorf("field %q is not a scalar", field)
	}
	v.Tag = "!!str"
	r.notes = append(r.notes, fmt.Sprintf("%s:%d: %s %s %s read as the string %q", r.file, v.Line, pointerOf(tokens), tag, v.Value, v.Value))
	return nil
}

func PointerTokens(pointer string) []string {
	tokens := strings.Split(strings.TrimPrefix(pointer, "/"), "/")
	for i, t := range tokens {
		tokens[i] = strings.NewReplacer("~1", "/", "~0", "~").Replace(t)
	}
	return tokens
}

func pointerOf(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteString("/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(t))
	}
	return b.String()
}

// deletePointer removes the value at a JSON pointer from its parent and
// returns the line it was on.
func deletePointer(top *yaml.Node, pointer string) (int, error) {
	tokens := PointerTokens(pointer)
	parent := top
	for _, t := range tokens[:len(tokens)-1] {
		parent = childNode(parent, t)
		if parent == nil {
			return 0, fmt.Errorf("%s: no such value", pointer)
		}
	}
	last := tokens[len(tokens)-1]
	switch parent.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(parent.Content); i += 2 {
			if parent.Content[i].Value == last {
				line := parent.Content[i+1].Line
				parent.Content = append(parent.Content[:i], parent.Content[i+2:]...)
				return line, nil
			}
		}
	case yaml.SequenceNode:
		if i, err := strconv.Atoi(last); err == nil && i >= 0 && i < len(parent.Content) {
			line := parent.Content[i].Line
			parent.Content = append(parent.Content[:i], parent.Content[i+1:]...)
			return line, nil
		}
	}
	return 0, fmt.Errorf("%s: no such value", pointer)
}

func childNode(n *yaml.Node, token string) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == token {
				return n.Content[i+1]
			}
		}
	case yaml.SequenceNode:
		if i, err := strconv.Atoi(token); err == nil && i >= 0 && i < len(n.Content) {
			return n.Content[i]
		}
	}
	return nil
}

// findScalarField finds the scalar value of a mapping key named field that
// sits on the given line, anywhere in the tree, and returns the path of keys
// (or sequence indexes) that leads to it.
func findScalarField(n *yaml.Node, field string, line int) []string {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Value == field && v.Kind == yaml.ScalarNode && v.Line == line {
				return []string{k.Value}
			}
			if sub := findScalarField(v, field, line); sub != nil {
				return append([]string{k.Value}, sub...)
			}
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			if sub := findScalarField(c, field, line); sub != nil {
				return append([]string{strconv.Itoa(i)}, sub...)
			}
		}
	}
	return nil
}

// operationLines maps "METHOD path" to the line of the method's key.
func operationLines(top *yaml.Node) map[string]int {
	lines := map[string]int{}
	paths := childNode(top, "paths")
	if paths == nil || paths.Kind != yaml.MappingNode {
		return lines
	}
	for i := 0; i+1 < len(paths.Content); i += 2 {
		path, item := paths.Content[i].Value, paths.Content[i+1]
		if item.Kind != yaml.MappingNode {
			continue
		}
		for j := 0; j+1 < len(item.Content); j += 2 {
			key := item.Content[j]
			for _, m := range operationMethods {
				if key.Value == m {
					lines[strings.ToUpper(m)+" "+path] = key.Line
				}
			}
		}
	}
	return lines
}
