// Package client speaks the agent side of ak1/agent/protocol over HTTP.
package client

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"ak1/agent/protocol"
)

// ErrLeaseLost is a 409: the job's lease is no longer ours; stop touching the job.
var ErrLeaseLost = errors.New("lease lost (409)")

// ErrNotFound is a 404 from the server.
var ErrNotFound = errors.New("not found (404)")

// StatusError is any other unexpected HTTP status. 4xx other than 404/409 means the request
// itself is wrong (retrying will not help); 5xx is transient.
type StatusError struct {
	Code int
	Body string
}

func (e *StatusError) Error() string { return fmt.Sprintf("server answered %d: %s", e.Code, e.Body) }

// Permanent reports whether retrying the same request cannot succeed.
func (e *StatusError) Permanent() bool {
	return e.Code >= 400 && e.Code < 500 && e.Code != 408 && e.Code != 429
}

// Client calls one ak1-server with one station token.
type Client struct {
	base    string
	token   string
	version string
	http    *http.Client
}

// New returns a client for base (e.g. "http://127.0.0.1:8080").
func New(base, token, version string) *Client {
	return &Client{
		base:    strings.TrimRight(base, "/"),
		token:   token,
		version: version,
		// No overall Timeout: the claim long-poll sets its own deadline through the context.
		http: &http.Client{Transport: &http.Transport{
			Proxy:               http.ProxyFromEnvironment,
			MaxIdleConnsPerHost: 4,
			IdleConnTimeout:     90 * time.Second,
		}},
	}
}

// TrustRoots makes the client accept only server certificates that chain to pool, for an office
// whose server has a certificate from its own CA (AK1_CA).
func (c *Client) TrustRoots(pool *x509.CertPool) {
	c.http.Transport.(*http.Transport).TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
}

func (c *Client) do(ctx context.Context, method, path string, in any, header http.Header) (*http.Response, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("User-Agent", "ak1-agent/"+c.version)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header[k] = v
	}
	return c.http.Do(req)
}

func check(resp *http.Response) error {
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return nil
	case resp.StatusCode == http.StatusConflict:
		return ErrLeaseLost
	case resp.StatusCode == http.StatusNotFound:
		return ErrNotFound
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	return &StatusError{Code: resp.StatusCode, Body: strings.TrimSpace(string(b))}
}

// call does a JSON request and decodes a JSON answer into out (if not nil).
func (c *Client) call(ctx context.Context, path string, in, out any) error {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	resp, err := c.do(ctx, http.MethodPost, path, in, nil)
	if err != nil {
		return err
	}
	defer drain(resp.Body)
	if err := check(resp); err != nil {
		return err
	}
	if out != nil {
		return json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(out)
	}
	return nil
}

// Claim long-polls for a job for up to wait. It returns nil, nil when none came (204).
func (c *Client) Claim(ctx context.Context, wait time.Duration) (*protocol.ClaimResponse, error) {
	secs := int(wait / time.Second)
	// Allow the server its full wait plus time to answer before giving up on the connection.
	ctx, cancel := context.WithTimeout(ctx, wait+15*time.Second)
	defer cancel()
	q := url.Values{protocol.QueryWait: {strconv.Itoa(secs)}}
	resp, err := c.do(ctx, http.MethodPost, protocol.PathClaim+"?"+q.Encode(), nil, nil)
	if err != nil {
		return nil, err
	}
	defer drain(resp.Body)
	if resp.StatusCode == http.StatusNoContent {
		return nil, nil
	}
	if err := check(resp); err != nil {
		return nil, err
	}
	var cr protocol.ClaimResponse
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&cr); err != nil {
		return nil, fmt.Errorf("claim answer: %w", err)
	}
	if cr.JobID <= 0 || cr.Lease == "" || !strings.HasPrefix(cr.PDFPath, "/") {
		return nil, fmt.Errorf("claim answer incomplete: job %d, lease %t, pdf %q", cr.JobID, cr.Lease != "", cr.PDFPath)
	}
	return &cr, nil
}

// PDF downloads the card PDF (at most 32 MiB, far above any card).
func (c *Client) PDF(ctx context.Context, path, lease string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	resp, err := c.do(ctx, http.MethodGet, path, nil, http.Header{protocol.HeaderLease: {lease}})
	if err != nil {
		return nil, err
	}
	defer drain(resp.Body)
	if err := check(resp); err != nil {
		return nil, err
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		return nil, &StatusError{Code: resp.StatusCode, Body: "answer is not a PDF"}
	}
	return b, nil
}

// Status reports a job state.
func (c *Client) Status(ctx context.Context, jobID int64, u protocol.StatusUpdate) error {
	return c.call(ctx, protocol.JobStatusPath(jobID), u, nil)
}

// Recover tells the server what the journal knows about a job whose lease was lost.
func (c *Client) Recover(ctx context.Context, jobID int64, r protocol.Recover) error {
	return c.call(ctx, protocol.JobRecoverPath(jobID), r, nil)
}

// Heartbeat reports health and returns the station's print options.
func (c *Client) Heartbeat(ctx context.Context, hb protocol.Heartbeat) (protocol.HeartbeatResponse, error) {
	var out protocol.HeartbeatResponse
	err := c.call(ctx, protocol.PathHeartbeat, hb, &out)
	return out, err
}

// drain reads a little of what is left so the keep-alive connection can be reused.
func drain(r io.ReadCloser) {
	io.Copy(io.Discard, io.LimitReader(r, 4096))
	r.Close()
}
