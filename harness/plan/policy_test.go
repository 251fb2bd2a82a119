package plan

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bolaharness/bolaharness/harness/config"
	"github.com/bolaharness/bolaharness/harness/secret"
	"github.com/bolaharness/bolaharness/harness/spec"
)

// policySpec has an admin listing, a tagged report, an operationId-marked
// read, an admin write, an admin action, a public admin page and a plain read.
const policySpec = `openapi: 3.0.3
info: {title: t, version: "1"}
security: [{bearer: []}]
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
paths:
  /admin/users:
    get: {operationId: listUsers, responses: {"200": {description: ok}}}
    delete: {operationId: purgeUsers, responses: {"204": {description: ok}}}
  /admin/cache/flush:
    get: {operationId: flushCache, responses: {"200": {description: ok}}}
  /admin/motd:
    get: {operationId: getMotd, security: [], responses: {"200": {description: ok}}}
  /reports/revenue:
    get: {operationId: revenue, tags: [Administration], responses: {"200": {description: ok}}}
  /stats:
    get: {operationId: adminStats, responses: {"200": {description: ok}}}
  /notes/{note_id}:
    get:
      operationId: getNote
      parameters: [{name: note_id, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok}}
`

func policyFixture(t *testing.T, rules []config.PolicyRule, roles ...string) (*spec.Spec, *config.Config) {
	t.Helper()
	sp, err := spec.LoadSpecData("policy.yaml", []byte(policySpec))
	require.NoError(t, err)
	cfg := &config.Config{Methods: []string{"GET", "HEAD"}, Policy: rules}
	for i, name := range []string{"root", "alice", "bob"} {
		cfg.Users = append(cfg.Users, config.User{Name: name, Token: secret.NewSecret("t-" + name), Role: roles[i]})
	}
	return sp, cfg
}

func checkOps(pp *PolicyPlan) []string {
	var out []string
	for _, c := range pp.Checks {
		out = append(out, c.Operation)
	}
	return out
}

func skipWhy(pp *PolicyPlan, op string) string {
	for _, s := range pp.Skipped {
		if s.Operation == op {
			return s.Why
		}
	}
	return ""
}

func TestPlanPolicy_FromConfig(t *testing.T) {
	sp, cfg := policyFixture(t, []config.PolicyRule{
		{Operations: []string{"GET /admin/users", "revenue"}, Roles: []string{"admin"}, Line: 4},
		{Operations: []string{"tag:administration", "/stats"}, Roles: []string{"auditor"}, Line: 6},
	}, "admin", "user", "auditor")
	pp := PlanPolicy(sp, cfg, Plan{})
	require.NotNil(t, pp)
	assert.Equal(t, PolicyFromConfig, pp.Source)
	assert.Equal(t, []string{"GET /admin/users", "GET /reports/revenue", "GET /stats"}, checkOps(pp))
	rev := pp.Checks[1]
	assert.Equal(t, []string{"admin", "auditor"}, rev.Roles, "every rule naming it adds its roles")
	assert.Equal(t, []string{"root", "bob"}, rev.Allowed)
	assert.Equal(t, []string{"alice"}, rev.Denied)
	assert.Equal(t, `policy[0] "revenue" (line 4)`, rev.Because)
	assert.Equal(t, []string{"bob"}, pp.Checks[2].Allowed)
	assert.Equal(t, []string{"root", "alice"}, pp.Checks[2].Denied)
	assert.NotContains(t, checkOps(pp), "GET /notes/{note_id}", "an operation no rule names is open to every role")
}

