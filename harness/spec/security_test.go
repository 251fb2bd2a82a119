package spec

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// securityV3 declares one scheme of each kind; its operations pick them
// alone, in alternatives, and together.
const securityV3 = `openapi: 3.0.3
info: {title: t, version: "1"}
security:
  - bearer: []
paths:
  /default/{id}:
    get: {responses: {'200': {description: ok}}}
  /header/{id}:
    get:
      security: [{hdr: []}]
      responses: {'200': {description: ok}}
  /either/{id}:
    get:
      security: [{qry: []}, {basic: []}]
      responses: {'200': {description: ok}}
  /both/{id}:
    get:
      security: [{hdr: [], ck: []}]
      responses: {'200': {description: ok}}
  /oauth/{id}:
    get:
      security: [{oauth: [read]}, {oidc: []}]
      responses: {'200': {description: ok}}
  /odd/{id}:
    get:
      security: [{digest: []}, {ghost: []}, {mtls: []}]
      responses: {'200': {description: ok}}
  /public:
    get:
      security: []
      responses: {'200': {description: ok}}
  /literal/me:
    get:
      security: [{basic: []}]
      responses: {'200': {description: ok}}
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
    basic: {type: http, scheme: Basic}
    digest: {type: http, scheme: digest}
    hdr: {type: apiKey, in: header, name: X-API-Key}
    qry: {type: apiKey, in: query, name: api_key}
    ck: {type: apiKey, in: cookie, name: sid}
    oauth:
      type: oauth2
      flows:
        password: {tokenUrl: /oauth/token, scopes: {read: r}}
        clientCredentials: {tokenUrl: 'https://auth.example.test/token', scopes: {}}
    oidc: {type: openIdConnect, openIdConnectUrl: 'https://id.example.test/.well-known/openid-configuration'}
    mtls: {type: mutualTLS}
`

// securityV2 is Swagger 2.0: securityDefinitions arrive as schemes too.
const securityV2 = `swagger: "2.0"
info: {title: t, version: "1"}
host: api.example.test
securityDefinitions:
  key: {type: apiKey, in: header, name: api_key}
  basic: {type: basic}
  oauth: {type: oauth2, flow: password, tokenUrl: 'https://api.example.test/oauth/token', scopes: {}}
security: [{oauth: []}]
paths:
  /pet/{petId}:
    get:
      security: [{key: []}, {basic: []}]
      parameters: [{name: petId, in: path, required: true, type: integer}]
      responses: {'200': {description: ok}}
  /store/{id}:
    get:
      parameters: [{name: id, in: path, required: true, type: integer}]
      responses: {'200': {description: ok}}
`

func TestOperationAlternatives(t *testing.T) {
	s, err := LoadSpecData("security.yaml", []byte(securityV3))
	require.NoError(t, err)
	v2, err := LoadSpecData("swagger.yaml", []byte(securityV2))
	require.NoError(t, err)
	tests := []struct {
		sp         *Spec
		op         string
		want       string // the alternatives, " | " between them
		servable   bool
		tokenURLOK string // a login path the first scheme's token URLs serve
	}{
		{s, "GET /default/{id}", `bearer "bearer"`, true, ""},
		{s, "GET /header/{id}", `apiKey "hdr" in header "X-API-Key"`, true, ""},
		{s, "GET /either/{id}", `apiKey "qry" in query "api_key" | http basic "basic"`, true, ""},
		{s, "GET /both/{id}", `apiKey "ck" in cookie "sid" and apiKey "hdr" in header "X-API-Key"`, true, ""},
		{s, "GET /oauth/{id}", `bearer "oauth" | bearer "oidc"`, true, "/oauth/token"},
		{s, "GET /odd/{id}", `http digest scheme "digest" | undefined scheme "ghost" | mutualTLS scheme "mtls"`, false, ""},
		{s, "GET /public", ``, true, ""},
		{v2, "GET /pet/{petId}", `apiKey "key" in header "api_key" | http basic "basic"`, true, ""},
		{v2, "GET /store/{id}", `bearer "oauth"`, true, "/oauth/token"},
	}
	for _, tt := range tests {
		t.Run(tt.op, func(t *testing.T) {
			var op *Operation
			for i := range tt.sp.Operations {
				if tt.sp.Operations[i].Key() == tt.op {
					op = &tt.sp.Operations[i]
				}
			}
			require.NotNil(t, op)
			var got []string
			for _, r := range op.Alternatives {
				got = append(got, r.String())
			}
			assert.Equal(t, tt.want, joinBar(got))
			assert.Equal(t, tt.servable, op.Servable())
			if tt.tokenURLOK != "" {
				assert.True(t, op.Alternatives[0][0].ServesTokenURL(tt.tokenURLOK))
				assert.False(t, op.Alternatives[0][0].ServesTokenURL("/login"))
			}
		})
	}
}

func joinBar(list []string) string {
	out := ""
	for i, s := range list {
		if i > 0 {
			out += " | "
		}
		out += s
	}
	return out
}

func TestAlternativesFor(t *testing.T) {
	s, err := LoadSpecData("security.yaml", []byte(securityV3))
	require.NoError(t, err)
	tests := []struct{ method, path, want string }{
		{"GET", "/header/7", `apiKey "hdr" in header "X-API-Key"`},
		{"GET", "/header/7?x=1", `apiKey "hdr" in header "X-API-Key"`},
		{"GET", "/literal/me", `http basic "basic"`},
		{"GET", "/header/7/", `apiKey "hdr" in header "X-API-Key"`}, // a trailing-slash route takes the same credential
		{"GET", "/nowhere/7", `bearer "bearer"`},                    // no operation: the document's
		{"POST", "/header/7", `bearer "bearer"`},
		{"GET", "/header/", `bearer "bearer"`}, // an empty segment fills no {id}
	}
	for _, tt := range tests {
		alts := s.AlternativesFor(tt.method, tt.path)
		var got []string
		for _, r := range alts {
			got = append(got, r.String())
		}
		assert.Equal(t, tt.want, joinBar(got), "%s %s", tt.method, tt.path)
	}
	names := []string{}
	for _, sc := range s.Schemes() {
		names = append(names, sc.Name)
	}
	assert.Equal(t, []string{"basic", "bearer", "ck", "digest", "hdr", "mtls", "oauth", "oidc", "qry"}, names)
}
