package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dweet/terraform-provider-nova/internal/nova"
)

// maxTransientFailures is how many reads in a row may fail transiently
// (after the client's own retries) before a wait gives up. One flaky
// response must not fail a gate that has waited twenty minutes.
const maxTransientFailures = 3

// poller repeats a read until it reports a finished state. The sleep is
// injectable so that tests can run the state machine without real time.
type poller struct {
	interval time.Duration
	now      func() time.Time
	sleep    func(ctx context.Context, d time.Duration) error
}

func newPoller(interval time.Duration) poller {
	return poller{interval: interval, now: time.Now, sleep: nova.Sleep}
}

// waitError says why a wait ended without a finished state.
type waitError struct {
	Cause     error         // context.DeadlineExceeded, context.Canceled, or errTooManyTransient
	Elapsed   time.Duration // since the wait began
	Polls     int           // reads attempted
	Successes int           // reads that succeeded
	LastError error         // the last transient read error, if any
}

var errTooManyTransient = fmt.Errorf("%d consecutive reads failed", maxTransientFailures+1)

func (e *waitError) Error() string {
	msg := fmt.Sprintf("%v after %s and %d reads", e.Cause, e.Elapsed.Round(time.Millisecond), e.Polls)
	if e.LastError != nil {
		msg += fmt.Sprintf("; last error: %v", e.LastError)
	}
	return msg
}

func (e *waitError) Unwrap() error { return e.Cause }

// wait calls read until finished reports true. It returns at once on a
// permanent error (such as 401 or 404), tolerates a few transient ones in a
// row, never sleeps past ctx's deadline, and ends within a timer tick of a
// cancellation. The last successful value is returned with any error so that
// a timeout can report the last known state.
func wait[T any](ctx context.Context, p poller, read func(context.Context) (T, error), finished func(T) bool) (T, error) {
	var last T
	var lastErr error
	start := p.now()
	transient, successes := 0, 0
	fail := func(cause error, polls int, transientErr error) *waitError {
		return &waitError{Cause: cause, Elapsed: p.now().Sub(start), Polls: polls, Successes: successes, LastError: transientErr}
	}
	for polls := 1; ; polls++ {
		v, err := read(ctx)
		next := p.interval
		switch {
		case err == nil:
			last, transient = v, 0
			successes++
			if finished(v) {
				return v, nil
			}
		case ctx.Err() != nil:
			return last, fail(ctx.Err(), polls, lastErr)
		case !nova.IsTransient(err):
			return last, err
		default:
			lastErr = err
			transient++
			if transient > maxTransientFailures {
				return last, fail(errTooManyTransient, polls, err)
			}
			next = max(next, retryAfter(err))
		}
		if deadline, ok := ctx.Deadline(); ok {
			next = min(next, max(0, deadline.Sub(p.now())))
		}
		if err := p.sleep(ctx, next); err != nil {
			return last, fail(err, polls, lastErr)
		}
		if ctx.Err() != nil {
			return last, fail(ctx.Err(), polls, lastErr)
		}
	}
}

// retryAfter is how long a transient error asks the wait to hold off,
// capped like the client's own retries (nova.MaxRetryAfter; the provider
// does not change the client's cap). With max_retries = 0 the client hands
// a 429 or 503 straight to the wait, and a hostile or broken server must not
// be able to park it until timeouts.read runs out with one "Retry-After:
// 3600": the next poll comes within the cap.
func retryAfter(err error) time.Duration {
	var apiErr *nova.APIError
	if errors.As(err, &apiErr) {
		return min(apiErr.RetryAfter, nova.MaxRetryAfter)
	}
	return 0
}
