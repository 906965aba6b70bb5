package nova

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

// errBodyTooLarge is not retried: the next attempt would be as large.
var errBodyTooLarge = errors.New("response body too large")

// checkRetry decides whether an attempt is worth repeating. Reads are
// idempotent, so network errors, per-attempt timeouts and the SDK's
// retryable statuses are retried; other 4xx never are. A Nova error body
// saying "retryable": false is believed. A Retry-After beyond the read
// deadline ends the retries at once, so that the caller gets Nova's answer
// rather than a bare "deadline exceeded" after a pointless sleep.
func checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return false, ctxErr
	}
	if err != nil {
		if errors.Is(err, errBodyTooLarge) {
			return false, err
		}
		return true, nil
	}
	if !retryableStatus(resp.StatusCode) {
		return false, nil
	}
	if body := peekBody(resp, 64<<10); len(body) > 0 {
		if e := ParseError(resp.StatusCode, resp.Header, body, time.Now()); !e.Retryable {
			return false, nil
		}
	}
	if wait, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
		if deadline, has := ctx.Deadline(); has && time.Until(deadline) < wait {
			return false, nil
		}
	}
	return true, nil
}

// peekBody reads up to limit bytes of an error body and puts them back, so
// that the retry policy can see Nova's retryable flag and the final
// response can still be reported in full. retryablehttp asks the policy
// twice about a final response (before and after its body is read), so a
// body already peeked answers from what was kept.
func peekBody(resp *http.Response, limit int64) []byte {
	if p, ok := resp.Body.(*peekedBody); ok {
		return p.head
	}
	if resp.Body == nil {
		return nil
	}
	head, _ := io.ReadAll(io.LimitReader(resp.Body, limit))
	resp.Body = &peekedBody{Reader: io.MultiReader(bytes.NewReader(head), resp.Body), Closer: resp.Body, head: head}
	return head
}

type peekedBody struct {
	io.Reader
	io.Closer
	head []byte
}

// backoff is exponential with jitter, starting near min and capped at max,
// unless the server said how long to wait. The wait is never longer than
// what is left of the request's deadline (retryablehttp's sleep also selects
// on the context, so cancellation ends it at once).
func backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	var wait time.Duration
	if resp != nil {
		if ra, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			wait = ra
		}
	}
	if wait == 0 {
		wait = maxWait
		if attempt < 30 {
			wait = min(maxWait, minWait<<attempt)
		}
		// Equal jitter: half fixed, half random, so that many data sources
		// failing together do not retry in lockstep.
		wait = wait/2 + rand.N(wait/2+1)
	}
	if resp != nil && resp.Request != nil {
		if deadline, ok := resp.Request.Context().Deadline(); ok {
			wait = min(wait, max(0, time.Until(deadline)))
		}
	}
	return wait
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
