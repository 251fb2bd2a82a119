package config

import (
	"github.com/bolaharness/bolaharness/harness/secret"
)

// Keyring is where secrets learnt during the run (login tokens) are kept;
// it is created on first use, which Prepare does before any concurrency.
func (c *Config) Keyring() *secret.Keyring {
	if c.keys == nil {
		c.keys = &secret.Keyring{}
	}
	return c.keys
}

// Secrets returns every user's token, login credentials and the tokens
// obtained by logging in so far, for Redact.
func (c *Config) Secrets() []secret.Secret {
	out := make([]secret.Secret, 0, len(c.Users))
	for _, u := range c.Users {
		out = append(out, u.Token)
		out = append(out, u.credentialSecrets()...)
		if u.Login != nil {
			out = append(out, u.Login.Body)
			out = append(out, u.Login.Credentials...)
		}
	}
	return append(out, c.keys.Secrets()...)
}

// User returns the user called name, or nil.
func (c *Config) User(name string) *User {
	for i := range c.Users {
		if c.Users[i].Name == name {
			return &c.Users[i]
		}
	}
	return nil
}

// sharedWith reports whether the config lists the object as shared with
// user (a team document both may read).
func (c *Config) SharedWith(param, id, user string) bool {
	for _, s := range c.Shared {
		if s.ID != id || (s.Param != "" && s.Param != param) {
			continue
		}
		if len(s.Users) == 0 {
			return true
		}
		for _, u := range s.Users {
			if u == user {
				return true
			}
		}
	}
	return false
}

// OwnsKeys are the config's `owns` keys over every user: the parameter names
// (or path templates) the config gives ids for. Id detection takes them for
// object ids whatever their name.
func (c *Config) OwnsKeys() map[string]bool {
	keys := map[string]bool{}
	for _, u := range c.Users {
		for k := range u.Owns {
			keys[k] = true
		}
	}
	return keys
}

// ForSpec is the config of a run that has only a document: no users, the
// given methods (nil: GET and HEAD) and defaults elsewhere. `plan -spec`
// plans with it.
func ForSpec(path string, methods []string) *Config {
	return &Config{File: path, Spec: path, Methods: methods}
}
