// Package harness finds Broken Object Level Authorization (BOLA, IDOR:
// OWASP API1:2023, CWE-639) in an HTTP API from its OpenAPI document and
// several users' credentials. It is the facade: one import for the names a
// user of the library needs, over one package per stage.
//
// Data flows one way, and the compiler holds it to that: each stage imports
// only stages to its left.
//
//	secret   credential values and their redaction in every encoding
//	jsonbody parsed response bodies and their leaves (JSON paths)
//	words    the vocabulary: owner-like names, strong values, denial text
//	spec     kin-openapi load (3.0, 3.1, Swagger 2.0), operations, id detection
//	config   YAML and environment → a validated Config, errors with file:line
//	client   the one HTTP client: methods, rate, budget, redirects, logins
//	oracle   judges one exchange against the victim's control
//	plan     which operations and ids, in which order; harvest and write plans
//	mutate   gopter generators of id cases and their placements; pure
//	report   the one report model and its JSON, SARIF, Markdown, HTML writers
//	engine   runs a plan: harvest, attack, replay, into a TB
//
// The engine never imports testing: a run reports into a [TB].
// [RunFile] and [RunConfig] are the one assembly path that the go test entry
// (TestBOLA, through harnesstest.TB) and the bolaharness command (a
// [Console]) share; [RunHandler] runs the same scan against an http.Handler
// in process; [Draft] is what the plan command prints, and what a scan then
// attacks.
package harness
