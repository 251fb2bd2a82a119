package spec

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// answerSpec has keys that neither a name nor a position gives away; only
// some of the GETs' answers carry them.
const answerSpec = `
openapi: 3.0.3
info: {title: answers, version: '1'}
paths:
  /@{name}:
    get:
      parameters: [{name: name, in: path, required: true, schema: {type: string}}]
      responses:
        '200':
          description: a space
          content: {application/json: {schema: {$ref: '#/components/schemas/Space'}}}
  /v1/{title}:
    get:
      parameters: [{name: title, in: path, required: true, schema: {type: string}}]
      responses:
        '200':
          description: a book in an envelope
          content:
            application/json:
              schema:
                type: object
                properties:
                  data: {type: object, properties: {title: {type: string}, notes: {type: string}}}
  /v2/{title}:
    get:
      parameters: [{name: title, in: path, required: true, schema: {type: string}}]
      responses:
        '200':
          description: a list of search hits, not one object
          content: {application/json: {schema: {type: array, items: {$ref: '#/components/schemas/Space'}}}}
  /~{name}:
    get:
      parameters: [{name: name, in: path, required: true, schema: {type: string}}]
      responses:
        '200':
          description: an answer without the field
          content: {application/json: {schema: {type: object, properties: {notes: {type: string}}}}}
  /render/{format}:
    get:
      parameters: [{name: format, in: path, required: true, schema: {type: string}}]
      responses:
        '200':
          description: a denied name stays denied
          content: {application/json: {schema: {type: object, properties: {format: {type: string}}}}}
  /at/{user_name}:
    put:
      parameters: [{name: user_name, in: path, required: true, schema: {type: string}}]
      responses:
        '200':
          description: not a GET, though the name is key-like anyway
          content: {application/json: {schema: {type: object, properties: {userName: {type: string}}}}}
components:
  schemas:
    Space:
      type: object
      properties:
        name: {type: string}
        owner: {type: string}
`

func TestAnswerSignal(t *testing.T) {
	s, err := LoadSpecData("answers.yaml", []byte(answerSpec))
	require.NoError(t, err)
	got := map[string]string{}
	for _, op := range s.Operations {
		for _, p := range DetectIDParams(op, nil) {
			got[op.Key()] = p.Name + ": " + p.Reasons[len(p.Reasons)-1]
		}
	}
	assert.Equal(t, `name: the item GET's answer carries it as field "name"`, got["GET /@{name}"])
	assert.Equal(t, `title: the item GET's answer carries it as field "data.title"`, got["GET /v1/{title}"])
	assert.NotContains(t, got, "GET /v2/{title}", "a listing's answer names many objects")
	assert.NotContains(t, got, "GET /~{name}", "the answer carries no name")
	assert.NotContains(t, got, "GET /render/{format}", "a denied name stays denied")
	assert.NotContains(t, got["PUT /at/{user_name}"], "answer", "only an item GET's answer counts")
}