func TestPlanPolicy_SkipReasons(t *testing.T) {
	sp, cfg := policyFixture(t, []config.PolicyRule{{Operations: []string{"/admin/**"}, Roles: []string{"admin"}}}, "admin", "user", "user")
	cfg.Methods = []string{"GET", "HEAD", "DELETE"}
	pp := PlanPolicy(sp, cfg, Plan{})
	assert.Equal(t, []string{"GET /admin/users"}, checkOps(pp))
	assert.Contains(t, skipWhy(pp, "DELETE /admin/users"), "a write the object-level plan does not attack")
	assert.Contains(t, skipWhy(pp, "GET /admin/cache/flush"), "reads like an action")
	assert.Contains(t, skipWhy(pp, "GET /admin/motd"), "open to every role")

	cfg.Actions = []string{"flushCache"}
	assert.Contains(t, checkOps(PlanPolicy(sp, cfg, Plan{})), "GET /admin/cache/flush", "actions opts a GET that acts back in")

	cfg.Exclude = []string{"listUsers"}
	assert.Contains(t, skipWhy(PlanPolicy(sp, cfg, Plan{}), "GET /admin/users"), "excluded by exclude")

	sp, cfg = policyFixture(t, []config.PolicyRule{{Operations: []string{"/admin/users"}, Roles: []string{"admin"}}}, "admin", "admin", "admin")
	assert.Contains(t, skipWhy(PlanPolicy(sp, cfg, Plan{}), "GET /admin/users"), "every user carries an allowed role")
}

func TestPlanPolicy_Proposal(t *testing.T) {
	sp, cfg := policyFixture(t, nil, "admin", "user", "user")
	pp := PlanPolicy(sp, cfg, Plan{})
	require.NotNil(t, pp)
	assert.Equal(t, PolicyProposed, pp.Source)
	assert.Equal(t, []string{"GET /admin/users", "GET /reports/revenue", "GET /stats"}, checkOps(pp),
		"an admin path, an admin tag and an admin operationId; not the plain note read")
	assert.Contains(t, pp.Checks[0].Because, `proposed: path segment "admin"`)
	assert.Contains(t, pp.Checks[1].Because, `tag "Administration"`)
	assert.Contains(t, pp.Checks[2].Because, `operationId "adminStats"`)
	assert.Equal(t, []string{"admin"}, pp.Checks[0].Roles, "the roles the users carry besides the default")
	assert.Contains(t, pp.Note, "no policy in the config")

	// No user carries a role: the proposal is shown, nothing is checked.
	sp, cfg = policyFixture(t, nil, "user", "user", "user")
	pp = PlanPolicy(sp, cfg, Plan{})
	require.NotNil(t, pp)
	assert.Empty(t, pp.Checks)
	assert.Contains(t, skipWhy(pp, "GET /admin/users"), "give that role's user `role: admin`")
}

func TestAdminReason(t *testing.T) {
	for _, c := range []struct {
		op   spec.Operation
		want string
	}{
		{spec.Operation{Method: "GET", Path: "/v1/admin/users"}, `path segment "admin"`},
		{spec.Operation{Method: "GET", Path: "/internal/metrics"}, `"internal"`},
		{spec.Operation{Method: "GET", Path: "/users/{adminId}"}, ""},
		{spec.Operation{Method: "GET", Path: "/administrators"}, `"administrators"`},
		{spec.Operation{Method: "GET", Path: "/badminton/courts"}, ""},
		{spec.Operation{Method: "GET", Path: "/me/settings", ID: "getMySettings"}, ""},
		{spec.Operation{Method: "GET", Path: "/x", ID: "superuserList"}, `operationId "superuserList"`},
	} {
		got := AdminReason(c.op)
		if c.want == "" {
			assert.Empty(t, got, c.op.Path)
		} else {
			assert.Contains(t, got, c.want, c.op.Path)
		}
	}
}

func TestPolicyInShard(t *testing.T) {
	sp, cfg := policyFixture(t, nil, "admin", "user", "user")
	pp := PlanPolicy(sp, cfg, Plan{})
	total := 0
	for i := 1; i <= 3; i++ {
		total += len(pp.inShard(Shard{Index: i, Count: 3}).Checks)
	}
	assert.Equal(t, len(pp.Checks), total, "every check runs in exactly one shard")
	assert.Nil(t, (*PolicyPlan)(nil).inShard(Shard{Index: 1, Count: 2}))
}
