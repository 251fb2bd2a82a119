package client

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/bolaharness/bolaharness/harness/config"
)

// insecureWarning is logged and reported whenever TLS checks are off.
const InsecureWarning = "TLS certificate checks are off (insecureSkipVerify: true): anyone on the network path could read the tokens; give the server's CA with caFile instead"

// defaultTransport is tuned for a scan: bounded waits at every stage, TLS
// verified (against the system roots plus caFile), proxies from the
// standard environment variables, idle connections kept for the in-flight
// limit.
func (c *Client) defaultTransport(opts ClientOptions) (*http.Transport, error) {
	connect := orDefaultDuration(opts.ConnectTimeout, config.DefaultConnectTimeout)
	tlsConf := &tls.Config{MinVersion: tls.VersionTLS12}
	if opts.CAFile != "" {
		pool, err := config.ReadCAFile(opts.CAFile)
		if err != nil {
			return nil, fmt.Errorf("client: caFile: %v", err)
		}
		tlsConf.RootCAs = pool
	}
	if opts.InsecureSkipVerify {
		// The user asked for it in the config; Warnings and the log say so.
		tlsConf.InsecureSkipVerify = true
		c.insecure = true
	}
	header := opts.HeaderTimeout
	if header >= c.Timeout {
		// Every request is cut after c.Timeout (the watchdog of send, the
		// context of a login), which comes first and gives the clearer
		// "timeout after" reason; a backstop here would only start a second
		// timer per request.
		header = 0
	}
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: connect, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:       tlsConf,
		TLSHandshakeTimeout:   connect,
		ResponseHeaderTimeout: header,
		ExpectContinueTimeout: time.Second,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   cap(c.sem),
		IdleConnTimeout:       90 * time.Second,
		// Response headers are bounded too: a server cannot stream an
		// endless header block into memory.
		MaxResponseHeaderBytes: 1 << 20,
	}, nil
}
