package report

import (
	"fmt"
)

// References every report format links to: the weakness and the OWASP API
// Security Top 10 entry that a BOLA finding is an instance of.
const (
	// CWE639 is the weakness every finding is filed under.
	CWE639 = "CWE-639"
	// CWE639URL describes CWE-639 (Authorization Bypass Through
	// User-Controlled Key).
	CWE639URL = "https://cwe.mitre.org/data/definitions/639.html"
	// OWASPAPI1 names the OWASP API Security Top 10 (2023) entry.
	OWASPAPI1 = "OWASP API1:2023 Broken Object Level Authorization"
	// OWASPAPI1URL is that entry's page.
	OWASPAPI1URL = "https://owasp.org/API-Security/editions/2023/en/0xa1-broken-object-level-authorization/"
)

// FlawKind is one kind of BOLA flaw as the reports present it: the name a
// reader sees, the SARIF rule it is filed under and the fix for it.
type FlawKind struct {
	// Kind is the Finding.Kind value: swap, nested-scope, normalisation,
	// alternate-route, method-leak, list-confusion, enumeration,
	// parameter-pollution, added-parameter or write.
	Kind string
	// Title is the kind in words, for headings and rule descriptions.
	Title string
	// RuleID is the SARIF rule id ("bola/swap").
	RuleID string
	// RuleName is the SARIF rule name (PascalCase, as SARIF recommends).
	RuleName string
	// Summary says in one sentence what the flaw is.
	Summary string
	// Remediation says how to fix this kind of flaw.
	Remediation string
	// CWE, CWEURL, OWASP and OWASPURL file the kind: CWE-639 and OWASP
	// API1 for the object-level kinds (filled in by init), their own for
	// the authorization-matrix kinds.
	CWE, CWEURL, OWASP, OWASPURL string
	// Tags are the SARIF tags beyond "security" and the CWE's.
	Tags []string
	// Low marks a kind whose findings are low severity (existence-leak):
	// its SARIF rule defaults to a note with a low security-severity.
	Low bool
}

// References of the authorization-matrix kinds (report_kinds.go).
const (
	// CWE285URL describes CWE-285 (Improper Authorization).
	CWE285URL = "https://cwe.mitre.org/data/definitions/285.html"
	// CWE287URL describes CWE-287 (Improper Authentication).
	CWE287URL = "https://cwe.mitre.org/data/definitions/287.html"
	// CWE204URL describes CWE-204 (Observable Response Discrepancy).
	CWE204URL = "https://cwe.mitre.org/data/definitions/204.html"
	// OWASPAPI2 names OWASP API2:2023.
	OWASPAPI2 = "OWASP API2:2023 Broken Authentication"
	// OWASPAPI2URL is that entry's page.
	OWASPAPI2URL = "https://owasp.org/API-Security/editions/2023/en/0xa2-broken-authentication/"
	// OWASPAPI5 names OWASP API5:2023.
	OWASPAPI5 = "OWASP API5:2023 Broken Function Level Authorization"
	// OWASPAPI5URL is that entry's page.
	OWASPAPI5URL = "https://owasp.org/API-Security/editions/2023/en/0xa5-broken-function-level-authorization/"
)

