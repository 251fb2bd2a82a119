package client

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
)

// TestReadKnown_SameAsReadAll: a body read into a buffer of its announced
// size is the body io.ReadAll reads under the same limit, whether the
// server sends what it announced, more, or less, and in small pieces.
func TestReadKnown_SameAsReadAll(t *testing.T) {
	body := strings.Repeat("0123456789", 30) // 300 bytes
	tests := []struct {
		name        string
		size, limit int64
	}{
		{"as announced", 300, 1001},
		{"empty", 0, 1001},
		{"more than announced", 100, 1001},
		{"less than announced", 500, 1001},
		{"over the limit", 300, 201},
		{"more than announced, over the limit", 50, 201},
	}
	for _, tt := range tests {
		for _, r := range []struct {
			name string
			make func() io.Reader
		}{
			{"whole", func() io.Reader { return strings.NewReader(body[:min(int64(len(body)), max(tt.size, 300))]) }},
			{"one byte at a time", func() io.Reader { return iotest.OneByteReader(strings.NewReader(body)) }},
		} {
			want, werr := io.ReadAll(io.LimitReader(r.make(), tt.limit))
			got, gerr := readKnown(r.make(), tt.size, tt.limit)
			assert.Equal(t, want, got, "%s, %s", tt.name, r.name)
			assert.Equal(t, werr, gerr, "%s, %s", tt.name, r.name)
		}
	}
	if got, _ := readKnown(bytes.NewReader(nil), 0, 10); got == nil {
		t.Error("an empty body reads as empty, not nil, as io.ReadAll has it")
	}
	boom := errors.New("reset")
	got, err := readKnown(io.MultiReader(strings.NewReader("abc"), iotest.ErrReader(boom)), 10, 100)
	assert.Equal(t, "abc", string(got))
	assert.ErrorIs(t, err, boom)
}
