package spec

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// corpusDir holds real-world specs shared by the project (read-only).
const corpusDir = "../../../shared/corpus/specs"

var (
	corpusMu    sync.Mutex
	corpusCache = map[string]*Spec{}
)

// corpusSpec loads a corpus document once per test binary: Stripe alone
// takes about a second.
func corpusSpec(t *testing.T, name string) *Spec {
	t.Helper()
	path := filepath.Join(corpusDir, name)
	if _, err := os.Stat(path); err != nil {
		t.Skipf("corpus document %s not available: %v", path, err)
	}
	corpusMu.Lock()
	defer corpusMu.Unlock()
	if s, ok := corpusCache[name]; ok {
		return s
	}
	s, err := LoadSpec(path)
	require.NoError(t, err)
	corpusCache[name] = s
	return s
}

func findOp(t *testing.T, s *Spec, key string) Operation {
	t.Helper()
	for _, op := range s.Operations {
		if op.Key() == key {
			return op
		}
	}
	require.Failf(t, "operation not found", "%s has no %s", s.File, key)
	return Operation{}
}

func findParam(t *testing.T, op Operation, name string) Param {
	t.Helper()
	for _, p := range op.Params {
		if p.Name == name {
			return p
		}
	}
	require.Failf(t, "parameter not found", "%s has no parameter %s", op.Key(), name)
	return Param{}
}

// lineAt returns line n (1-based) of a file, to check that origins point at
// the operation's own line.
func lineAt(t *testing.T, file string, n int) string {
	t.Helper()
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	lines := strings.Split(string(data), "\n")
	require.True(t, n >= 1 && n <= len(lines), "line %d out of range in %s", n, file)
	return lines[n-1]
}

func TestLoadSpec_Corpus(t *testing.T) {
	tests := []struct {
		file    string
		version string
		minOps  int
		check   func(t *testing.T, s *Spec)
	}{
		{"stripe.yaml", "3.0.0", 400, func(t *testing.T, s *Spec) {
			op := findOp(t, s, "GET /v1/customers/{customer}")
			assert.Equal(t, "path", findParam(t, op, "customer").In)
			assert.Equal(t, SecurityBearer, op.Security)
			assert.Contains(t, op.SecurityWhy, `bearer scheme "bearerAuth"`)
			assert.Contains(t, lineAt(t, s.File, op.Origin.Line), "get:")
			assert.Equal(t, []string{"https://api.stripe.com/"}, s.Servers)
		}},
		{"openai.yaml", "3.1.0", 200, func(t *testing.T, s *Spec) {
			op := findOp(t, s, "GET /threads/{thread_id}")
			assert.Equal(t, SecurityBearer, op.Security)
			assert.Equal(t, "getThread", op.ID)
		}},
		{"k8s.json", "2.0", 800, func(t *testing.T, s *Spec) {
			op := findOp(t, s, "GET /api/v1/namespaces/{namespace}/pods/{name}")
			assert.Equal(t, SecurityBearer, op.Security, "the apiKey in the authorization header is a Bearer token")
			assert.Contains(t, op.SecurityWhy, "Authorization header")
			// namespace and name are declared on the path item only.
			assert.Equal(t, "path", findParam(t, op, "namespace").In)
			assert.Equal(t, "path", findParam(t, op, "name").In)
			assert.Equal(t, s.File, op.Origin.File)
			assert.Zero(t, op.Origin.Line, "openapi2 keeps no lines")
		}},
		{"box.json", "3.0.2", 250, func(t *testing.T, s *Spec) {
			op := findOp(t, s, "GET /files/{file_id}")
			assert.Equal(t, SecurityBearer, op.Security)
			assert.Contains(t, op.SecurityWhy, "oauth2")
		}},
		{"plaid.yml", "3.0.0", 300, func(t *testing.T, s *Spec) {
			op := findOp(t, s, "POST /accounts/get")
			assert.Equal(t, SecurityOther, op.Security, "plaid authenticates with client id and secret headers")
		}},
		{"asana.yaml", "3.0.0", 100, func(t *testing.T, s *Spec) {
			assert.Equal(t, SecurityBearer, findOp(t, s, "GET /tasks/{task_gid}").Security)
		}},
		{"petstorev2.json", "2.0", 15, func(t *testing.T, s *Spec) {
			op := findOp(t, s, "GET /pet/{petId}")
			assert.Equal(t, SecurityOther, op.Security, "api_key is an apiKey header, not Authorization")
			assert.Equal(t, []string{"https://petstore.swagger.io/v2", "http://petstore.swagger.io/v2"}, s.Servers)
		}},
		{"petstorev3.json", "3.0.2", 15, func(t *testing.T, s *Spec) {
			op := findOp(t, s, "GET /pet/{petId}")
			require.Positive(t, op.Origin.Line)
			assert.Contains(t, lineAt(t, s.File, op.Origin.Line), `"get"`)
			assert.Equal(t, []string{"/api/v3"}, s.Servers, "a relative server is kept as written")
		}},
		{"circular-tests.yaml", "3.0", 1, func(t *testing.T, s *Spec) {
			// The document has lists where schemas belong and a numeric
			// `openapi: 3.0`: repaired with warnings, lines kept.
			op := findOp(t, s, "POST /burgers")
			assert.Contains(t, lineAt(t, s.File, op.Origin.Line), "post:")
			assert.Equal(t, SecurityAssumed, op.Security)
			joined := strings.Join(s.Warnings, "\n")
			assert.Contains(t, joined, "circular-tests.yaml:25: /components/schemas/Two/properties/oneOf")
			assert.Contains(t, joined, `read as the string "3.0"`)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			s := corpusSpec(t, tt.file)
			assert.Equal(t, tt.version, s.Version)
			assert.GreaterOrEqual(t, len(s.Operations), tt.minOps)
			assert.True(t, s.DeclaresSecurity || tt.file == "circular-tests.yaml")
			assertSorted(t, s.Operations)
			tt.check(t, s)
		})
	}
}

