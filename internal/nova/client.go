package nova

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Defaults, chosen from the API's documentation (nova-api.md §7, §10).
const (
	DefaultBaseURL        = "https://embed.nova.dweet.com"
	DefaultMaxRetries     = 3
	DefaultRequestTimeout = 30 * time.Second
	// DefaultMaxBodyBytes bounds memory on hostile responses. A batch holds
	// at most 25 jobs (a few KiB each); 8 MiB leaves room for 1,000.
	DefaultMaxBodyBytes int64 = 8 << 20
)

// Config configures a Client. Zero values take the defaults above.
type Config struct {
	BaseURL   string // with or without a trailing "/v1"
	APIKey    string
	UserAgent string
	// MaxRetries bounds the retries of 5xx answers, network errors and
	// per-attempt timeouts; negative disables them. 429 answers are not
	// counted: they are waited out until the context's deadline.
	MaxRetries     int
	RequestTimeout time.Duration // per attempt, from the pacer's grant
	RetryWaitMin   time.Duration // first backoff, default 500ms
	RetryWaitMax   time.Duration // backoff cap, default 30s
	MaxRetryAfter  time.Duration // cap on one Retry-After wait, default MaxRetryAfter
	MaxBodyBytes   int64
	Logger         Logger
	// Transport replaces the network transport (tests, benchmarks). By
	// default it is a clone of http.DefaultTransport, so HTTPS_PROXY and
	// NO_PROXY apply.
	Transport http.RoundTripper
}

// Client calls the Nova API. It is safe for concurrent use.
type Client struct {
	baseURL    string
	apiKey     string
	userAgent  string
	maxBody    int64
	maxRetries int
	timeout    time.Duration
	waitMin    time.Duration
	waitMax    time.Duration
	// maxRetryAfter caps a single Retry-After wait.
	maxRetryAfter time.Duration
	log           Logger
	// pacers pace the client's requests under Nova's rate limits, one
	// per bucket. Nothing is shared between clients: Terraform starts a
	// provider process per provider configuration, so the other users of
	// the key (aliases included) are other processes, and the answers'
	// headers are how they pace together.
	pacers *bucketPacers
	http   *http.Client
}

// New validates cfg and builds a Client.
func New(cfg Config) (*Client, error) {
	base, err := NormalizeBaseURL(cmp.Or(cfg.BaseURL, DefaultBaseURL))
	if err != nil {
		return nil, err
	}
	if cfg.APIKey == "" {
		return nil, errors.New("an API key is required")
	}
	if cfg.Logger == nil {
		cfg.Logger = nopLogger{}
	}
	transport := cfg.Transport
	if transport == nil {
		def, ok := http.DefaultTransport.(*http.Transport)
		if !ok {
			return nil, fmt.Errorf("http.DefaultTransport is a %T, not an *http.Transport; pass Config.Transport", http.DefaultTransport)
		}
		// A clone keeps the proxy settings (HTTPS_PROXY, NO_PROXY). TLS
		// verification is always on: there is deliberately no switch.
		t := def.Clone()
		t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
		transport = t
	}
	maxRetries := cfg.MaxRetries
	switch {
	case maxRetries == 0:
		maxRetries = DefaultMaxRetries
	case maxRetries < 0:
		maxRetries = 0
	}
	return &Client{
		baseURL:       base,
		apiKey:        cfg.APIKey,
		userAgent:     cfg.UserAgent,
		maxBody:       cmp.Or(cfg.MaxBodyBytes, DefaultMaxBodyBytes),
		maxRetries:    maxRetries,
		timeout:       cmp.Or(cfg.RequestTimeout, DefaultRequestTimeout),
		waitMin:       cmp.Or(cfg.RetryWaitMin, 500*time.Millisecond),
		waitMax:       cmp.Or(cfg.RetryWaitMax, 30*time.Second),
		maxRetryAfter: cmp.Or(cfg.MaxRetryAfter, MaxRetryAfter),
		log:           cfg.Logger,
		pacers:        newBucketPacers(time.Now),
		// No Timeout here: the per-attempt timeout starts when the
		// pacer grants the turn (see attempt), not while queued.
		http: &http.Client{
			Transport: transport,
			// Nova never redirects; a redirect would carry the API key elsewhere.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}, nil
}

// NormalizeBaseURL accepts the API root with or without "/v1" and a trailing
// slash and returns it without either. Plain http is only allowed for
// loopback hosts, where the local Nova server runs: anywhere else it would
// send the API key in clear text.
func NormalizeBaseURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", fmt.Errorf("base URL %q is not a URL: %w", raw, err)
	}
	if !u.IsAbs() || u.Host == "" {
		return "", fmt.Errorf("base URL %q must be absolute, such as %s", raw, DefaultBaseURL)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !IsLoopbackHost(u.Hostname()) {
			return "", fmt.Errorf("base URL %q uses plain http, which is only allowed for loopback hosts (127.0.0.1, ::1, localhost); use https", raw)
		}
	default:
		return "", fmt.Errorf("base URL %q must use https (or http on a loopback host)", raw)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("base URL %q must not carry credentials, a query or a fragment", raw)
	}
	path := strings.TrimSuffix(strings.TrimRight(u.EscapedPath(), "/"), "/v1")
	return u.Scheme + "://" + u.Host + strings.TrimRight(path, "/"), nil
}

