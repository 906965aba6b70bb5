package nova

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// The retry loop is written here rather than left to go-retryablehttp,
// which the client used before, because the policy no longer fits its
// hooks:
//   - a 429 must be waited out for as long as the read's deadline allows,
//     outside max_retries, but retryablehttp counts every attempt against
//     RetryMax;
//   - its Backoff hook gets neither the request nor its context when an
//     attempt failed without a response, so it cannot tell how many of the
//     earlier attempts were 429s;
//   - the per-attempt timeout must start when the pacer grants the turn,
//     not when the request is queued, which needs the pacer outside the
//     http.Client whose Timeout retryablehttp relies on;
//   - on a deadline it returns the bare context error, losing the last
//     answer that the diagnostic must name.
// What is left is a short loop.

// errBodyTooLarge is not retried: the next attempt would be as large.
var errBodyTooLarge = errors.New("response body too large")

// DefaultRateLimitWait bounds a read, and so how long its 429 answers are
// waited out, when the caller's context has no deadline. The provider
// always sets one: the data source's timeouts.read, 20 minutes by default.
const DefaultRateLimitWait = 20 * time.Minute

// AttemptTimeoutError is an attempt that took longer than the client's
// per-attempt timeout (the provider's request_timeout), after the retries
// max_retries allows.
type AttemptTimeoutError struct {
	Timeout  time.Duration
	Attempts int
	Err      error
}

func (e *AttemptTimeoutError) Error() string {
	return fmt.Sprintf("no answer within the per-attempt timeout of %s (%d attempt(s)): %v", e.Timeout, e.Attempts, e.Err)
}

func (e *AttemptTimeoutError) Unwrap() error { return e.Err }

// DeadlineError is a read whose deadline (the caller's context) ended while
// it was being retried or paced. Last is the last answer or transport error,
// when there was one; both it and the context's error are unwrapped, so
// errors.As finds an *APIError in it and errors.Is finds
// context.DeadlineExceeded.
type DeadlineError struct {
	Attempts    int
	RateLimited int // how many answers were 429
	Last        error
	Err         error // the context's error
}

func (e *DeadlineError) Error() string {
	msg := fmt.Sprintf("the read's deadline was reached after %d attempt(s)", e.Attempts)
	if e.RateLimited > 0 {
		msg += fmt.Sprintf(", %d of them answered 429 (rate limited)", e.RateLimited)
	}
	if e.Last != nil {
		msg += fmt.Sprintf("; last answer: %v", e.Last)
	}
	return msg
}

func (e *DeadlineError) Unwrap() []error {
	if e.Last == nil {
		return []error{e.Err}
	}
	return []error{e.Err, e.Last}
}

// PermanentTransportError is a failure that no retry can mend: a
// certificate the system does not trust, a request Go refuses to send (an
// invalid header value, an unsupported scheme), too many redirects. It
// fails at once (see transientTransport).
type PermanentTransportError struct {
	Err error
}

func (e *PermanentTransportError) Error() string { return e.Err.Error() }
func (e *PermanentTransportError) Unwrap() error { return e.Err }

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

// attemptTimeout marks an attempt cut off by the per-attempt timeout, as
// opposed to the caller's deadline.
type attemptTimeout struct{ err error }

func (e *attemptTimeout) Error() string { return e.err.Error() }
func (e *attemptTimeout) Unwrap() error { return e.err }

// answer is one attempt's outcome.
type answer struct {
	resp *http.Response // body already read into body and closed
	body []byte
	err  error
	// permanent says that err cannot mend by retrying (transientTransport,
	// which must see the error as http.Client.Do returned it).
	permanent bool
}

// do performs one logical request with its retries and returns the last
// answer (whatever its status) or an error when there was none to return.
// The request must have no body (Nova reads are GETs).
func (c *Client) do(ctx context.Context, req *http.Request) (*http.Response, []byte, error) {
	st := &retryState{}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultRateLimitWait)
		defer cancel()
	}
	route := bucketOf(req)
	for {
		tn := turn{route: route}
		tn.bucket, tn.pacer = c.pacers.forRoute(route)
		var err error
		if tn.sent, err = tn.pacer.acquire(ctx); err != nil {
			return nil, nil, st.stopped(err)
		}
		st.attempts++
		a := c.attempt(ctx, req, st.attempts, tn)

		var wait time.Duration
		switch {
		case a.err != nil:
			if ctx.Err() != nil {
				return nil, nil, st.stopped(ctx.Err())
			}
			st.last = a.err
			var expiry *attemptTimeout
			if errors.As(a.err, &expiry) {
				st.last = &AttemptTimeoutError{Timeout: c.timeout, Attempts: st.attempts, Err: expiry.err}
			}
			if a.permanent {
				if errors.Is(a.err, errBodyTooLarge) {
					return nil, nil, a.err
				}
				return nil, nil, &PermanentTransportError{Err: a.err}
			}
			if st.failures++; st.failures > c.maxRetries {
				if _, ok := st.last.(*AttemptTimeoutError); ok {
					return nil, nil, st.last
				}
				return nil, nil, fmt.Errorf("after %d attempt(s): %w", st.attempts, st.last)
			}
			wait = c.backoff(st.failures)
		case a.resp.StatusCode >= 200 && a.resp.StatusCode <= 299:
			return a.resp, a.body, nil
		default:
			apiErr := ParseError(a.resp.StatusCode, a.resp.Header, a.body, time.Now())
			if !apiErr.Retryable {
				return a.resp, a.body, nil
			}
			st.last = apiErr
			ra := c.boundRetryAfter(ctx, apiErr.RetryAfter, req)
			if a.resp.StatusCode == http.StatusTooManyRequests {
				// Not a failure: Nova asks to wait, and the pacer
				// holds every request for Retry-After plus jitter.
				// Only the deadline bounds how often.
				st.rateLimited++
				if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < ra {
					return nil, nil, st.stopped(context.DeadlineExceeded)
				}
				break
			}
			if st.failures++; st.failures > c.maxRetries {
				return a.resp, a.body, nil
			}
			wait = max(c.backoff(st.failures), ra)
		}
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
			// Sleeping would only end in the deadline: say so now,
			// with the answer that made us wait.
			return nil, nil, st.stopped(context.DeadlineExceeded)
		}
		if err := sleepContext(ctx, wait); err != nil {
			return nil, nil, st.stopped(err)
		}
	}
}

