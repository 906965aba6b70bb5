package nova

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// One logical request: each attempt waits for its turn in its bucket's
// pacer (buckets.go, pacer.go), is sent under the per-attempt timeout, and
// is followed by another as the retry policy (retry.go) allows.

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
		if err := Sleep(ctx, wait); err != nil {
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

// outcome is what one attempt brought: an answer, or an error.
type outcome struct {
	resp *http.Response // body already read into body and closed
	body []byte
	err  error
	// permanent says that err cannot mend by retrying (transientTransport,
	// which must see the error as http.Client.Do returned it).
	permanent bool
}

// attempt sends req once. Its timeout starts now, after the pacer granted
// the turn, and covers reading the body, so that a stall in the middle of
// the body is an attempt timeout like any other.
func (c *Client) attempt(ctx context.Context, req *http.Request, n int, tn turn) outcome {
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
		return outcome{err: err, permanent: permanent}
	}
	fields["status"] = resp.StatusCode
	fields["trace_id"] = Sanitize(resp.Header.Get("X-Trace-Id"), ShortText)
	if rem := resp.Header.Get("X-RateLimit-Remaining"); rem != "" {
		fields["ratelimit_remaining"] = Sanitize(rem, ShortText)
	}
	c.log.Debug(ctx, "Nova request", fields)
	return outcome{resp: resp, body: body}
}

// attemptTimeout marks an attempt cut off by the per-attempt timeout, as
// opposed to the caller's deadline.
type attemptTimeout struct{ err error }

func (e *attemptTimeout) Error() string { return e.err.Error() }
func (e *attemptTimeout) Unwrap() error { return e.err }

// backoff is the wait after the n-th failure that counts against
// max_retries: from waitMin, doubling, capped at waitMax (retry.go).
func (c *Client) backoff(n int) time.Duration {
	return backoff(c.waitMin, c.waitMax, n-1)
}

// boundRetryAfter applies the cap (MaxRetryAfter by default) to a
// Retry-After, and says so at Info when it had to: a long sleep inside one
// attempt must never be silent.
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
