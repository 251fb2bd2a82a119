package plan

import (
	"testing"

	"github.com/bolaharness/bolaharness/harness/spec"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
)

func harvestOp(path, id, summary string) spec.Operation {
	return spec.Operation{Method: "GET", Path: path, ID: id, Raw: &openapi3.Operation{OperationID: id, Summary: summary}}
}

// TestActionReason pins which GETs read like actions: the traps of the
// harvest fixture and their real-world cousins are refused, listings whose
// nouns are built on verbs are not.
func TestActionReason(t *testing.T) {
	tests := []struct {
		name string
		op   spec.Operation
		word string // the action the reason must name; "" = not an action
	}{
		{"compound createdb", harvestOp("/admin/createdb", "", ""), "createdb"},
		{"logout", harvestOp("/logout", "", ""), "logout"},
		{"reset under a collection", harvestOp("/sessions/reset", "", ""), "reset"},
		{"noun-verb segment run ends the path", harvestOp("/export/run", "", ""), "run"},
		{"purge", harvestOp("/cache/purge", "", ""), "purge"},
		{"sync under cards", harvestOp("/cards/sync", "", ""), "sync"},
		{"two words join: log-out", harvestOp("/users/me/log-out", "", ""), "log out"},
		{"camel compound purgeCache", harvestOp("/v1/purgeCache", "", ""), "purge"},
		{"kubernetes exec", harvestOp("/api/v1/namespaces/{namespace}/pods/{name}/exec", "", ""), "exec"},
		{"kubernetes watch", harvestOp("/api/v1/watch/pods", "", ""), "watch"},
		{"operationId opens with run", harvestOp("/jobs/nightly", "runNightlyJob", ""), "run"},
		{"operationId holds create", harvestOp("/admin/db", "adminCreateDatabase", ""), "create"},
		{"summary opens with send", harvestOp("/reports/monthly", "monthlyReports", "Send the monthly report"), "send"},
		{"summary in the third person", harvestOp("/caches", "caches", "Resets every cache"), "reset"},
		{"a verb opens the last segment", harvestOp("/invoices/{id}/sendInvoice", "", ""), "send"},
		{"a destructive word inside a segment", harvestOp("/v1/cache_purge", "", ""), "purge"},
		{"a destructive verb mid-path", harvestOp("/sessions/reset/{id}", "", ""), "reset"},
		{"connect at the end, no read operationId", harvestOp("/accounts/{id}/connect", "", ""), "connect"},
		{"destructive operationId though it says get", harvestOp("/things/{id}", "getAndDeleteThing", ""), "delete"},
		{"summary names logout", harvestOp("/session", "session", "Ends the session (logout)"), "logout"},

		{"plain listing", harvestOp("/v1/customers", "GetCustomers", "List all customers"), ""},
		{"runs is a noun", harvestOp("/threads/{thread_id}/runs", "listRuns", "Returns a list of runs"), ""},
		{"exports by id", harvestOp("/exports/{export_id}", "getExport", "Retrieve an export"), ""},
		{"cancellations", harvestOp("/cancellations", "listCancellations", ""), ""},
		{"settings", harvestOp("/settings", "getSettings", ""), ""},
		{"apple_pay is not pay", harvestOp("/v1/apple_pay/domains", "GetApplePayDomains", ""), ""},
		{"signing is not signin", harvestOp("/apis/certificates/v1/certificatesigningrequests", "listCertificatesV1CertificateSigningRequest", ""), ""},
		{"an invite is a noun", harvestOp("/organization/invites/{invite_id}", "retrieve-invite", "Retrieves an invite."), ""},
		{"shared items", harvestOp("/shared_items", "get_shared_items", "Find file for shared link"), ""},
		{"deployments", harvestOp("/apis/apps/v1/deployments", "listDeployments", ""), ""},
		{"send inside a noun", harvestOp("/v2.1/accounts/{accountId}/email_send_logs", "", ""), ""},
		{"connect names a feature mid-path", harvestOp("/v2.1/accounts/{accountId}/connect/{connectId}/logs", "", ""), ""},
		{"connect at the end with a read operationId", harvestOp("/v2.1/accounts/{accountId}/connect", "ConnectConfigurations_GetConnectConfigs", ""), ""},
		{"Resource_Verb operationId", harvestOp("/v2.1/accounts/{accountId}/envelopes", "Envelopes_GetEnvelopes", ""), ""},
		{"a copy-pasted summary on an item GET", harvestOp("/v2.1/accounts/{accountId}/brands/{brandId}", "", "Removes a brand."), ""},
		{"a copy-pasted summary beside a read operationId", harvestOp("/reports/monthly", "getMonthlyReport", "Send the monthly report"), ""},
		{"a me endpoint", harvestOp("/users/me", "get_users_me", "Get current user"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			why := ActionReason(tt.op)
			if tt.word == "" {
				assert.Empty(t, why)
				return
			}
			assert.Contains(t, why, `"`+tt.word+`"`)
		})
	}
}

