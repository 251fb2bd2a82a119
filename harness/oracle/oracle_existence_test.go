package oracle

import (
	"net/http"
	"testing"

	"github.com/bolaharness/bolaharness/harness/client"

	"github.com/stretchr/testify/assert"
)

func TestJudgeExistence(t *testing.T) {
	x := func(status int, body string) client.Exchange {
		return client.Exchange{Status: status, Body: []byte(body), Header: http.Header{"Content-Type": {"application/json"}}}
	}
	ok := x(200, `{"id":"n-201","owner_email":"bob@vault.test"}`)
	notFound := `{"error":"not found"}`
	tests := []struct {
		name           string
		other, missing client.Exchange
		control        *client.Exchange
		want           Outcome
	}{
		{"403 against 404", x(403, `{"error":"forbidden"}`), x(404, notFound), &ok, Leak},
		{"401 against 404", x(401, `{"error":"not yours"}`), x(404, notFound), &ok, Leak},
		{"uniform 404", x(404, notFound), x(404, `{"error":"not found"}`), &ok, Safe},
		{"uniform 404 echoing the id", x(404, `{"error":"n-201 not found"}`), x(404, `{"error":"zz8k2 not found"}`), &ok, Safe},
		{"same status, another body shape", x(404, `{"error":"not found","owner":"hidden"}`), x(404, notFound), &ok, Leak},
		{"JSON against text", x(404, notFound), x(404, "Not Found"), &ok, Leak},
		{"2xx denial against 404", x(200, `{"ok":false,"error":"access denied"}`), x(404, notFound), &ok, Leak},
		{"served: the content oracle's case", x(200, `{"id":"n-201"}`), x(404, notFound), &ok, Safe},
		{"malformed decoy", x(404, notFound), x(400, `{"error":"bad id"}`), &ok, NoVerdict},
		{"rate limited", x(429, ""), x(404, notFound), &ok, NoVerdict},
		{"server error", x(403, ""), x(500, ""), &ok, NoVerdict},
		{"no control", x(403, ""), x(404, notFound), nil, NoVerdict},
		{"failed control", x(403, ""), x(404, notFound), &client.Exchange{Status: 404}, NoVerdict},
		{"transport error", client.Exchange{Err: "timeout"}, x(404, notFound), &ok, NoVerdict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := JudgeExistence(tt.other, tt.missing, tt.control)
			assert.Equal(t, tt.want, v.Outcome, "%v", v.Reasons)
			assert.NotEmpty(t, v.Reasons)
			if v.Outcome == Leak {
				assert.NotEmpty(t, v.Evidence)
			}
		})
	}
}
