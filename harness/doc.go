// Package harness finds Broken Object Level Authorization (BOLA, IDOR:
// OWASP API1:2023, CWE-639) in an HTTP API from its OpenAPI document and
// several users' Bearer tokens.
//
// Data flows one way: spec → operations → id parameters → cases → requests
// → verdicts → report.
//
//   - [LoadSpec] reads OpenAPI 3.0, 3.1 and Swagger 2.0 with kin-openapi;
//     [DetectIDParams] and [DetectIDParamsIn] decide which parameters are
//     object ids and say why; [BuildPlan] and [ConfigPlan] list what a scan
//     attacks and what it leaves out; [PlanHarvest] what it reads first to
//     find each user's ids.
//   - [GenerateCases] draws a seeded, de-duplicated list of [Case] values for
//     one parameter and user pair with gopter ([CaseGen] is the generator,
//     [Shrink] and [CaseShrinker] simplify a leaking case).
//   - [Client] is the one HTTP client: methods allow-list, rate, budget,
//     timeouts, bounded bodies, same-origin redirects, tokens never printed
//     ([Secret], [Redact]).
//   - [Oracle] judges one [Trial]; [MarkerOracle] is the default, deciding by
//     the victim's own request for the object (the control), identity values
//     in owner-like fields, strong values anywhere and the content that
//     distinguishes the victim's object from the attacker's. [JudgeWrite]
//     judges writes by reading the object back.
//   - [Prepare] assembles a [Scan] from a [Config] and [Options]; [Scan.Run]
//     reports every case into a [TB] and returns the [Report], which writes
//     JSON, SARIF, Markdown and HTML.
//
// The engine never imports testing. [RunFile] and [RunConfig] are the one
// assembly path that both the go test entry (TestBOLA, through a three-line
// adapter of *testing.T to [TB]) and the bolaharness command ([Console]) use;
// [RunHandler] runs the same scan against an http.Handler in process.
package harness
