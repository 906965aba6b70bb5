package nova

import (
	"bufio"
	"cmp"
	"context"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dweet/terraform-provider-nova/internal/novafake"
)

const (
	testKey    = "sk_test_resilience_0123456789"
	testTenant = "acme-corp"
)

// newTestClient starts novafake with one completed batch and returns a
// client with millisecond backoff, so that retry tests take no real time.
func newTestClient(t *testing.T, cfg Config, opts ...novafake.Option) (*Client, *novafake.Server, string) {
	t.Helper()
	s := novafake.New(opts...)
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	id, err := s.AddBatch(novafake.BatchSpec{Tenant: testTenant, JobID: "job-1", Jobs: []novafake.JobSpec{
		{ApplicationID: "app-1", Score: 8}, {ApplicationID: "app-2", Score: 4},
	}})
	if err != nil {
		t.Fatal(err)
	}
	cfg.BaseURL = ts.URL
	cfg.APIKey = testKey
	cfg.RetryWaitMin = cmp.Or(cfg.RetryWaitMin, time.Millisecond)
	cfg.RetryWaitMax = cmp.Or(cfg.RetryWaitMax, 10*time.Millisecond)
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c, s, id
}

func retryable(b bool) *bool { return &b }

// settledRequests waits briefly for the server to log requests whose
// handlers are still unwinding (a huge body ends when the client hangs up),
// then returns how many it saw.
func settledRequests(s *novafake.Server, want int) int {
	for deadline := time.Now().Add(2 * time.Second); len(s.Requests()) < want && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond) // room for an unwanted extra request to show up
	return len(s.Requests())
}

// TestFaultMatrix is the table behind the fault matrix in the project's
// notes: every fault novafake can inject, what the client does with it.
func TestFaultMatrix(t *testing.T) {
	tests := []struct {
		name     string
		faults   []novafake.Fault
		timeout  time.Duration // per attempt
		requests int           // how many requests the server sees
		wantErr  string        // empty: the read succeeds
		warning  string
	}{
		{name: "500 then success", faults: []novafake.Fault{{Kind: novafake.FaultStatus, Status: 500}}, requests: 2},
		{name: "502 then success", faults: []novafake.Fault{{Kind: novafake.FaultStatus, Status: 502}}, requests: 2},
		{name: "503 then success", faults: []novafake.Fault{{Kind: novafake.FaultStatus, Status: 503}}, requests: 2},
		{name: "504 then success", faults: []novafake.Fault{{Kind: novafake.FaultStatus, Status: 504}}, requests: 2},
		{name: "429 with Retry-After then success", faults: []novafake.Fault{{Kind: novafake.FaultStatus, Status: 429, RetryAfter: "0"}}, requests: 2},
		{name: "HTML 502 then success", faults: []novafake.Fault{{Kind: novafake.FaultHTML502}}, requests: 2},
		{name: "text 502 then success", faults: []novafake.Fault{{Kind: novafake.FaultText502}}, requests: 2},
		{name: "connection reset then success", faults: []novafake.Fault{{Kind: novafake.FaultConnReset}}, requests: 2},
		{name: "stall mid-body then success", faults: []novafake.Fault{{Kind: novafake.FaultStallMidBody}}, timeout: 300 * time.Millisecond, requests: 2},
		{
			name:     "503 every time gives up with Nova's error",
			faults:   []novafake.Fault{{Kind: novafake.FaultStatus, Status: 503}, {Kind: novafake.FaultStatus, Status: 503}, {Kind: novafake.FaultStatus, Status: 503}, {Kind: novafake.FaultStatus, Status: 503}},
			requests: 4, wantErr: "HTTP 503 SERVICE_UNAVAILABLE",
		},
		{
			name:     "HTML 502 every time says what arrived",
			faults:   []novafake.Fault{{Kind: novafake.FaultHTML502}, {Kind: novafake.FaultHTML502}, {Kind: novafake.FaultHTML502}, {Kind: novafake.FaultHTML502}},
			requests: 4, wantErr: "HTTP 502: the response was not a Nova error (text/html",
		},
		{
			name:     "503 marked not retryable is not retried",
			faults:   []novafake.Fault{{Kind: novafake.FaultStatus, Status: 503, Retryable: retryable(false)}},
			requests: 1, wantErr: "HTTP 503",
		},
		{name: "400 is not retried", faults: []novafake.Fault{{Kind: novafake.FaultStatus, Status: 400, Code: "VALIDATION_ERROR"}}, requests: 1, wantErr: "HTTP 400 VALIDATION_ERROR"},
		{name: "truncated JSON", faults: []novafake.Fault{{Kind: novafake.FaultTruncatedJSON}}, requests: 1, wantErr: "could not read the scoring batch response"},
		{name: "empty 200", faults: []novafake.Fault{{Kind: novafake.FaultEmpty200}}, requests: 1, wantErr: "the response body is empty"},
		{name: "body over the cap", faults: []novafake.Fault{{Kind: novafake.FaultHugeBody, Size: 64 << 20}}, requests: 1, wantErr: "response body too large"},
		{name: "unknown status", faults: []novafake.Fault{{Kind: novafake.FaultUnknownStatus}}, requests: 1, warning: `unknown batch status "paused"`},
		{name: "counters disagree", faults: []novafake.Fault{{Kind: novafake.FaultCountersDisagree}}, requests: 1, warning: "counters cannot be true"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, s, id := newTestClient(t, Config{RequestTimeout: tt.timeout})
			s.InjectFaults(tt.faults...)
			res, err := c.GetScoringBatch(t.Context(), "job-1", id, testTenant)
			if n := settledRequests(s, tt.requests); n != tt.requests {
				t.Errorf("server saw %d requests, want %d", n, tt.requests)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if *res.Batch.ID != id || len(res.ScoringJobs) != 2 {
				t.Errorf("result %+v", res.Batch)
			}
			if tt.warning != "" && (len(res.Warnings) == 0 || !strings.Contains(strings.Join(warningStrings(res.Warnings), "\n"), tt.warning)) {
				t.Errorf("warnings %q, want %q", res.Warnings, tt.warning)
			}
		})
	}
}

