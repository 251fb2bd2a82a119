package config

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIncludeExcludeKeys(t *testing.T) {
	spec, err := filepath.Abs("../../specs/demo.yaml")
	require.NoError(t, err)
	head := "spec: " + spec + "\nusers:\n  - {name: a, token: t1}\n  - {name: b, token: t2}\n"
	cfg, err := ParseConfig("c.yaml", []byte(head+"include: [\"get /invoices/{invoice_id}\", tag:billing, /orders/**]\nexclude: [getOrder]\n"), nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"GET /invoices/{invoice_id}", "tag:billing", "/orders/**"}, cfg.Include, "the method is upper-cased")
	assert.Equal(t, []string{"getOrder"}, cfg.Exclude)

	_, err = ParseConfig("c.yaml", []byte(head+"exclude: [\"\"]\n"), nil)
	assert.ErrorContains(t, err, "c.yaml:5")
	assert.ErrorContains(t, err, "exclude[0]")
}