func assertSorted(t *testing.T, ops []Operation) {
	t.Helper()
	for i := 1; i < len(ops); i++ {
		a, b := ops[i-1], ops[i]
		if a.Path == b.Path {
			assert.LessOrEqual(t, methodOrder[a.Method], methodOrder[b.Method], "%s before %s", a.Key(), b.Key())
			continue
		}
		assert.Less(t, a.Path, b.Path)
	}
}

func TestLoadSpec_V30(t *testing.T) {
	s, err := LoadSpec("../testdata/specs/v30.yaml")
	require.NoError(t, err)
	assert.Equal(t, "3.0.3", s.Version)
	assert.Equal(t, []string{"https://eu.api.example.test/v2", "/relative"}, s.Servers)
	assert.True(t, s.DeclaresSecurity)

	get := findOp(t, s, "GET /invoices/{invoice_id}")
	assert.Equal(t, "getInvoice", get.ID)
	require.Len(t, get.Params, 2, "path-item and operation parameters merge on name and location")
	id := get.Params[0]
	assert.Equal(t, "invoice_id", id.Name)
	require.NotNil(t, id.Schema)
	assert.True(t, id.Schema.Type.Is("integer"), "the operation's own parameter wins")
	assert.Equal(t, []string{"42", "12345678901", "1000000"}, id.Examples, "numbers in decimal text")
	assert.Equal(t, "verbose", get.Params[1].Name)
	assert.Contains(t, lineAt(t, s.File, get.Origin.Line), "get:")
	assert.Equal(t, "../testdata/specs/v30.yaml", get.Origin.File)

	del := findOp(t, s, "DELETE /invoices/{invoice_id}")
	assert.True(t, findParam(t, del, "invoice_id").Schema.Type.Is("string"), "DELETE keeps the path item's parameter")

	tests := []struct {
		key  string
		sec  Security
		why  string
		warn string
	}{
		{"GET /invoices/{invoice_id}", SecurityBearer, `bearer scheme "BearerAuth" from the document's security`, ""},
		{"DELETE /invoices/{invoice_id}", SecurityOther, `http basic scheme "Basic" from the operation's security`, ""},
		{"GET /health", SecurityPublic, "security: [] on the operation", ""},
		{"GET /maybe/{thing_id}", SecurityPublic, "empty requirement {}", ""},
		{"GET /keyed/{doc_id}", SecurityOther, `apiKey scheme "QueryKey" in query "api_key"`, ""},
		{"GET /ghost/{id}", SecurityOther, `unknown scheme "Ghost"`, `security scheme "Ghost" is required but not defined`},
		{"GET /me", SecurityBearer, "from the document's security", ""},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			op := findOp(t, s, tt.key)
			assert.Equal(t, tt.sec, op.Security)
			assert.Contains(t, op.SecurityWhy, tt.why)
			if tt.warn != "" {
				assert.Contains(t, strings.Join(s.Warnings, "\n"), tt.warn)
			}
		})
	}
}

