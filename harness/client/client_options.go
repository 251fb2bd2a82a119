package client

import (
	"github.com/bolaharness/bolaharness/harness/config"
)

// clientOptionsFor is the client configuration cfg asks for. Rate 0
// (unlimited in the config) becomes RateUnlimited.
func ClientOptionsFor(c *config.Config, baseURL string) ClientOptions {
	return ClientOptions{
		BaseURL:            baseURL,
		Methods:            c.Methods,
		Rate:               c.Rate,
		RateUnlimited:      c.Rate == 0,
		Concurrency:        c.Concurrency,
		Timeout:            c.Timeout,
		ConnectTimeout:     c.ConnectTimeout,
		HeaderTimeout:      c.HeaderTimeout,
		MaxBody:            c.MaxBody,
		MaxRequests:        c.MaxRequests,
		MaxTimeouts:        c.MaxTimeouts,
		CAFile:             c.CAFile,
		InsecureSkipVerify: c.InsecureSkipVerify,
		Secrets:            c.Secrets(),
		Keyring:            c.Keyring(),
	}
}