func TestCompoundVerb(t *testing.T) {
	tests := map[string]string{
		"createdb": "create", "purgecache": "purge", "resetall": "reset",
		"runs": "", "cancellations": "", "created": "", "deployments": "", "signing": "",
		"exports": "", "updates": "", "connections": "", "refreshes": "",
		// Two verbs start the word: the longer one, every time (the
		// verbs were once tried in map order, so either could come out).
		"synchronizeusers": "synchronize", "syncusers": "sync", "executeall": "execute",
	}
	for word, want := range tests {
		for i := 0; i < 20; i++ {
			assert.Equal(t, want, compoundVerb(word), word)
		}
	}
}

// TestActionMemo_SameVerdictOnce: the memo answers as ActionReason does,
// and reads each path and operationId once, however many operations share
// them (a GET and its HEAD twin).
func TestActionMemo_SameVerdictOnce(t *testing.T) {
	ops := []spec.Operation{
		{Method: "GET", Path: "/logout"},
		{Method: "HEAD", Path: "/logout"},
		{Method: "GET", Path: "/invoices/{id}/send"},
		{Method: "GET", Path: "/connect/{id}/logs", ID: "getConnectLogs"},
		{Method: "GET", Path: "/jobs", ID: "runNightlyJob"},
		{Method: "GET", Path: "/things/{id}", Raw: &openapi3.Operation{Summary: "Purge a thing"}},
		{Method: "GET", Path: "/widgets"},
	}
	memo := newActionMemo()
	for _, op := range ops {
		assert.Equal(t, ActionReason(op), memo.reason(op), op.Key())
		assert.Equal(t, ActionReason(op), memo.reason(op), op.Key()+", from the memo")
	}
	assert.Len(t, memo.m, len(ops)-1, "the HEAD twin shares its GET's verdict")
	assert.NotEmpty(t, memo.reason(ops[5]), "the summary is still read")
}

func TestUnfillableParam(t *testing.T) {
	str := &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeString}}
	known := func(name string) bool { return name == "account_id" }
	op := spec.Operation{Method: "GET", Path: "/accounts/{account_id}/statements"}
	tests := []struct {
		name string
		p    spec.Param
		want string // substring of the reason; "" = fillable
	}{
		{"path fed by a listing", spec.Param{Name: "account_id", In: "path", Required: true}, ""},
		{"path fed by nothing", spec.Param{Name: "team_id", In: "path", Required: true}, "deep at most"},
		{"optional query", spec.Param{Name: "q", In: "query", Schema: str}, ""},
		{"required query with example", spec.Param{Name: "status", In: "query", Required: true, Schema: str, Examples: []string{"open"}}, ""},
		{"required query without example", spec.Param{Name: "q", In: "query", Required: true, Schema: str}, "no example, default or enum"},
		{"required query naming an object", spec.Param{Name: "customer_id", In: "query", Required: true, Schema: str, Examples: []string{"cus_1"}}, "names an object"},
		{"required header", spec.Param{Name: "boxapi", In: "header", Required: true, Schema: str}, "cannot be sent"},
		{"the Authorization header", spec.Param{Name: "Authorization", In: "header", Required: true, Schema: str}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			why := unfillableParam(op, tt.p, known)
			if tt.want == "" {
				assert.Empty(t, why)
				return
			}
			assert.Contains(t, why, tt.want)
		})
	}
}