func TestLoadSpec_SmallDocuments(t *testing.T) {
	tests := []struct {
		file  string
		check func(t *testing.T, s *Spec)
	}{
		{"v31.json", func(t *testing.T, s *Spec) {
			assert.Equal(t, "3.1.0", s.Version)
			op := findOp(t, s, "GET /notes/{note_id}")
			p := findParam(t, op, "note_id")
			assert.ElementsMatch(t, []string{"string", "null"}, p.Schema.Type.Slice(), "3.1 type arrays survive")
			assert.Equal(t, []string{"3f2b8c1e-9d4a-4e7b-8c2d-1a2b3c4d5e6f"}, p.Examples, "3.1 schema examples")
			assert.Equal(t, SecurityBearer, op.Security)
			assert.Contains(t, op.SecurityWhy, "openIdConnect")
			assert.Contains(t, lineAt(t, s.File, op.Origin.Line), `"get"`)
		}},
		{"v20.yaml", func(t *testing.T, s *Spec) {
			assert.Equal(t, "2.0", s.Version)
			assert.Equal(t, []string{"https://k8s.example.test/api"}, s.Servers)
			get := findOp(t, s, "GET /namespaces/{namespace}/pods/{name}")
			assert.Equal(t, "readPod", get.ID)
			assert.Len(t, get.Params, 3)
			assert.True(t, findParam(t, get, "name").Schema.Type.Is("string"))
			assert.Equal(t, SecurityBearer, get.Security)
			assert.Equal(t, SecurityOther, findOp(t, s, "PUT /namespaces/{namespace}/pods/{name}").Security)
		}},
		{"nosecurity.yaml", func(t *testing.T, s *Spec) {
			assert.False(t, s.DeclaresSecurity)
			op := findOp(t, s, "GET /orders/{order}")
			assert.Equal(t, SecurityAssumed, op.Security)
			assert.Equal(t, "no security declared anywhere in the document; assumed protected by the config's tokens", op.SecurityWhy)
			assert.Equal(t, SecurityPublic, findOp(t, s, "POST /login").Security, "security: [] stays public")
			require.Len(t, s.Warnings, 1, "one warning for the document, not one per operation")
			assert.Contains(t, s.Warnings[0], "declares no security anywhere")
		}},
		{"extref.yaml", func(t *testing.T, s *Spec) {
			op := findOp(t, s, "GET /widgets/{widget_id}")
			p := findParam(t, op, "widget_id")
			assert.Equal(t, "path", p.In, "parameter read from shared/params.yaml")
			assert.Equal(t, "^wid_[0-9a-z]+$", p.Schema.Pattern)
			schema := op.Raw.Responses.Value("200").Value.Content.Get("application/json").Schema.Value
			assert.Contains(t, schema.Properties, "owner", "schema read from the sibling widget.yaml")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			s, err := LoadSpec(filepath.Join("../testdata/specs", tt.file))
			require.NoError(t, err)
			tt.check(t, s)
		})
	}
}