// IsLoopbackHost reports whether host (without port) is a loopback name or
// address.
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// pathSegment escapes one path parameter so that it can never change the
// path's shape: "/", "?", "#" and spaces are escaped by url.PathEscape, and
// the dot segments that servers would collapse are escaped too.
func pathSegment(s string) string {
	if s == "." || s == ".." {
		return strings.ReplaceAll(s, ".", "%2E")
	}
	return url.PathEscape(s)
}

// get performs one logical GET (with its retries) and returns the body of a
// 2xx response and its trace id; any other status becomes an *APIError.
func (c *Client) get(ctx context.Context, tenant string, segments ...string) ([]byte, string, error) {
	var path strings.Builder
	path.WriteString(c.baseURL)
	path.WriteString("/v1")
	for _, s := range segments {
		path.WriteByte('/')
		path.WriteString(pathSegment(s))
	}

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, path.String(), nil)
	if err != nil {
		return nil, "", fmt.Errorf("building request: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+c.apiKey)
	req.Header.Set("Accept", "application/json")
	if tenant != "" {
		req.Header.Set("X-Tenant-Id", tenant)
	}
	if c.userAgent != "" {
		req.Header.Set("User-Agent", c.userAgent)
	}

	resp, body, err := c.do(ctx, req)
	if err != nil {
		return nil, "", err
	}
	traceID := Sanitize(resp.Header.Get("X-Trace-Id"), ShortText)
	c.log.Trace(ctx, "Nova response body (candidate values masked)", map[string]any{"status": resp.StatusCode, "trace_id": traceID, "body": Sanitize(redactBody(body), 64<<10)})
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, traceID, ParseError(resp.StatusCode, resp.Header, body, time.Now())
	}
	return body, traceID, nil
}

// readCapped reads a whole body but refuses to hold more than limit bytes.
func readCapped(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading the response: %w", err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%w: more than %d bytes; a Nova response is far smaller, so something between you and Nova is answering", errBodyTooLarge, limit)
	}
	return b, nil
}

// GetScoringBatch reads a batch with its scoring jobs and rejected
// applications (GET /v1/jobs/{jobId}/scoring-batches/{scoringBatchId}).
func (c *Client) GetScoringBatch(ctx context.Context, jobID, batchID, tenant string) (*BatchResult, error) {
	body, traceID, err := c.get(ctx, tenant, "jobs", jobID, "scoring-batches", batchID)
	if err != nil {
		return nil, err
	}
	r, err := DecodeBatch(body)
	if err != nil {
		return nil, &DecodeError{What: "scoring batch", TraceID: traceID, Err: err}
	}
	r.TraceID = traceID
	return r, nil
}

// GetScoringJob reads one scoring job
// (GET /v1/jobs/{jobId}/applications/{applicationId}/scoring-jobs/{scoringJobId}).
func (c *Client) GetScoringJob(ctx context.Context, jobID, applicationID, scoringJobID, tenant string) (*ScoringJobResult, error) {
	return c.getScoringJob(ctx, tenant, "jobs", jobID, "applications", applicationID, "scoring-jobs", scoringJobID)
}

// GetApplicationScore reads an application's latest scoring job
// (GET /v1/jobs/{jobId}/applications/{applicationId}/score).
func (c *Client) GetApplicationScore(ctx context.Context, jobID, applicationID, tenant string) (*ScoringJobResult, error) {
	return c.getScoringJob(ctx, tenant, "jobs", jobID, "applications", applicationID, "score")
}

func (c *Client) getScoringJob(ctx context.Context, tenant string, segments ...string) (*ScoringJobResult, error) {
	body, traceID, err := c.get(ctx, tenant, segments...)
	if err != nil {
		return nil, err
	}
	r, err := DecodeScoringJob(body)
	if err != nil {
		return nil, &DecodeError{What: "scoring job", TraceID: traceID, Err: err}
	}
	r.TraceID = traceID
	return r, nil
}

// DecodeError is a 2xx response whose body could not be understood.
type DecodeError struct {
	What    string
	TraceID string
	Err     error
}

func (e *DecodeError) Error() string {
	// The cause may quote the body (a value of the wrong type, a
	// timestamp that does not parse): bounded and cleaned like any text
	// from Nova.
	msg := fmt.Sprintf("could not read the %s response: %s", e.What, Sanitize(e.Err.Error(), LongText))
	if e.TraceID != "" {
		msg += fmt.Sprintf(" (trace id %s)", e.TraceID)
	}
	return msg
}

func (e *DecodeError) Unwrap() error { return e.Err }
