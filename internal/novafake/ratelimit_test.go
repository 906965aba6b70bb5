package novafake

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestReadRateLimit(t *testing.T) {
	clock := newClock()
	_, ts := start(t, WithClock(clock.Now), WithReadRateLimit(2))
	reset := strconv.FormatInt(t0.Unix()+1, 10)
	for i, want := range []string{"1", "0"} {
		resp, raw := get(t, ts, batchPath("j", "b"))
		wantStatus(t, resp, raw, http.StatusNotFound)
		h := resp.Header
		if h.Get("X-RateLimit-Remaining") != want || h.Get("X-RateLimit-Limit") != "2" ||
			h.Get("X-RateLimit-Bucket") != "read_and_ops" || h.Get("X-RateLimit-Reset") != reset {
			t.Errorf("GET %d headers %v", i+1, h)
		}
	}
	resp, raw := get(t, ts, batchPath("j", "b"))
	e := wantError(t, resp, raw, http.StatusTooManyRequests, "RATE_LIMITED")
	if !e.Retryable || resp.Header.Get("Retry-After") != "1" || e.Message != "Rate limit exceeded. Retry after 1 second." {
		t.Errorf("429: %v %s", resp.Header, raw)
	}

	// Other keys have their own window, and POST is another bucket.
	resp, raw = call{path: batchPath("j", "b"), key: "sk_test_another1"}.do(t, ts)
	wantStatus(t, resp, raw, http.StatusNotFound)
	resp, raw = call{method: http.MethodPost, path: "/v1/jobs/j/scoring-batches", body: "{}"}.do(t, ts)
	wantStatus(t, resp, raw, http.StatusBadRequest)

	clock.Advance(time.Second)
	resp, raw = get(t, ts, batchPath("j", "b"))
	wantStatus(t, resp, raw, http.StatusNotFound)
}

func TestRateLimitHeadersWhenUnlimited(t *testing.T) {
	_, ts := start(t)
	for range 25 {
		resp, raw := get(t, ts, batchPath("j", "b"))
		wantStatus(t, resp, raw, http.StatusNotFound)
		if resp.Header.Get("X-RateLimit-Limit") != "20" || resp.Header.Get("X-RateLimit-Remaining") == "" {
			t.Fatalf("headers %v", resp.Header)
		}
	}
	// Unauthenticated requests report the window without using it.
	resp, _ := call{path: batchPath("j", "b"), noKey: true}.do(t, ts)
	if resp.Header.Get("X-RateLimit-Remaining") != "20" || len(resp.Header.Get("X-Trace-Id")) != 32 {
		t.Errorf("headers %v", resp.Header)
	}
}

// Behind a proxy that strips the headers, the limit still holds and a 429
// still says when to come back.
func TestRateLimitHeadersStripped(t *testing.T) {
	clock := newClock()
	_, ts := start(t, WithClock(clock.Now), WithReadRateLimit(1), WithoutRateLimitHeaders())
	resp, raw := get(t, ts, batchPath("j", "b"))
	wantStatus(t, resp, raw, http.StatusNotFound)
	resp, raw = get(t, ts, batchPath("j", "b"))
	wantError(t, resp, raw, http.StatusTooManyRequests, "RATE_LIMITED")
	for name := range resp.Header {
		if strings.HasPrefix(name, "X-Ratelimit-") {
			t.Errorf("header %s survived", name)
		}
	}
	if resp.Header.Get("Retry-After") != "1" || len(resp.Header.Get("X-Trace-Id")) != 32 {
		t.Errorf("headers %v", resp.Header)
	}
}

func TestBucketOfRequest(t *testing.T) {
	for _, tt := range []struct{ method, path, want string }{
		{http.MethodGet, "/v1/jobs/j/scoring-batches/b", bucketReadAndOps},
		{http.MethodPost, "/v1/jobs/j/scoring-batches", bucketIntakeBatch},
		{http.MethodGet, "/v1/jobs/j/criteria/versions/current", bucketCriteriaCurrent},
		{http.MethodGet, "/v1/jobs/j/criteria/versions/cv-1", bucketReadAndOps},
		{http.MethodGet, "/v1/jobs/j%2Fcriteria/versions/current", bucketReadAndOps},
		{http.MethodGet, "/v1/jobs/j/applications/a/score", bucketReadAndOps},
	} {
		if got := bucketOf(tt.method, tt.path); got != tt.want {
			t.Errorf("%s %s: %q, want %q", tt.method, tt.path, got, tt.want)
		}
	}
}

// The current-criteria bucket has its own window and its documented limit
// of 60, whatever the read limit: spending it leaves batch reads alone, and
// spending the batch reads' leaves it alone.
func TestCriteriaCurrentBucketIsIsolated(t *testing.T) {
	clock := newClock()
	s := New(WithClock(clock.Now), WithReadRateLimit(2))
	const key = "sk_test_buckets0001"
	for i := range limitCriteriaCurrentPS {
		if snap, ok := s.takeToken(key, bucketCriteriaCurrent, true); !ok || snap.limit != 60 || snap.remaining != 59-i {
			t.Fatalf("criteria read %d: admitted %v, %+v", i+1, ok, snap)
		}
	}
	if _, ok := s.takeToken(key, bucketCriteriaCurrent, true); ok {
		t.Error("a 61st current-criteria read in one window was admitted")
	}
	for i := range 2 {
		if snap, ok := s.takeToken(key, bucketReadAndOps, true); !ok || snap.remaining != 1-i {
			t.Errorf("batch read %d after the criteria bucket ran dry: admitted %v, %+v", i+1, ok, snap)
		}
	}
	if _, ok := s.takeToken(key, bucketReadAndOps, true); ok {
		t.Error("a third batch read at a limit of 2 was admitted")
	}
	clock.Advance(time.Second)
	if _, ok := s.takeToken(key, bucketCriteriaCurrent, true); !ok {
		t.Error("the criteria bucket did not refill in the next window")
	}
}

// With Nova's clock ahead of the server's, the windows, Reset and
// Retry-After follow Nova's clock.
func TestClockOffset(t *testing.T) {
	clock := newClock()
	_, ts := start(t, WithClock(clock.Now), WithReadRateLimit(1), WithClockOffset(1800*time.Millisecond))
	nova := t0.Add(1800 * time.Millisecond)
	resp, raw := get(t, ts, batchPath("j", "b"))
	wantStatus(t, resp, raw, http.StatusNotFound)
	if got, want := resp.Header.Get("X-RateLimit-Reset"), strconv.FormatInt(nova.Unix()+1, 10); got != want {
		t.Errorf("Reset %s, want %s (Nova's clock is 1.8 s ahead)", got, want)
	}
	// The window on Nova's clock ends 0.2 s from here (t0 is on a second).
	clock.Advance(100 * time.Millisecond)
	resp, raw = get(t, ts, batchPath("j", "b"))
	wantError(t, resp, raw, http.StatusTooManyRequests, "RATE_LIMITED")
	clock.Advance(150 * time.Millisecond)
	resp, raw = get(t, ts, batchPath("j", "b"))
	wantStatus(t, resp, raw, http.StatusNotFound)
}