// TestLoadSpec_Repairs pins the repair of values kin-openapi refuses: each is
// fixed or left out with a warning naming the user's line, and operation
// origins still point into the original file.
func TestLoadSpec_Repairs(t *testing.T) {
	s, err := LoadSpec("../testdata/specs/repair.yaml")
	require.NoError(t, err)
	assert.Equal(t, "3.0", s.Version)
	assert.Equal(t, "1", s.Doc.Info.Version)
	joined := strings.Join(s.Warnings, "\n")
	for _, want := range []string{
		`testdata/specs/repair.yaml:1: /openapi !!float 3.0 read as the string "3.0"`,
		`testdata/specs/repair.yaml:4: /info/version !!int 1 read as the string "1"`,
		"../testdata/specs/repair.yaml:12: /components/schemas/Widget/properties/oneOf: cannot construct !!seq into openapi3.Schema; the value was left out",
	} {
		assert.Contains(t, joined, want)
	}
	assert.Contains(t, s.Doc.Components.Schemas["Widget"].Value.Properties, "owner", "the rest of the schema survives")
	op := findOp(t, s, "GET /widgets/{widget_id}")
	assert.Equal(t, SecurityBearer, op.Security)
	assert.Contains(t, lineAt(t, s.File, op.Origin.Line), "get:")

	_, err = LoadSpecData("list.yaml", []byte("- a\n- b\n"))
	require.Error(t, err, "a document that is a list cannot be repaired")
	assert.Contains(t, err.Error(), "list.yaml:1: cannot parse the OpenAPI document")
}

func TestLoadSpec_Errors(t *testing.T) {
	tests := []struct {
		file string
		want []string
	}{
		{"httpref.yaml", []string{"../testdata/specs/httpref.yaml", `"http://127.0.0.1:1/x.yaml"`, "never fetches URLs"}},
		{"climb/climb.yaml", []string{"../testdata/specs/climb/climb.yaml", "widget.yaml", "leads out of the spec's directory"}},
		{"broken.yaml", []string{"../testdata/specs/broken.yaml:8: cannot parse the OpenAPI document", "line 8"}},
		{"missing.yaml", []string{"../testdata/specs/missing.yaml: spec file not found", "`spec:` key"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			s, err := LoadSpec(filepath.Join("../testdata/specs", tt.file))
			require.Error(t, err)
			assert.Nil(t, s)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

// TestLoadSpec_RefsNeverLeave proves the allow-list: a ref to a live loopback
// server is refused without a request, and files outside the spec's directory
// (absolute, climbing, or through a symlink) are not read.
func TestLoadSpec_RefsNeverLeave(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		_, err := w.Write([]byte("Thing: {type: object}\n"))
		assert.NoError(t, err)
	}))
	defer srv.Close()

	outside := t.TempDir()
	secret := filepath.Join(outside, "secret.yaml")
	require.NoError(t, os.WriteFile(secret, []byte("Thing: {type: object}\n"), 0o600))
	dir := t.TempDir()
	require.NoError(t, os.Symlink(secret, filepath.Join(dir, "link.yaml")))

	tests := []struct {
		name, ref, want string
	}{
		{"loopback url", srv.URL + "/x.yaml#/Thing", "never fetches URLs"},
		{"absolute path", secret + "#/Thing", "leads out of the spec's directory"},
		{"symlink out", "link.yaml#/Thing", "leads out of the spec's directory"},
		{"file url", "file://" + secret + "#/Thing", "refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := filepath.Join(dir, "spec.yaml")
			doc := "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '" + tt.ref + "'}\n"
			require.NoError(t, os.WriteFile(spec, []byte(doc), 0o600))
			_, err := LoadSpec(spec)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
	assert.Zero(t, hits.Load(), "no request may reach the server")
}

func TestLoadSpecData(t *testing.T) {
	data, err := os.ReadFile("../testdata/specs/v30.yaml")
	require.NoError(t, err)
	s, err := LoadSpecData("demo.yaml", data)
	require.NoError(t, err)
	op := findOp(t, s, "GET /invoices/{invoice_id}")
	assert.Equal(t, Origin{File: "demo.yaml", Line: 27}, op.Origin)

	data, err = os.ReadFile("../testdata/specs/extref.yaml")
	require.NoError(t, err)
	_, err = LoadSpecData("embedded.yaml", data)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "embedded.yaml")
	assert.Contains(t, err.Error(), "cannot refer to other files")
}

func TestIsSwagger2(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want bool
	}{
		{"yaml quoted", "swagger: \"2.0\"\ninfo: {}\n", true},
		{"yaml plain after other keys", "info: {}\nswagger: 2.0\n", true},
		{"yaml nested key", "openapi: 3.0.0\nx-meta:\n  swagger: \"2.0\"\n", false},
		{"json last key", "{\"info\": {\"swagger\": \"1\"}, \"swagger\": \"2.0\"}", true},
		{"json nested only", "{\"openapi\": \"3.0.0\", \"x\": {\"swagger\": \"2.0\"}}", false},
		{"openapi 3", "openapi: 3.1.0\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, isSwagger2([]byte(tt.doc)))
		})
	}
}

