package config

import (
	"bytes"
	"errors"
	"io"

	"go.yaml.in/yaml/v3"
)

// maxBisectLines bounds the line search of badYAMLLine: a config is tens
// of lines; past this the parser's own line is kept.
const maxBisectLines = 5000

// badYAMLLine finds the line a YAML syntax error is on: the first line
// whose prefix of the document no longer parses. go-yaml reports the line
// where the enclosing block starts (and, for parser errors, one line too
// early), which sends a reader to the wrong place: a list item indented
// one space too far on line 5 is reported at line 2. 0 when the search
// finds nothing (the whole document parses, or it is too long).
func badYAMLLine(data []byte) int {
	lines := bytes.SplitAfter(data, []byte("\n"))
	if len(lines) > maxBisectLines {
		return 0
	}
	var prefix []byte
	for i, l := range lines {
		prefix = append(prefix, l...)
		if !parses(prefix) {
			return i + 1
		}
	}
	return 0
}

// parses reports whether every document of data is valid YAML.
func parses(data []byte) bool {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return true
		}
		if err != nil {
			return false
		}
	}
}
