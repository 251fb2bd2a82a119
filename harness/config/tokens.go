package config

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/bolaharness/bolaharness/harness/secret"

	"go.yaml.in/yaml/v3"
)

// Limits on the ways a token can be read.
const (
	// maxTokenBytes caps a token file and a token command's output.
	MaxTokenBytes = 64 << 10
	// maxStderrBytes caps what is kept of a token command's standard error.
	maxStderrBytes = 4 << 10
)

// tokenCommandTimeout bounds a token command (a vault CLI); a command that
// waits for input (a login prompt) fails instead of hanging the run.
var TokenCommandTimeout = 30 * time.Second

// tokenSourceKeys are the user keys that give the token; a user has one.
var tokenSourceKeys = []string{"token", "tokenFile", "tokenCommand", "login"}

// hasTokenSource reports whether the token comes from a file, a command or
// a login rather than from the `token` key.
func (u User) hasTokenSource() bool {
	return u.TokenFile != "" || len(u.TokenCommand) > 0 || u.Login != nil
}

// oneTokenSource refuses a user that gives the token in two ways, since
// the harness could only guess which one is meant.
func (p *parser) oneTokenSource(prefix string, n *yaml.Node, fields []field, who string) error {
	var given []string
	for _, f := range fields {
		if slices.Contains(tokenSourceKeys, f.key) {
			given = append(given, f.key)
		}
	}
	if len(given) > 1 {
		return p.errAt(prefix, deref(n), "%s has %s; give the token one way only (token, tokenFile, tokenCommand or login)", who, strings.Join(given, " and "))
	}
	return nil
}

// readCommand reads tokenCommand: a list of arguments, run without a shell.
func (p *parser) readCommand(key string, n *yaml.Node, who string) ([]string, error) {
	n = deref(n)
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		return nil, p.errAt(key, n, "expected a list of arguments such as [vault, read, -field=token, secret/alice]; the command runs without a shell, so give each argument as an item")
	}
	var argv []string
	for i, item := range n.Content {
		if err := p.readString(fmt.Sprintf("%s[%d]", key, i), item, who, func(s string) { argv = append(argv, s) }); err != nil {
			return nil, err
		}
	}
	return argv, nil
}

// LoadTokens reads the tokens that come from a file or a command into the
// users' Token. ParseConfig and LoadConfig call it; a Config built in code
// calls it (Prepare does) before the scan.
func (c *Config) LoadTokens(ctx context.Context) error {
	for i := range c.Users {
		u := &c.Users[i]
		key := fmt.Sprintf("users[%d]", i)
		var err error
		switch {
		case !u.Token.IsZero():
			continue
		case u.TokenFile != "":
			key += ".tokenFile"
			u.Token, err = readTokenFile(u.TokenFile)
		case len(u.TokenCommand) > 0:
			key += ".tokenCommand"
			u.Token, err = RunTokenCommand(ctx, u.TokenCommand, filepath.Dir(c.File))
		default:
			continue
		}
		if err != nil {
			return c.errf(key, "%v", err)
		}
		if err := c.checkToken(key, *u); err != nil {
			return err
		}
	}
	return nil
}

// readTokenFile reads a token file, trimmed of surrounding white space (the
// newline editors add).
func readTokenFile(path string) (secret.Secret, error) {
	data, err := readFileCapped(path, MaxTokenBytes)
	if err != nil {
		return secret.Secret{}, fmt.Errorf("%s cannot be read (%v); check the path (relative to the config file) and its permissions", path, err)
	}
	tok := strings.TrimSpace(string(data))
	if tok == "" {
		return secret.Secret{}, fmt.Errorf("%s is empty; write the token into it", path)
	}
	return secret.NewSecret(tok), nil
}

// runTokenCommand runs argv (no shell) in dir, with a timeout, and takes
// its standard output, trimmed, as the token. Its standard error is quoted
// in errors only with anything that looks like the token redacted.
func RunTokenCommand(ctx context.Context, argv []string, dir string) (secret.Secret, error) {
	ctx, cancel := context.WithTimeout(ctx, TokenCommandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = dir
	// A grandchild that keeps the pipes open must not hold the run.
	cmd.WaitDelay = time.Second
	stdout := &cappedBuffer{limit: MaxTokenBytes}
	stderr := &cappedBuffer{limit: maxStderrBytes}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	err := cmd.Run()
	out := strings.TrimSpace(stdout.String())
	secrets := []secret.Secret{secret.NewSecret(out)}
	for _, line := range strings.Split(out, "\n") {
		secrets = append(secrets, secret.NewSecret(strings.TrimSpace(line)))
	}
	said := oneLine(secret.Redact(stderr.String(), secrets...), 200)
	if said != "" {
		said = ": " + said
	}
	name := filepath.Base(argv[0])
	switch {
	case ctx.Err() != nil:
		return secret.Secret{}, fmt.Errorf("%q did not finish within %s; check that it does not wait for input (a login prompt?)", name, TokenCommandTimeout)
	case errors.Is(err, exec.ErrNotFound):
		return secret.Secret{}, fmt.Errorf("%q was not found; give its full path or add it to PATH", argv[0])
	case err != nil:
		return secret.Secret{}, fmt.Errorf("%q failed (%v)%s; run the command by hand to see why", name, err, said)
	case stdout.overflow:
		return secret.Secret{}, fmt.Errorf("%q printed more than %d bytes; the token must be its only output", name, MaxTokenBytes)
	case out == "":
		return secret.Secret{}, fmt.Errorf("%q printed nothing on standard output%s; the token must be its output", name, said)
	}
	return secret.NewSecret(out), nil
}

// cappedBuffer keeps the first limit bytes written to it and drops the
// rest, so a chatty command cannot fill memory. The buffer is a named field,
// not embedded: an embedded bytes.Buffer would lend its ReadFrom to io.Copy,
// which would then bypass Write and the cap.
type cappedBuffer struct {
	buf      bytes.Buffer
	limit    int
	overflow bool
}

// Write keeps what fits and reports the whole write as done, so the command
// is never blocked or failed by the cap.
func (b *cappedBuffer) Write(p []byte) (int, error) {
	keep := p
	if room := b.limit - b.buf.Len(); len(p) > room {
		b.overflow = true
		keep = p[:max(room, 0)]
	}
	if _, err := b.buf.Write(keep); err != nil {
		return 0, err
	}
	return len(p), nil
}

// String returns what was kept.
func (b *cappedBuffer) String() string { return b.buf.String() }

// oneLine is the first non-empty line of s, cut to n bytes.
func oneLine(s string, n int) string {
	for _, line := range strings.Split(s, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			if len(line) > n {
				line = line[:n] + "..."
			}
			return line
		}
	}
	return ""
}
