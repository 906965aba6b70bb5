package nova

import (
	"cmp"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Defaults of a Config (CONTRACT.md, Endpoints; the retry defaults are in
// retry.go).
const (
	DefaultBaseURL        = "https://embed.nova.dweet.com"
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
		waitMin:       cmp.Or(cfg.RetryWaitMin, DefaultRetryWaitMin),
		waitMax:       cmp.Or(cfg.RetryWaitMax, DefaultRetryWaitMax),
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
