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
