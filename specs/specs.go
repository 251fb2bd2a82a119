// Package specs holds the OpenAPI documents that ship with bolaharness.
package specs

import _ "embed" // for the go:embed directive below

// Demo is specs/demo.yaml, the OpenAPI 3.0.3 description of the embedded demo
// API (fixtures/demo). It is embedded so the CLI can scan the demo with no
// files on disk; its server URL is a placeholder the harness overrides.
//
//go:embed demo.yaml
var Demo []byte
