package engine

import (
	"testing"

	"github.com/bolaharness/bolaharness/harness/client"
	"github.com/bolaharness/bolaharness/harness/mutate"
	"github.com/bolaharness/bolaharness/harness/spec"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func strSchema() *openapi3.Schema { return &openapi3.Schema{Type: &openapi3.Types{"string"}} }

func TestMarkerField(t *testing.T) {
	enum := strSchema()
	enum.Enum = []any{"a", "b"}
	email := strSchema()
	email.Format = "email"
	tests := []struct {
		name  string
		obj   map[string]any
		props map[string]*openapi3.Schema
		want  string
	}{
		{"a title first", map[string]any{"title": "x", "notes": "y", "code": "z"}, nil, "title"},
		{"camelCase display name", map[string]any{"displayName": "x", "zzz": "y"}, nil, "displayName"},
		{"never ids, owners, secrets or enums", map[string]any{"user_id": "1", "owner": "bob", "password": "p", "status": "s", "kind": "k"}, nil, ""},
		{"never a formatted or enum field", map[string]any{"mail": "a@b", "state": "a"}, map[string]*openapi3.Schema{"mail": email, "state": enum}, ""},
		{"a schema field the object lacks", map[string]any{"n": 1}, map[string]*openapi3.Schema{"comment": strSchema()}, "comment"},
		{"numbers are not text", map[string]any{"count": 1}, nil, ""},
		{"any other text field, by name", map[string]any{"zeta": "a", "alpha": "b"}, nil, "alpha"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, mutate.MarkerField(tt.obj, tt.props, nil), tt.name)
	}
	ids := []spec.IDParam{{Param: spec.Param{Name: "/title", In: spec.InBody}}}
	assert.Equal(t, "", mutate.MarkerField(map[string]any{"title": "x"}, nil, ids), "the attacked body field is never the marker")
}

func TestUnwrapObjectAndWritable(t *testing.T) {
	props := map[string]*openapi3.Schema{"title": strSchema(), "id": {ReadOnly: true}}
	doc, err := mutate.ReadJSONDoc([]byte(`{"data": {"id": "D-1", "title": "t", "owner": "bob"}}`))
	require.NoError(t, err)
	obj, ok := mutate.UnwrapObject(doc, props)
	require.True(t, ok, "the object under an envelope")
	assert.Equal(t, map[string]any{"title": "t"}, mutate.Writable(obj, props), "only the fields the write takes, read-only ones left out")
	_, ok = mutate.UnwrapObject([]any{}, props)
	assert.False(t, ok)
}

func TestRestoreBody(t *testing.T) {
	s := loadPlaces(t)
	put := findOp(t, s, "PUT /docs/{docId}")
	before := client.Exchange{Status: 200, Body: []byte(`{"id":"D-2","title":"plan","body":"b","status":"draft"}`)}
	after := client.Exchange{Status: 200, Body: []byte(`{"id":"D-2","title":"bolaharness-1-1","body":"b","status":"draft"}`)}
	doc, why := restoreBody(put, before, after)
	require.Empty(t, why)
	assert.Equal(t, map[string]any{"title": "plan", "body": "b", "status": "draft"}, doc, "a PUT writes every writable field back")

	patch := put
	patch.Method = "PATCH"
	doc, why = restoreBody(patch, before, after)
	require.Empty(t, why)
	assert.Equal(t, map[string]any{"title": "plan"}, doc, "a PATCH writes back what changed")

	_, why = restoreBody(put, client.Exchange{Status: 200, Body: []byte("<html>")}, after)
	assert.Contains(t, why, "not JSON")
}
