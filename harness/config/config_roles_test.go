package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseConfig_RolesPolicyAndSamePerson(t *testing.T) {
	c, err := ParseConfig(cfgFile, []byte(`spec: api.yaml
users:
  - {name: root, token: r, role: admin, identity: {id: 9}}
  - {name: alice, token: a, identity: {id: 1}, owns: {note_id: [n1]}}
  - {name: reader, token: ro, readOnly: true, identity: {id: 1}, owns: {note_id: [n2]}}
policy:
  - operations: ["get /admin/users", "/admin/**", "tag:admin", deleteUser]
    roles: [admin]
`), nil)
	require.NoError(t, err)
	assert.Equal(t, "admin", c.Users[0].Role)
	assert.Equal(t, DefaultRole, c.Users[1].Role, "the default role")
	assert.True(t, c.Users[2].ReadOnly)
	assert.False(t, c.Users[1].ReadOnly)
	require.Len(t, c.Policy, 1)
	assert.Equal(t, []string{"GET /admin/users", "/admin/**", "tag:admin", "deleteUser"}, c.Policy[0].Operations)
	assert.Equal(t, []string{"admin"}, c.Policy[0].Roles)
	assert.Equal(t, 7, c.Policy[0].Line)
	assert.True(t, SamePerson(&c.Users[1], &c.Users[2]), "same identity: one person")
	assert.False(t, SamePerson(&c.Users[0], &c.Users[1]))
	assert.False(t, SamePerson(&c.Users[1], &c.Users[1]), "a user is not a second credential of itself")
	assert.ElementsMatch(t, []string{"n1", "n2"}, c.Users[1].Owns["note_id"], "one person's credentials share their objects")
	assert.ElementsMatch(t, []string{"n1", "n2"}, c.Users[2].Owns["note_id"])
	assert.Equal(t, []string{"admin", "user"}, c.Roles())
}

func TestParseConfig_NoIdentityIsNotSamePerson(t *testing.T) {
	a, b := &User{Name: "a"}, &User{Name: "b"}
	assert.False(t, SamePerson(a, b), "two users without identity are not known to be one person")
}

func TestParseConfig_PolicyErrors(t *testing.T) {
	head := "spec: api.yaml\nusers:\n  - {name: root, token: r, role: admin}\n  - {name: bob, token: b}\n"
	for _, tc := range []struct{ name, yaml, want string }{
		{"unknown role", "policy:\n  - operations: [\"/admin/**\"]\n    roles: [admni]\n", `x.yaml:7: policy[0].roles[0]: unknown role "admni": no user carries it (roles: admin, user)`},
		{"no roles", "policy:\n  - operations: [\"/admin/**\"]\n", "x.yaml:6: policy[0]: no roles"},
		{"no operations", "policy:\n  - roles: [admin]\n", "x.yaml:6: policy[0]: no operations"},
		{"bad method", "policy:\n  - operations: [\"FETCH /a\"]\n    roles: [admin]\n", `x.yaml:6: policy[0].operations[0]: "FETCH /a" does not start with an HTTP method`},
		{"empty tag", "policy:\n  - operations: [\"tag:\"]\n    roles: [admin]\n", `policy[0].operations[0]: "tag:" names no tag`},
		{"unknown key", "policy:\n  - operations: [\"/a\"]\n    role: [admin]\n", `policy[0]: unknown key "role"`},
		{"not a list", "policy: {operations: [\"/a\"]}\n", "x.yaml:5: policy: expected a list of rules"},
		{"two roles in one string", "policy:\n  - operations: [\"/a\"]\n    roles: [\"admin, user\"]\n", `policy[0].roles[0]: "admin, user" is not a role name`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseConfig(cfgFile, []byte(head+tc.yaml), nil)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	_, err := ParseConfig(cfgFile, []byte("spec: api.yaml\nusers:\n  - {name: root, token: r, role: \"a b\"}\n  - {name: bob, token: b}\n"), nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `x.yaml:3: users[0].role: "a b" is not a role name`)
	_, err = ParseConfig(cfgFile, []byte("spec: api.yaml\nusers:\n  - {name: root, token: r, readOnly: maybe}\n  - {name: bob, token: b}\n"), nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `users[0].readOnly: "maybe" is not true or false`)
}