func TestParamExamples(t *testing.T) {
	tests := []struct {
		name  string
		param *openapi3.Parameter
		want  []string
	}{
		{"float in decimal", &openapi3.Parameter{Example: float64(1e6)}, []string{"1000000"}},
		{"dedup across sources", &openapi3.Parameter{Example: "cus_1",
			Schema: &openapi3.SchemaRef{Value: &openapi3.Schema{Example: "cus_1", Examples: []any{"cus_2"}}}}, []string{"cus_1", "cus_2"}},
		{"enum is not an example", &openapi3.Parameter{
			Schema: &openapi3.SchemaRef{Value: &openapi3.Schema{Enum: []any{"a", "b"}}}}, nil},
		{"bool", &openapi3.Parameter{Example: true}, []string{"true"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var schema *openapi3.Schema
			if tt.param.Schema != nil {
				schema = tt.param.Schema.Value
			}
			assert.Equal(t, tt.want, paramExamples(tt.param, schema))
		})
	}
}

// The benchmarks compare the harness's load (origins on, refs confined,
// strict validation) with kin-openapi's bare load of the same file:
//
//	go test ./harness -run '^$' -bench 'Stripe' -benchtime 5x
func BenchmarkLoadStripe(b *testing.B) {
	path := stripeForBench(b)
	for b.Loop() {
		if _, err := LoadSpec(path); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBareKinLoadStripe is plain openapi3.NewLoader().LoadFromFile.
func BenchmarkBareKinLoadStripe(b *testing.B) {
	path := stripeForBench(b)
	for b.Loop() {
		if _, err := openapi3.NewLoader().LoadFromFile(path); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkKinOriginLoadStripe isolates what IncludeOrigin costs.
func BenchmarkKinOriginLoadStripe(b *testing.B) {
	path := stripeForBench(b)
	for b.Loop() {
		l := openapi3.NewLoader()
		l.IncludeOrigin = true
		if _, err := l.LoadFromFile(path); err != nil {
			b.Fatal(err)
		}
	}
}

func stripeForBench(b *testing.B) string {
	path := filepath.Join(corpusDir, "stripe.yaml")
	if _, err := os.Stat(path); err != nil {
		b.Skipf("corpus not available: %v", err)
	}
	return path
}