// A body with fields of the wrong type is read, not retried and not failed:
// those fields are no evidence, each with a warning, and the batch does not
// complete on them.
func TestWrongTypesAreReadAsNoEvidence(t *testing.T) {
	c, s, id := newTestClient(t, Config{})
	s.InjectFaults(novafake.Fault{Kind: novafake.FaultWrongTypes})
	res, err := c.GetScoringBatch(t.Context(), "job-1", id, testTenant)
	if err != nil {
		t.Fatal(err)
	}
	if n := settledRequests(s, 1); n != 1 {
		t.Errorf("server saw %d requests, want 1", n)
	}
	got := strings.Join(warningStrings(res.Warnings), "\n")
	if res.Batch.Status != StatusPending || res.Batch.SentTotalJobs != nil || res.ScoringJobs[0].Score != nil ||
		!strings.Contains(got, "totalJobs is a string, not a whole number") || !strings.Contains(got, "score is an object, not a number") {
		t.Errorf("status %s, warnings:\n%s", res.Batch.Status, got)
	}
}

func TestHugeBodyMemoryIsBounded(t *testing.T) {
	c, s, id := newTestClient(t, Config{})
	const size = 1 << 30
	s.InjectFaults(novafake.Fault{Kind: novafake.FaultHugeBody, Size: size})
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := c.GetScoringBatch(t.Context(), "job-1", id, testTenant)
	runtime.ReadMemStats(&after)
	if err == nil {
		t.Fatal("want an error")
	}
	// The client reads about the cap (with io.ReadAll's growth, under
	// 3x); the fake's own streaming buffers and the race detector's
	// bookkeeping come on top. Far below the body's size either way.
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 8*uint64(DefaultMaxBodyBytes) {
		t.Fatalf("reading a %d MiB body allocated %d MiB", size>>20, grew>>20)
	}
}