// retryState follows one logical request across its attempts.
type retryState struct {
	attempts    int
	failures    int // attempts that count against max_retries
	rateLimited int
	last        error
}

// stopped is the error for a request ended by its context: cancellation as
// is, a deadline with what happened before it.
func (st *retryState) stopped(err error) error {
	if errors.Is(err, context.Canceled) {
		return err
	}
	return &DeadlineError{Attempts: st.attempts, RateLimited: st.rateLimited, Last: st.last, Err: err}
}

// turn is a request's place in its bucket's pacing, granted at sent.
type turn struct {
	route, bucket string
	pacer         *Pacer
	sent          time.Time
}

// attempt sends req once. Its timeout starts now, after the pacer granted
// the turn, and covers reading the body, so that a stall in the middle of
// the body is an attempt timeout like any other.
func (c *Client) attempt(ctx context.Context, req *http.Request, n int, tn turn) answer {
	actx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	r := req.Clone(actx)
	path := LogPath(r.URL.EscapedPath())
	c.log.Trace(ctx, "Nova request headers", map[string]any{"method": r.Method, "path": path, "headers": maskedHeaders(r.Header)})
	start := time.Now()
	resp, err := c.http.Do(r)
	var body []byte
	if err == nil {
		body, err = readCapped(resp.Body, c.maxBody)
		resp.Body.Close()
	}
	fields := map[string]any{
		"method":      r.Method,
		"path":        path,
		"attempt":     n,
		"duration_ms": time.Since(start).Milliseconds(),
	}
	c.pacers.done(tn.route, tn.bucket, tn.pacer, resp, tn.sent, c.maxRetryAfter)
	if err != nil {
		permanent := !transientTransport(ctx, err)
		err = &TransportError{Method: r.Method, Path: path, Err: err}
		if actx.Err() != nil && ctx.Err() == nil {
			err = &attemptTimeout{err: err}
		}
		fields["error"] = err.Error()
		c.log.Debug(ctx, "Nova request failed", fields)
		return answer{err: err, permanent: permanent}
	}
	fields["status"] = resp.StatusCode
	fields["trace_id"] = Sanitize(resp.Header.Get("X-Trace-Id"), ShortText)
	if rem := resp.Header.Get("X-RateLimit-Remaining"); rem != "" {
		fields["ratelimit_remaining"] = Sanitize(rem, ShortText)
	}
	c.log.Debug(ctx, "Nova request", fields)
	return answer{resp: resp, body: body}
}

// boundRetryAfter applies the cap (MaxRetryAfter by default) to a Retry-After, and says so at
// Info when it had to: a long sleep inside one attempt must never be
// silent.
func (c *Client) boundRetryAfter(ctx context.Context, ra time.Duration, req *http.Request) time.Duration {
	if ra <= c.maxRetryAfter {
		return ra
	}
	c.log.Info(ctx, "Nova asked to wait longer than the provider waits between attempts; waiting the cap instead", map[string]any{
		"path":        LogPath(req.URL.EscapedPath()),
		"retry_after": ra.String(),
		"cap":         c.maxRetryAfter.String(),
	})
	return c.maxRetryAfter
}

// backoff is exponential with jitter, from waitMin and capped at waitMax,
// for the n-th failure that counts against max_retries. Equal jitter (half
// fixed, half random) keeps many data sources failing together from
// retrying in lockstep.
func (c *Client) backoff(n int) time.Duration {
	return backoff(c.waitMin, c.waitMax, n-1)
}

func backoff(minWait, maxWait time.Duration, attempt int) time.Duration {
	wait := maxWait
	if attempt < 30 {
		wait = min(maxWait, minWait<<attempt)
	}
	return wait/2 + rand.N(wait/2+1)
}

// sleepContext sleeps for d or until ctx ends.
func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// parseRetryAfter reads Retry-After as delay-seconds or as an HTTP date
// (RFC 9110 §10.2.3). Nova documents seconds; proxies in front of it may
// send dates.
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
