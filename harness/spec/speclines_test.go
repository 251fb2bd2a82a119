package spec

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOperationLinesText_MatchesKinOrigins checks the text scan against
// kin-openapi's IncludeOrigin, which it replaces, on every OpenAPI 3 document
// at hand: the same line for every operation.
func TestOperationLinesText_MatchesKinOrigins(t *testing.T) {
	files := []string{"../testdata/specs/v30.yaml", "../testdata/specs/extref.yaml", "../testdata/specs/nosecurity.yaml",
		"../testdata/specs/v31.json", "../../specs/demo.yaml"}
	for _, name := range []string{"stripe.yaml", "openai.yaml", "box.json", "asana.yaml", "petstorev3.json"} {
		files = append(files, filepath.Join(corpusDir, name))
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if os.IsNotExist(err) {
				t.Skipf("%s not available", file)
			}
			require.NoError(t, err)
			loader := openapi3.NewLoader()
			loader.IncludeOrigin = true
			loader.IsExternalRefsAllowed = true
			doc, err := loader.LoadFromFile(file)
			require.NoError(t, err)
			want := map[string]int{}
			for path, item := range doc.Paths.Map() {
				for m, op := range item.Operations() {
					if op.Origin != nil && op.Origin.Key != nil {
						want[m+" "+path] = op.Origin.Key.Line
					}
				}
			}
			require.NotEmpty(t, want)
			assert.Equal(t, want, operationLinesText(data))
		})
	}
}

func TestOperationLinesText_Layouts(t *testing.T) {
	tests := []struct {
		name string
		text string
		want map[string]int
	}{
		{"yaml with quoted keys and a block scalar", "openapi: 3.0.0\npaths:\n  '/a/{id}':\n    description: |\n      get: not a key here\n    get:\n      x: 1\n  \"/b\":\n    post: {}\ncomponents: {}\n",
			map[string]int{"GET /a/{id}": 6, "POST /b": 9}},
		{"pretty json", "{\n  \"openapi\": \"3.0.0\",\n  \"paths\": {\n    \"/a\": {\n      \"get\": {\n        \"x\": 1\n      }\n    }\n  }\n}\n",
			map[string]int{"GET /a": 5}},
		{"a top-level key after paths ends them", "paths:\n  /a:\n    get: {}\nx-tags:\n  /b:\n    get: {}\n",
			map[string]int{"GET /a": 3}},
		{"minified json has no lines", `{"openapi":"3.0.0","paths":{"/a":{"get":{}}}}`, map[string]int{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, operationLinesText([]byte(tt.text)))
		})
	}
}