func TestRetryAfterBeyondDeadlineReturnsNovasAnswer(t *testing.T) {
	c, s, id := newTestClient(t, Config{})
	s.InjectFaults(novafake.Fault{Kind: novafake.FaultStatus, Status: 429, RetryAfter: "120"})
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	start := time.Now()
	_, err := c.GetScoringBatch(ctx, "job-1", id, testTenant)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 429 || apiErr.RetryAfter != 120*time.Second {
		t.Fatalf("err = %v", err)
	}
	if took := time.Since(start); took > time.Second {
		t.Fatalf("took %v: a Retry-After past the deadline must not be slept", took)
	}
}

func TestNotFoundIsNotRetried(t *testing.T) {
	c, s, _ := newTestClient(t, Config{})
	_, err := c.GetScoringBatch(t.Context(), "job-1", "missing", testTenant)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "BATCH_NOT_FOUND" || apiErr.TraceID == "" || !IsNotFound(err) {
		t.Fatalf("err = %v", err)
	}
	if n := len(s.Requests()); n != 1 {
		t.Fatalf("%d requests for a 404", n)
	}
}

func TestWrappedErrorBody(t *testing.T) {
	c, _, _ := newTestClient(t, Config{}, novafake.WithWrappedErrors())
	_, err := c.GetScoringBatch(t.Context(), "job-1", "missing", testTenant)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "BATCH_NOT_FOUND" || apiErr.Message == "" {
		t.Fatalf("err = %#v", err)
	}
}

