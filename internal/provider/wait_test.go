package provider

import (
	"context"
	"errors"
	"io"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dweet/terraform-provider-nova/internal/nova"
)

// fakeClock drives the poller without real sleeping: each sleep advances
// the clock, and the context deadline is checked against it.
type fakeClock struct {
	now      time.Time
	slept    []time.Duration
	cancel   func() // called on the sleep number cancelAt, if set
	cancelAt int
	// deadline, if set, is the context's real deadline: a sleep that takes
	// the clock to it waits for the context to end, as a real one would.
	deadline time.Time
}

func (c *fakeClock) poller(interval time.Duration) poller {
	return poller{
		interval: interval,
		now:      func() time.Time { return c.now },
		sleep: func(ctx context.Context, d time.Duration) error {
			c.slept = append(c.slept, d)
			c.now = c.now.Add(d)
			if c.cancel != nil && len(c.slept) == c.cancelAt {
				c.cancel()
			}
			if !c.deadline.IsZero() && !c.now.Before(c.deadline) {
				<-ctx.Done()
			}
			return ctx.Err()
		},
	}
}

type step struct {
	status nova.Status
	err    error
}

// script returns a read function that plays the steps in order and repeats
// the last one.
func script(steps ...step) (func(context.Context) (nova.Status, error), *atomic.Int32) {
	var calls atomic.Int32
	return func(context.Context) (nova.Status, error) {
		i := int(calls.Add(1)) - 1
		s := steps[min(i, len(steps)-1)]
		return s.status, s.err
	}, &calls
}

func finished(s nova.Status) bool { return s.Finished() }

var transientErr = &nova.APIError{StatusCode: 503, Code: "SERVICE_UNAVAILABLE", Retryable: true}

func TestWaitPendingThenCompleted(t *testing.T) {
	clock := &fakeClock{now: time.Unix(0, 0)}
	read, calls := script(step{status: nova.StatusPending}, step{status: nova.StatusPending}, step{status: nova.StatusCompleted})
	got, err := wait(t.Context(), clock.poller(5*time.Second), read, finished)
	if err != nil || got != nova.StatusCompleted {
		t.Fatalf("got %v, %v", got, err)
	}
	if calls.Load() != 3 || len(clock.slept) != 2 || clock.slept[0] != 5*time.Second {
		t.Fatalf("calls %d, slept %v", calls.Load(), clock.slept)
	}
}

func TestWaitStopsAtOnceOnFailed(t *testing.T) {
	clock := &fakeClock{now: time.Unix(0, 0)}
	read, calls := script(step{status: nova.StatusPending}, step{status: nova.StatusFailed}, step{status: nova.StatusCompleted})
	got, err := wait(t.Context(), clock.poller(time.Second), read, finished)
	if err != nil || got != nova.StatusFailed || calls.Load() != 2 {
		t.Fatalf("got %v, %v after %d reads", got, err, calls.Load())
	}
}

func TestWaitNeverSleepsPastDeadline(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Millisecond)
	defer cancel()
	read, _ := script(step{status: nova.StatusPending})
	start := time.Now()
	_, err := wait(ctx, newPoller(time.Hour), read, finished)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	if took := time.Since(start); took > time.Second {
		t.Fatalf("a one-hour interval slept %v past a 30ms deadline", took)
	}
}

func TestWaitToleratesTransientErrorsThenSucceeds(t *testing.T) {
	clock := &fakeClock{now: time.Unix(0, 0)}
	read, calls := script(step{err: transientErr}, step{err: io.ErrUnexpectedEOF}, step{status: nova.StatusPending},
		step{err: transientErr}, step{err: transientErr}, step{err: transientErr}, step{status: nova.StatusCompleted})
	got, err := wait(t.Context(), clock.poller(time.Second), read, finished)
	if err != nil || got != nova.StatusCompleted || calls.Load() != 7 {
		t.Fatalf("got %v, %v after %d reads; the count of transient errors must reset on success", got, err, calls.Load())
	}
}

func TestWaitGivesUpAfterTooManyTransientErrors(t *testing.T) {
	clock := &fakeClock{now: time.Unix(0, 0)}
	read, calls := script(step{status: nova.StatusPending}, step{err: transientErr})
	_, err := wait(t.Context(), clock.poller(time.Second), read, finished)
	var we *waitError
	if !errors.As(err, &we) || !errors.Is(err, errTooManyTransient) || calls.Load() != 1+maxTransientFailures+1 {
		t.Fatalf("err %v after %d reads", err, calls.Load())
	}
}