// flawKinds are the kinds flawKind (reportcase.go) can name, in the order
// the reports list them: from the plainest flaw to the subtlest.
var kindTable = []FlawKind{
	{
		Kind: "swap", Title: "Plain object-id swap", RuleName: "PlainObjectIdSwap",
		Summary: "A user reads another user's object by putting that object's id in the request: the handler looks the object up by id and never compares its owner with the token's subject.",
		Remediation: "Scope every lookup by the caller: load the object with the token's subject in the query " +
			"(WHERE id = ? AND owner_id = :subject), or compare the owner with the subject before answering, and answer 404 when they differ. " +
			"Do it in one shared data-access function, so that no handler can forget it.",
	},
	{
		Kind: "nested-scope", Title: "Child id not scoped by its parent", RuleName: "NestedScopeBypass",
		Summary: "The parent id in the path is checked (the caller owns /accounts/{account_id}) but the child id under it is not: another user's child object is served under the caller's own parent.",
		Remediation: "Check every id in the path, not only the first: load the child through its parent and the caller " +
			"(WHERE id = :child AND parent_id = :parent AND parent.owner_id = :subject). " +
			"Owning the parent says nothing about an arbitrary child id placed under it.",
	},
	{
		Kind: "normalisation", Title: "Normalisation bypass", RuleName: "IdNormalisationBypass",
		Summary: "The ownership check compares the raw text of the id while the lookup normalises it (leading zeros, a plus sign, upper case, percent-encoding, Unicode folding of a username or title), so a variant of another user's id passes the check and reaches their object.",
		Remediation: "Authorise the value you look up: parse and canonicalise the id once (a typed integer or UUID, folded case, decoded once; " +
			"for text keys the same Unicode normalisation, NFKC, and whitespace trimming the store applies) " +
			"and use that same value for the check and the query, or do the check inside the query. Reject ids that are not in canonical form.",
	},
	{
		Kind: "alternate-route", Title: "Alternate route without the check", RuleName: "AlternateRouteBypass",
		Summary: "A second route reaches the same object without the check: a trailing slash, a .json suffix, a ;matrix parameter or a padded id is routed to the handler (or a copy of it) that skips authorization.",
		Remediation: "Enforce ownership where every route meets, in the data layer or a middleware keyed by the object, not in one handler. " +
			"Reject or redirect non-canonical paths (trailing slash, suffixes, ;params) before routing, and retire old route versions.",
	},
	{
		Kind: "method-leak", Title: "Another method without the check", RuleName: "MethodBypass",
		Summary: "Another method on the same resource (HEAD on a GET route) is answered by a handler that skips the check, and still describes the victim's object in its status or headers.",
		Remediation: "Authorise per object, not per method: run the same ownership check for every method that reaches the resource, " +
			"including the HEAD and OPTIONS answers a framework adds on its own (serve HEAD through the checked GET handler), and keep object data out of the headers of refused requests.",
	},
	{
		Kind: "list-confusion", Title: "List or array id confusion", RuleName: "IdListConfusion",
		Summary: "A list where one id is expected (1,2 or an array) passes a check on one element while the lookup serves another user's object.",
		Remediation: "Accept exactly one id where the API expects one: reject comma lists and arrays, or check ownership of every element " +
			"the query will use. Bind the parameter to a single typed value.",
	},
	{
		Kind: "enumeration", Title: "Enumerable ids", RuleName: "IdEnumeration",
		Summary: "Ids are sequential and unscoped: the neighbours of the caller's own ids reach other users' objects without knowing any of their ids.",
		Remediation: "Scope the lookup by the caller as for a plain swap, and stop exposing guessable ids: use opaque per-user references " +
			"or random identifiers (UUIDv4) in the API. Rate-limit and alert on clients that walk ids.",
	},
	{
		Kind: "parameter-pollution", Title: "Duplicated parameter", RuleName: "ParameterPollution",
		Summary: "The same query parameter sent twice (?id=mine&id=theirs) passes a check that reads one value while the lookup uses the other.",
		Remediation: "Read each parameter once, in one place, and use that value for both the check and the lookup; " +
			"reject requests that repeat a parameter that takes one value.",
	},
	{
		Kind: "added-parameter", Title: "Undocumented owner parameter honoured", RuleName: "AddedOwnerParameter",
		Summary: "A collection scoped by the caller still honours an owner filter the spec does not list (?user_id=), and returns another user's objects.",
		Remediation: "Take the owner from the token, never from the request: drop owner filters such as user_id from public handlers " +
			"(or restrict them to administrators and check that role), and reject parameters the operation does not document.",
	},
	{
		Kind: "write", Title: "Unauthorised write", RuleName: "UnauthorisedWrite",
		Summary: "A user changes or deletes another user's object: the owner's read-back differs after the write, whatever the write answered (a 204, or the body a refusal gives).",
		Remediation: "Check ownership before every state change, in the same scoped lookup reads use (UPDATE ... WHERE id = ? AND owner_id = :subject, " +
			"and fail when no row matched), and answer 404 when the caller does not own the object instead of a silent success.",
	},
	{
		Kind: "ignored-auth", Title: "Authentication not enforced", RuleName: "IgnoredAuthentication",
		Summary: "An owner's object is served to a request with no credential, with a token whose signature was altered, or with a JWT re-encoded with alg \"none\": the endpoint does not verify who is calling.",
		Remediation: "Authenticate every request before any handler runs: reject requests without a credential (401), verify the JWT's signature " +
			"with a fixed list of accepted algorithms (never \"none\", never the algorithm the token names), and check expiry and audience. " +
			"Mark in the spec (security: []) only the operations that are public by design.",
		CWE: "CWE-287", CWEURL: CWE287URL, OWASP: OWASPAPI2, OWASPURL: OWASPAPI2URL,
		Tags: []string{"owasp-api2-2023", "authentication"},
	},
	{
		Kind: "function-level", Title: "Function reached by a role outside the policy", RuleName: "FunctionLevelAuthorization",
		Summary: "A user whose role the policy does not allow calls an operation and gets what an allowed role gets (or, for a write, changes what the owner reads back).",
		Remediation: "Check the caller's role or permission in the operation itself (or in one route-level guard every route of that function passes), " +
			"deny by default, and keep administrative functions on routes whose guard cannot be skipped by another method or path.",
		CWE: "CWE-285", CWEURL: CWE285URL, OWASP: OWASPAPI5, OWASPURL: OWASPAPI5URL,
		Tags: []string{"owasp-api5-2023", "authorization", "function-level"},
	},
	{
		Kind: "scope-bypass", Title: "Read-only credential could write", RuleName: "ScopeBypass",
		Summary: "A credential marked read-only changed an object, as the owner's read-back shows: the token's scope is not checked on the method.",
		Remediation: "Check the token's scopes on every state-changing method (not only on the path), map each operation to the scope it needs " +
			"in one place, and reject a request whose token lacks it with 403.",
		CWE: "CWE-285", CWEURL: CWE285URL, OWASP: OWASPAPI5, OWASPURL: OWASPAPI5URL,
		Tags: []string{"owasp-api5-2023", "authorization", "scope"},
	},
	{
		Kind: "existence-leak", Title: "Another user's object answers unlike a missing one", RuleName: "ExistenceLeak",
		Summary: "Asked for another user's object, the API answers differently from an id that does not exist (for example 403 against 404, or another body shape), so a caller learns which ids exist.",
		Remediation: "Answer a request for an object the caller may not see exactly as for one that does not exist (the same status, body and headers), " +
			"by looking the object up scoped to the caller and treating \"not yours\" as \"not found\".",
		CWE: "CWE-204", CWEURL: CWE204URL, OWASP: OWASPAPI1, OWASPURL: OWASPAPI1URL,
		Tags: []string{"owasp-api1-2023", "information-exposure", "existence"}, Low: true,
	},
}