// Many concurrent reads through one client stay under the server's limit
// of 20 requests per second per key, without a single 429.
func TestPacingAvoidsRateLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("takes about two seconds")
	}
	c, s, id := newTestClient(t, Config{}, novafake.WithReadRateLimit(20))
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for range 40 {
		wg.Go(func() {
			if _, err := c.GetScoringBatch(t.Context(), "job-1", id, testTenant); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := s.CountStatus(429); n != 0 {
		t.Errorf("%d answers were 429", n)
	}
}

// A 429 pauses the whole client, not only the read that drew it: a second
// read that starts while the first waits out Retry-After is held too, so
// that it does not spend a token Nova just said is not there.
func TestRateLimitedAnswerPausesTheClient(t *testing.T) {
	limited := make(chan struct{})
	var once sync.Once
	c, s, id := newTestClient(t, Config{}, novafake.WithRequestHook(func(r novafake.Request) {
		if r.Status == 429 {
			once.Do(func() { close(limited) })
		}
	}))
	// A first read teaches the client that the bucket has room, so that
	// its own pacing would let the next reads go at once.
	if _, err := c.GetScoringBatch(t.Context(), "job-1", id, testTenant); err != nil {
		t.Fatal(err)
	}
	s.InjectFaults(novafake.Fault{Kind: novafake.FaultStatus, Status: 429, RetryAfter: "1"})
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	wg.Go(func() {
		_, err := c.GetScoringBatch(t.Context(), "job-1", id, testTenant)
		errs <- err
	})
	<-limited
	// Give the client a moment to read the 429 (the hook runs on the
	// server's side of the exchange).
	time.Sleep(100 * time.Millisecond)
	wg.Go(func() {
		_, err := c.GetScoringBatch(t.Context(), "job-1", id, testTenant)
		errs <- err
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	reqs := s.Requests()
	var at429 time.Time
	for _, r := range reqs {
		if r.Status == 429 {
			at429 = r.Time
		} else if !at429.IsZero() {
			if gap := r.Time.Sub(at429); gap < 900*time.Millisecond {
				t.Errorf("a request went %v after the 429, inside the 1 s Nova asked for", gap)
			}
		}
	}
	if len(reqs) != 4 {
		t.Errorf("%d requests, want 4 (one read, a 429, its retry, the second read)", len(reqs))
	}
}

// A 429 is Nova saying "not now": it is waited out, and does not use up
// max_retries, which bounds server and network errors.
func TestRateLimitIsNotCountedAgainstMaxRetries(t *testing.T) {
	c, s, id := newTestClient(t, Config{MaxRetries: -1})
	for range 3 {
		s.InjectFaults(novafake.Fault{Kind: novafake.FaultStatus, Status: 429, RetryAfter: "0"})
	}
	if _, err := c.GetScoringBatch(t.Context(), "job-1", id, testTenant); err != nil {
		t.Fatalf("three 429s with retries disabled: %v", err)
	}
	if n := len(s.Requests()); n != 4 {
		t.Errorf("%d requests, want 4", n)
	}
	s.InjectFaults(novafake.Fault{Kind: novafake.FaultStatus, Status: 503})
	if _, err := c.GetScoringBatch(t.Context(), "job-1", id, testTenant); err == nil {
		t.Error("a 503 with retries disabled succeeded")
	}
}

// 429s are waited out until the read's deadline, and then the error says
// so, with Nova's last answer.
func TestRateLimitUntilTheDeadline(t *testing.T) {
	c, s, id := newTestClient(t, Config{})
	for range 100 {
		s.InjectFaults(novafake.Fault{Kind: novafake.FaultStatus, Status: 429, RetryAfter: "0"})
	}
	ctx, cancel := context.WithTimeout(t.Context(), 1500*time.Millisecond)
	defer cancel()
	_, err := c.GetScoringBatch(ctx, "job-1", id, testTenant)
	var de *DeadlineError
	var apiErr *APIError
	if !errors.As(err, &de) || de.RateLimited < 2 || !errors.As(err, &apiErr) || apiErr.StatusCode != 429 || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(err.Error(), "deadline") || !strings.Contains(err.Error(), "HTTP 429") {
		t.Errorf("message %q", err)
	}
}

// A Retry-After above the cap is clamped and said at Info, not slept.
func TestRetryAfterIsCapped(t *testing.T) {
	log := &captureLogger{}
	c, s, id := newTestClient(t, Config{MaxRetryAfter: 100 * time.Millisecond, Logger: log})
	s.InjectFaults(novafake.Fault{Kind: novafake.FaultStatus, Status: 503, RetryAfter: "900"})
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if _, err := c.GetScoringBatch(ctx, "job-1", id, testTenant); err != nil {
		t.Fatalf("err = %v", err)
	}
	all := strings.Join(log.lines, "\n")
	if !strings.Contains(all, "INFO") || !strings.Contains(all, "retry_after:15m0s") || !strings.Contains(all, "cap:100ms") {
		t.Errorf("no Info line about the clamp:\n%s", all)
	}
}

// request_timeout bounds one attempt from when the pacer lets it go, not
// from when the read was queued: a read held for a second behind another
// read's 429, with a 300ms request_timeout and no retries, succeeds.
func TestAttemptTimeoutStartsAtTheTurn(t *testing.T) {
	limited := make(chan struct{})
	var once sync.Once
	c, s, id := newTestClient(t, Config{RequestTimeout: 300 * time.Millisecond, MaxRetries: -1}, novafake.WithRequestHook(func(r novafake.Request) {
		if r.Status == 429 {
			once.Do(func() { close(limited) })
		}
	}))
	if _, err := c.GetScoringBatch(t.Context(), "job-1", id, testTenant); err != nil {
		t.Fatal(err)
	}
	s.InjectFaults(novafake.Fault{Kind: novafake.FaultStatus, Status: 429, RetryAfter: "1"})
	var wg sync.WaitGroup
	wg.Go(func() { _, _ = c.GetScoringBatch(t.Context(), "job-1", id, testTenant) })
	<-limited
	time.Sleep(100 * time.Millisecond) // the client reads the 429
	start := time.Now()
	_, err := c.GetScoringBatch(t.Context(), "job-1", id, testTenant)
	wg.Wait()
	if err != nil {
		t.Fatalf("a read queued for %v behind a 429, with a 300ms per-attempt timeout: %v", time.Since(start), err)
	}
}

// An attempt cut off by request_timeout says so, with the setting's value.
func TestAttemptTimeoutIsReportedAsSuch(t *testing.T) {
	c, s, id := newTestClient(t, Config{RequestTimeout: 200 * time.Millisecond, MaxRetries: 1})
	s.InjectFaults(novafake.Fault{Kind: novafake.FaultStallMidBody}, novafake.Fault{Kind: novafake.FaultStallMidBody})
	_, err := c.GetScoringBatch(t.Context(), "job-1", id, testTenant)
	var ate *AttemptTimeoutError
	if !errors.As(err, &ate) || ate.Timeout != 200*time.Millisecond || ate.Attempts != 2 {
		t.Fatalf("err = %#v", err)
	}
}

// When the read's deadline ends while retrying, the error says so and names
// the last answer, at once rather than after a pointless sleep.
func TestDeadlineWhileRetryingNamesTheLastAnswer(t *testing.T) {
	c, s, id := newTestClient(t, Config{RetryWaitMin: 5 * time.Second, RetryWaitMax: 5 * time.Second})
	s.InjectFaults(novafake.Fault{Kind: novafake.FaultStatus, Status: 503})
	ctx, cancel := context.WithTimeout(t.Context(), time.Second)
	defer cancel()
	start := time.Now()
	_, err := c.GetScoringBatch(ctx, "job-1", id, testTenant)
	var de *DeadlineError
	var apiErr *APIError
	if !errors.As(err, &de) || !errors.As(err, &apiErr) || apiErr.StatusCode != 503 || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	if took := time.Since(start); took > 500*time.Millisecond {
		t.Errorf("took %v to give up on a backoff longer than the deadline", took)
	}
}

// countingTransport counts the attempts that reach the network layer.
type countingTransport struct {
	base http.RoundTripper
	n    atomic.Int32
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.base.RoundTrip(r)
}

// What no retry can mend fails at once; what can mend is retried.
func TestPermanentTransportErrorsFailAtOnce(t *testing.T) {
	t.Run("untrusted certificate", func(t *testing.T) {
		var conns atomic.Int32
		ts := httptest.NewUnstartedServer(novafake.New())
		ts.Config.ConnState = func(_ net.Conn, st http.ConnState) {
			if st == http.StateNew {
				conns.Add(1)
			}
		}
		ts.Config.ErrorLog = log.New(io.Discard, "", 0)
		ts.StartTLS()
		t.Cleanup(ts.Close)
		c, err := New(Config{BaseURL: ts.URL, APIKey: testKey, RetryWaitMin: time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.GetScoringBatch(t.Context(), "job-1", "b", testTenant)
		var perm *PermanentTransportError
		if !errors.As(err, &perm) || IsTransient(err) || !strings.Contains(err.Error(), "certificate") {
			t.Fatalf("err = %v", err)
		}
		if n := conns.Load(); n != 1 {
			t.Errorf("%d TLS connections, want 1 (no retry)", n)
		}
	})
	t.Run("invalid header value", func(t *testing.T) {
		ts := httptest.NewServer(novafake.New())
		t.Cleanup(ts.Close)
		ct := &countingTransport{base: http.DefaultTransport}
		c, err := New(Config{BaseURL: ts.URL, APIKey: testKey, Transport: ct, RetryWaitMin: time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.GetScoringBatch(t.Context(), "job-1", "b", "acme\r\nX-Evil: 1")
		var perm *PermanentTransportError
		if !errors.As(err, &perm) || IsTransient(err) {
			t.Fatalf("err = %v", err)
		}
		if n := ct.n.Load(); n != 1 {
			t.Errorf("%d attempts, want 1", n)
		}
	})
	t.Run("connection refused is retried", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		ct := &countingTransport{base: http.DefaultTransport}
		c, err := New(Config{BaseURL: "http://" + addr, APIKey: testKey, Transport: ct, MaxRetries: 2, RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.GetScoringBatch(t.Context(), "job-1", "b", testTenant)
		if err == nil || !IsTransient(err) || !strings.Contains(err.Error(), "after 3 attempt(s)") {
			t.Fatalf("err = %v", err)
		}
		if n := ct.n.Load(); n != 3 {
			t.Errorf("%d attempts, want 3", n)
		}
	})
}

func TestCancellationStopsRetries(t *testing.T) {
	c, s, id := newTestClient(t, Config{RetryWaitMin: time.Minute, RetryWaitMax: time.Minute})
	s.InjectFaults(novafake.Fault{Kind: novafake.FaultStatus, Status: 503})
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.GetScoringBatch(ctx, "job-1", id, testTenant)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if took := time.Since(start); took > time.Second {
		t.Fatalf("cancellation took %v", took)
	}
}

type captureLogger struct {
	mu    sync.Mutex
	lines []string
}

func (l *captureLogger) add(level, msg string, fields map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf("%s %s %v", level, msg, fields))
}

func (l *captureLogger) Info(_ context.Context, msg string, f map[string]any) {
	l.add("INFO", msg, f)
}

func (l *captureLogger) Debug(_ context.Context, msg string, f map[string]any) {
	l.add("DEBUG", msg, f)
}

func (l *captureLogger) Trace(_ context.Context, msg string, f map[string]any) {
	l.add("TRACE", msg, f)
}

func TestLogsNameTheRequestButNotTheKey(t *testing.T) {
	log := &captureLogger{}
	c, s, id := newTestClient(t, Config{Logger: log})
	s.InjectFaults(novafake.Fault{Kind: novafake.FaultStatus, Status: 500})
	if _, err := c.GetScoringBatch(t.Context(), "job-1", id, testTenant); err != nil {
		t.Fatal(err)
	}
	all := strings.Join(log.lines, "\n")
	if strings.Contains(all, testKey) || strings.Contains(all, "resilience_0123456789") {
		t.Fatalf("the API key reached the logs:\n%s", all)
	}
	for _, want := range []string{"path:/v1/jobs/job-1/scoring-batches/" + id, "status:500", "attempt:1", "attempt:2", "status:200", "duration_ms:", "trace_id:"} {
		if !strings.Contains(all, want) {
			t.Errorf("logs lack %q:\n%s", want, all)
		}
	}
}

// The transport errors that can mend are retried, each counted against
// max_retries; TestPermanentTransportErrorsFailAtOnce has those that cannot.

// brokenFirst serves novafake, except that the first connection is handed
// to broken instead: a server that fails once, then recovers.
func brokenFirst(t *testing.T, broken func(net.Conn)) (*novafake.Server, string, *atomic.Int32) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	conns := &atomic.Int32{}
	fake := novafake.New()
	srv := &http.Server{Handler: fake, ErrorLog: log.New(io.Discard, "", 0), ReadHeaderTimeout: 5 * time.Second}
	t.Cleanup(func() { srv.Close() })
	go srv.Serve(&firstConnListener{Listener: ln, conns: conns, broken: broken}) //nolint:errcheck // ends with Close
	return fake, "http://" + ln.Addr().String(), conns
}

type firstConnListener struct {
	net.Listener
	conns  *atomic.Int32
	broken func(net.Conn)
}

func (l *firstConnListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if l.conns.Add(1) == 1 {
			// Read the request first, so that the client sees the
			// failure as an answer to it, not a refused connection.
			if _, err := http.ReadRequest(bufio.NewReader(c)); err == nil {
				l.broken(c)
			}
			c.Close()
			continue
		}
		return c, nil
	}
}

func readRetried(t *testing.T, base string, fake *novafake.Server, cfg Config) error {
	t.Helper()
	id, err := fake.AddBatch(novafake.BatchSpec{Tenant: testTenant, JobID: "job-1", Jobs: []novafake.JobSpec{{ApplicationID: "app-1", Score: 8}}})
	if err != nil {
		t.Fatal(err)
	}
	cfg.BaseURL, cfg.APIKey, cfg.MaxRetries = base, testKey, 1
	cfg.RetryWaitMin, cfg.RetryWaitMax = time.Millisecond, time.Millisecond
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetScoringBatch(t.Context(), "job-1", id, testTenant)
	return err
}

func TestAnswerThatIsNotHTTPIsRetried(t *testing.T) {
	fake, base, conns := brokenFirst(t, func(c net.Conn) {
		io.WriteString(c, "SSH-2.0-OpenSSH_9.6\r\nthis is not HTTP\r\n\r\n") //nolint:errcheck // the connection is closed next
	})
	if err := readRetried(t, base, fake, Config{}); err != nil {
		t.Fatalf("a read whose first answer was not HTTP failed: %v", err)
	}
	if n := conns.Load(); n != 2 {
		t.Errorf("%d connections, want 2 (one retry)", n)
	}
}

func TestResetMidBodyIsRetried(t *testing.T) {
	fake, base, conns := brokenFirst(t, func(c net.Conn) {
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n{\"id\":\"b\",\"scoringJobs\":[") //nolint:errcheck // the connection is reset next
		if tc, ok := c.(*net.TCPConn); ok {
			tc.SetLinger(0) //nolint:errcheck // a close without linger sends RST
		}
	})
	if err := readRetried(t, base, fake, Config{}); err != nil {
		t.Fatalf("a read whose first answer was reset mid-body failed: %v", err)
	}
	if n := conns.Load(); n != 2 {
		t.Errorf("%d connections, want 2 (one retry)", n)
	}
}

// A name that does not resolve for a moment (a resolver restarting, split
// horizon DNS catching up) is retried like any other network failure.
func TestShortDNSFailureIsRetried(t *testing.T) {
	fake := novafake.New()
	ts := httptest.NewServer(fake)
	t.Cleanup(ts.Close)
	var dials atomic.Int32
	def, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		t.Fatalf("http.DefaultTransport is a %T", http.DefaultTransport)
	}
	tr := def.Clone()
	var d net.Dialer
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if dials.Add(1) == 1 {
			return nil, &net.OpError{Op: "dial", Net: network, Err: &net.DNSError{Err: "no such host", Name: "nova.internal", IsNotFound: true}}
		}
		return d.DialContext(ctx, network, addr)
	}
	if err := readRetried(t, ts.URL, fake, Config{Transport: tr}); err != nil {
		t.Fatalf("a read whose first lookup failed was not retried: %v", err)
	}
	if n := dials.Load(); n != 2 {
		t.Errorf("%d dials, want 2", n)
	}
}

// A proxy that answers CONNECT with 503 (it is restarting, or its upstream
// is) is retried. The client must find the proxy as users set it, through
// HTTPS_PROXY, and Go reads that variable once per process: the read runs
// in a child process with HTTPS_PROXY pointing at a local proxy and
// SSL_CERT_FILE trusting the test server's certificate (issued to
// example.com).
func TestProxyConnect503IsRetried(t *testing.T) {
	if id := os.Getenv("NOVA_TEST_PROXY_CHILD"); id != "" {
		c, err := New(Config{BaseURL: "https://example.com", APIKey: testKey, MaxRetries: 1, RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.GetScoringBatch(t.Context(), "job-1", id, testTenant); err != nil {
			t.Fatalf("read through the proxy: %v", err)
		}
		return
	}
	fake := novafake.New()
	ts := httptest.NewUnstartedServer(fake)
	ts.Config.ErrorLog = log.New(io.Discard, "", 0)
	ts.StartTLS()
	t.Cleanup(ts.Close)
	id, err := fake.AddBatch(novafake.BatchSpec{Tenant: testTenant, JobID: "job-1", Jobs: []novafake.JobSpec{{ApplicationID: "app-1", Score: 8}}})
	if err != nil {
		t.Fatal(err)
	}
	certFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}

	var connects atomic.Int32
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodConnect {
			http.Error(w, "CONNECT only", http.StatusMethodNotAllowed)
			return
		}
		if connects.Add(1) == 1 {
			http.Error(w, "upstream unavailable", http.StatusServiceUnavailable)
			return
		}
		upstream, err := net.Dial("tcp", ts.Listener.Addr().String())
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer upstream.Close()
		w.WriteHeader(http.StatusOK)
		conn, rw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		go io.Copy(upstream, rw) //nolint:errcheck // ends when either side closes
		io.Copy(conn, upstream)  //nolint:errcheck // ends when either side closes
	}))
	t.Cleanup(proxy.Close)

	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestProxyConnect503IsRetried$", "-test.count=1")
	cmd.Env = append(os.Environ(), "NOVA_TEST_PROXY_CHILD="+id, "HTTPS_PROXY="+proxy.URL, "https_proxy="+proxy.URL,
		"NO_PROXY=", "no_proxy=", "SSL_CERT_FILE="+certFile, "SSL_CERT_DIR="+filepath.Dir(certFile))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the read through a proxy whose first CONNECT answered 503 failed: %v\n%s", err, out)
	}
	if n := connects.Load(); n != 2 {
		t.Errorf("%d CONNECTs, want 2 (one retry)\n%s", n, out)
	}
	if !strings.Contains(string(out), "PASS") {
		t.Errorf("the child did not run the read:\n%s", out)
	}
}