func TestWaitStopsOnPermanentError(t *testing.T) {
	clock := &fakeClock{now: time.Unix(0, 0)}
	notFound := &nova.APIError{StatusCode: 404, Code: "BATCH_NOT_FOUND"}
	read, calls := script(step{status: nova.StatusPending}, step{err: notFound})
	_, err := wait(t.Context(), clock.poller(time.Second), read, finished)
	if !errors.Is(err, notFound) || calls.Load() != 2 {
		t.Fatalf("err %v after %d reads", err, calls.Load())
	}
}

func TestWaitHonoursRetryAfter(t *testing.T) {
	clock := &fakeClock{now: time.Unix(0, 0)}
	limited := &nova.APIError{StatusCode: 429, Retryable: true, RetryAfter: 9 * time.Second}
	read, _ := script(step{err: limited}, step{status: nova.StatusCompleted})
	if _, err := wait(t.Context(), clock.poller(time.Second), read, finished); err != nil {
		t.Fatal(err)
	}
	if clock.slept[0] != 9*time.Second {
		t.Fatalf("slept %v, want the 9s Nova asked for", clock.slept)
	}
}

func TestWaitCancellationEndsPromptly(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	read, _ := script(step{status: nova.StatusPending})
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	start := time.Now()
	_, err := wait(ctx, newPoller(time.Minute), read, finished)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if took := time.Since(start); took > time.Second {
		t.Fatalf("cancellation took %v", took)
	}
}

// A 503 or 429 that asks for an hour (which reaches the wait when the
// client does not retry, max_retries = 0) holds the next poll back by the
// cap at most, not until the read's deadline.
func TestWaitCapsRetryAfter(t *testing.T) {
	for _, status := range []int{503, 429} {
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		clock := &fakeClock{now: time.Now()}
		hour := &nova.APIError{StatusCode: status, Retryable: true, RetryAfter: time.Hour}
		read, _ := script(step{err: hour}, step{status: nova.StatusCompleted})
		// The context's real deadline is a minute away, but the fake clock
		// reads it as two hours: only the cap can keep the sleep short.
		clock.now = clock.now.Add(-2 * time.Hour)
		got, err := wait(ctx, clock.poller(time.Second), read, finished)
		cancel()
		if err != nil || got != nova.StatusCompleted {
			t.Fatalf("HTTP %d: got %v, %v", status, got, err)
		}
		if len(clock.slept) != 1 || clock.slept[0] != nova.MaxRetryAfter {
			t.Fatalf("HTTP %d asking for an hour: slept %v, want one sleep of the %v cap", status, clock.slept, nova.MaxRetryAfter)
		}
	}
}

func TestIsTransient(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want bool
	}{
		{&nova.APIError{StatusCode: 503, Retryable: true}, true},
		{&nova.APIError{StatusCode: 404}, false},
		{&nova.PermanentTransportError{Err: errors.New("x509: certificate signed by unknown authority")}, false},
		{&nova.AttemptTimeoutError{Timeout: time.Second, Attempts: 4, Err: context.DeadlineExceeded}, true},
		{errors.New("read: connection reset by peer"), true},
	} {
		if got := nova.IsTransient(tt.err); got != tt.want {
			t.Errorf("nova.IsTransient(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}

// The deadline of a read ends a wait with the deadline as the cause, the
// last state seen, and the last transient error; nothing sleeps past it.
func TestWaitTimeoutReportsLastState(t *testing.T) {
	start := time.Now()
	deadline := start.Add(300 * time.Millisecond)
	ctx, cancel := context.WithDeadline(t.Context(), deadline)
	defer cancel()
	clock := &fakeClock{now: start, deadline: deadline}
	read, calls := script(step{status: nova.StatusPending}, step{err: transientErr}, step{status: nova.StatusPending})
	got, err := wait(ctx, clock.poller(120*time.Millisecond), read, finished)
	var we *waitError
	if !errors.As(err, &we) || !errors.Is(we.Cause, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want a wait error caused by the deadline", err)
	}
	if got != nova.StatusPending || we.Polls != int(calls.Load()) || we.Successes != 2 || !errors.Is(we.LastError, transientErr) {
		t.Fatalf("got %v, %#v after %d reads", got, we, calls.Load())
	}
	var total time.Duration
	for _, d := range clock.slept {
		total += d
	}
	if total > 300*time.Millisecond {
		t.Fatalf("slept %v in all, past the 300ms deadline", clock.slept)
	}
}
