package nova

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// The retry policy: which answers are tried again, how long to wait before
// the next attempt, and for how long a read may go on. The loop that
// applies it is Client.do (request.go). It is a loop of its own rather than
// go-retryablehttp's, because the policy does not fit that library's hooks:
//   - a 429 is waited out for as long as the read's deadline allows,
//     outside max_retries, but retryablehttp counts every attempt against
//     RetryMax;
//   - its Backoff hook gets neither the request nor its context when an
//     attempt failed without a response, so it cannot tell how many of the
//     earlier attempts were 429s;
//   - the per-attempt timeout starts when the pacer grants the turn, not
//     when the request is queued, which needs the pacer outside the
//     http.Client whose Timeout retryablehttp relies on;
//   - on a deadline it returns the bare context error, losing the last
//     answer that the diagnostic must name.
// Only its classification of transport errors is used (transientTransport).

const (
	// DefaultMaxRetries bounds the retries of 5xx answers, network errors
	// and per-attempt timeouts (Config.MaxRetries); 429 answers are not
	// counted. The SDK's own default is in CONTRACT.md, Retries.
	DefaultMaxRetries = 3
	// DefaultRetryWaitMin and DefaultRetryWaitMax are the SDK's first delay
	// and its largest (CONTRACT.md, Retries): the backoff doubles from the
	// one up to the other.
	DefaultRetryWaitMin = 500 * time.Millisecond
	DefaultRetryWaitMax = 30 * time.Second
)

// DefaultRateLimitWait bounds a read, and so how long its 429 answers are
// waited out, when the caller's context has no deadline. The provider
// always sets one: the data source's timeouts.read, 20 minutes by default.
const DefaultRateLimitWait = 20 * time.Minute

// MaxRetryAfter caps one wait between attempts (Config.MaxRetryAfter
// overrides it, for tests). Nova sends Retry-After in seconds, 1-2 for its
// one-second windows (CONTRACT.md, Rate-limit headers); a much larger value
// is more likely a proxy's or a misconfiguration's than a real need, and a
// read that sleeps for minutes inside one attempt looks hung. 30 s is also
// the SDK's largest delay (CONTRACT.md, Retries). A capped value is logged at
// Info; the read still waits for as long as its deadline allows, in steps of
// at most this.
const MaxRetryAfter = 30 * time.Second

// RetriedServerErrors are the server errors the client retries, counted
// against Config.MaxRetries; with 429, which is waited out instead, they are
// the SDK's default set of retryable statuses (CONTRACT.md, Retries).
// A function, not a variable, so that no caller can change the policy.
func RetriedServerErrors() []int {
	return []int{http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout}
}

// retryableStatus says whether an answer's status is worth another attempt.
// An error body's own "retryable" flag overrides it (ParseError).
func retryableStatus(code int) bool {
	return code == http.StatusTooManyRequests || slices.Contains(RetriedServerErrors(), code)
}

// parseRetryAfter reads Retry-After as delay-seconds or as an HTTP date
// (RFC 9110 §10.2.3, https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3).
// Nova documents seconds; proxies in front of it may send dates. The result
// is not capped here: the callers cap it (MaxRetryAfter), and say so.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(min(secs, 24*3600)) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(0, t.Sub(now)), true
	}
	return 0, false
}

// errBodyTooLarge is not retried: the next attempt would be as large.
var errBodyTooLarge = errors.New("response body too large")

// IsTransient reports whether a failed read may succeed if repeated later:
// Nova said so, the response could not be read, or the network failed in a
// way that can mend. A 4xx other than 429, an untrusted certificate or a
// malformed request will not.
func IsTransient(err error) bool {
	var perm *PermanentTransportError
	if errors.As(err, &perm) || errors.Is(err, errBodyTooLarge) {
		return false
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.Retryable
	}
	return true
}

// transientTransport classifies an attempt that got no answer. A transport
// error is transient by default and counts against max_retries: a connection
// refused, reset or closed mid-answer, a timeout, a DNS failure, a proxy that
// answered CONNECT with an error, an answer that is not HTTP, an HTTP/2
// GOAWAY or stream reset may all mend. What cannot mend fails at once: a
// certificate or TLS verification error, an unsupported scheme, a malformed
// header, too many redirects (go-retryablehttp's DefaultRetryPolicy tells
// these apart, so it is called rather than kept as a second list here), and
// a body over the size limit (which only this client knows about). A
// malformed URL never gets this far: building the request fails first.
//
// The policy matches on the *url.Error that http.Client.Do returns, so err
// must be Do's error as it came; an attempt cut off by its timeout or a
// body that failed mid-read is transient either way.
func transientTransport(ctx context.Context, err error) bool {
	if errors.Is(err, errBodyTooLarge) {
		return false
	}
	retry, _ := retryablehttp.DefaultRetryPolicy(ctx, nil, err)
	return retry
}

// backoff is exponential with jitter, from minWait and capped at maxWait,
// before the retry that follows the given failure (0 for the first). Equal
// jitter (half fixed, half random) keeps many data sources failing together
// from retrying in lockstep.
func backoff(minWait, maxWait time.Duration, attempt int) time.Duration {
	wait := maxWait
	if attempt < 30 {
		wait = min(maxWait, minWait<<attempt)
	}
	return wait/2 + rand.N(wait/2+1)
}

// Sleep waits for d and returns nil, or returns ctx's error as soon as ctx
// ends (at once when d is not positive and ctx has ended). It is the one
// context-aware sleep of the module: the retries wait in it, and so does the
// provider between polls.
func Sleep(ctx context.Context, d time.Duration) error {
	return sleepOrWake(ctx, d, nil)
}

// sleepOrWake is Sleep that also returns, with nil, when wake is closed; a
// nil wake never is. The pacer waits in it for its next turn, which an
// answer to another request can bring forward.
func sleepOrWake(ctx context.Context, d time.Duration, wake <-chan struct{}) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-wake:
	case <-t.C:
	}
	return nil
}