func init() {
	for i := range kindTable {
		k := &kindTable[i]
		k.RuleID = "bola/" + k.Kind
		if k.CWE == "" {
			k.CWE, k.CWEURL, k.OWASP, k.OWASPURL = CWE639, CWE639URL, OWASPAPI1, OWASPAPI1URL
			k.Tags = []string{"owasp-api1-2023", "bola", "idor"}
		}
	}
}

// CWEOf is the CWE a finding of kind is filed under.
func CWEOf(kind string) string { return KindOf(kind).CWE }

// FlawKinds returns every kind of flaw the harness names, in report order.
func FlawKinds() []FlawKind { return append([]FlawKind(nil), kindTable...) }

// KindOf describes kind; a kind this version does not know (a report from
// a newer harness) is filed under the plain swap's advice with its own id.
func KindOf(kind string) FlawKind {
	for _, k := range kindTable {
		if k.Kind == kind {
			return k
		}
	}
	k := kindTable[0]
	if kind != "" {
		k.Kind, k.RuleID, k.Title = kind, "bola/"+kind, fmt.Sprintf("BOLA (%s)", kind)
	}
	return k
}

// Remediation is the fix for a kind of flaw, as a finding carries it.
func Remediation(kind string) string { return KindOf(kind).Remediation }

// remediationOf is the finding's remediation, filled from its kind for
// reports written before findings carried one.
func remediationOf(f Finding) string {
	if f.Remediation != "" {
		return f.Remediation
	}
	return Remediation(f.Kind)
}
