package novafake

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestFaultStatus(t *testing.T) {
	yes, no := true, false
	for _, tc := range []struct {
		fault      Fault
		code       string
		retryable  bool
		retryAfter string
	}{
		{Fault{Status: 429, RetryAfter: "3"}, "RATE_LIMITED", true, "3"},
		{Fault{Status: 500}, "INTERNAL_ERROR", true, ""},
		{Fault{}, "INTERNAL_ERROR", true, ""},
		{Fault{Status: 502}, "BAD_GATEWAY", true, ""},
		{Fault{Status: 503, RetryAfter: "2"}, "SERVICE_UNAVAILABLE", true, "2"},
		{Fault{Status: 504}, "GATEWAY_TIMEOUT", true, ""},
		{Fault{Status: 503, Retryable: &no}, "SERVICE_UNAVAILABLE", false, ""},
		{Fault{Status: 404, Code: "CRITERIA_NOT_FOUND"}, "CRITERIA_NOT_FOUND", false, ""},
		{Fault{Status: 409, Retryable: &yes}, "HTTP_409", true, ""},
	} {
		s, ts := start(t)
		s.InjectFaults(tc.fault)
		resp, raw := get(t, ts, batchPath("j", "b"))
		status := tc.fault.Status
		if status == 0 {
			status = http.StatusInternalServerError
		}
		e := wantError(t, resp, raw, status, tc.code)
		if e.Retryable != tc.retryable || resp.Header.Get("Retry-After") != tc.retryAfter {
			t.Errorf("%+v: retryable %v, Retry-After %q", tc.fault, e.Retryable, resp.Header.Get("Retry-After"))
		}
	}
}

func TestFaultsAreFIFOAndBeforeAuth(t *testing.T) {
	s, ts := start(t)
	s.InjectFaults(Fault{Status: 503}, Fault{Kind: FaultText502})
	for _, want := range []int{503, 502, 401} {
		resp, raw := call{path: batchPath("j", "b"), noKey: true}.do(t, ts)
		wantStatus(t, resp, raw, want)
	}
}

func TestProxyFaults(t *testing.T) {
	s, ts := start(t)
	s.InjectFaults(Fault{Kind: FaultHTML502}, Fault{Kind: FaultText502})
	for _, want := range []struct{ ctype, text string }{
		{"text/html", "<title>502 Bad Gateway</title>"},
		{"text/plain", "upstream connect error"},
	} {
		resp, raw := get(t, ts, batchPath("j", "b"))
		wantStatus(t, resp, raw, http.StatusBadGateway)
		if resp.Header.Get("Content-Type") != want.ctype || !strings.Contains(string(raw), want.text) {
			t.Errorf("%s: %s", resp.Header.Get("Content-Type"), raw)
		}
	}
}

func TestBrokenBodyFaults(t *testing.T) {
	s, ts := start(t)
	s.InjectFaults(Fault{Kind: FaultTruncatedJSON}, Fault{Kind: FaultWrongTypes}, Fault{Kind: FaultEmpty200})

	resp, raw := get(t, ts, batchPath("job-9", "b-9"))
	wantStatus(t, resp, raw, http.StatusOK)
	if json.Valid(raw) || !strings.HasPrefix(string(raw), `{"batch":{"id":"b-9","jobId":"job-9"`) {
		t.Errorf("truncated: %s", raw)
	}

	resp, raw = get(t, ts, batchPath("job-9", "b-9"))
	wantStatus(t, resp, raw, http.StatusOK)
	var typed testBatchResponse
	if err := json.Unmarshal(raw, &typed); err == nil {
		t.Errorf("wrong types decoded cleanly: %s", raw)
	}
	loose := decode[struct {
		Batch       map[string]any   `json:"batch"`
		ScoringJobs []map[string]any `json:"scoringJobs"`
	}](t, raw)
	if _, ok := loose.Batch["totalJobs"].(string); !ok {
		t.Errorf("totalJobs: %s", raw)
	}
	if _, ok := loose.ScoringJobs[0]["score"].(map[string]any); !ok {
		t.Errorf("score: %s", raw)
	}

	resp, raw = get(t, ts, batchPath("job-9", "b-9"))
	wantStatus(t, resp, raw, http.StatusOK)
	if len(raw) != 0 || resp.Header.Get("X-Trace-Id") == "" {
		t.Errorf("empty: %q", raw)
	}
}

func TestHugeBodyIsStreamed(t *testing.T) {
	s, ts := start(t)
	s.InjectFaults(Fault{Kind: FaultHugeBody})

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	resp, err := ts.Client().Do(newGet(t, ts.URL+batchPath("j", "b")))
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.CopyN(io.Discard, resp.Body, 4<<20)
	resp.Body.Close()
	if err != nil || n != 4<<20 {
		t.Fatalf("read %d: %v", n, err)
	}
	ts.Close() // waits for the handler, which must notice the client left
	runtime.ReadMemStats(&after)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 16<<20 {
		t.Errorf("allocated %d MiB for a body read 4 MiB into", grew>>20)
	}
}

func TestHugeBodyExactSize(t *testing.T) {
	s, ts := start(t)
	const size = 1 << 20
	s.InjectFaults(Fault{Kind: FaultHugeBody, Size: size})
	resp, raw := get(t, ts, batchPath("j", "b"))
	wantStatus(t, resp, raw, http.StatusOK)
	if len(raw) != size || !json.Valid(raw) {
		t.Errorf("got %d bytes, valid %v", len(raw), json.Valid(raw))
	}
}

func TestStallEndsWhenClientCancels(t *testing.T) {
	s, ts := start(t)
	s.InjectFaults(Fault{Kind: FaultStallMidBody})
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	resp, err := ts.Client().Do(newGet(t, ts.URL+batchPath("j", "b")).WithContext(ctx))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !errors.Is(err, context.DeadlineExceeded) || len(raw) == 0 {
		t.Fatalf("read %d bytes, err %v", len(raw), err)
	}
	began := time.Now()
	ts.Close()
	if waited := time.Since(began); waited > 2*time.Second {
		t.Errorf("handler kept stalling %v after the client left", waited)
	}
}

func TestConnReset(t *testing.T) {
	s, ts := start(t)
	s.InjectFaults(Fault{Kind: FaultConnReset})
	resp, err := ts.Client().Do(newGet(t, ts.URL+batchPath("j", "b")))
	if err == nil {
		resp.Body.Close()
		t.Fatalf("got status %d, want a transport error", resp.StatusCode)
	}
	// The handler logs after closing the connection, so the client can see
	// the reset first.
	deadline := time.Now().Add(2 * time.Second)
	for s.CountStatus(0) != 1 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if got := s.CountStatus(0); got != 1 {
		t.Errorf("CountStatus(0) = %d", got)
	}
}

func TestMutatingFaults(t *testing.T) {
	s, ts := start(t)
	id := mustAdd(t, s, BatchSpec{Tenant: tenant, JobID: "job-1", Jobs: []JobSpec{
		{ApplicationID: "a", AfterPolls: 1}, {ApplicationID: "b", AfterPolls: 5},
	}})
	s.InjectFaults(Fault{Kind: FaultUnknownStatus}, Fault{Kind: FaultCountersDisagree})

	_, raw := get(t, ts, batchPath("job-1", id))
	r := decode[testBatchResponse](t, raw)
	if str(r.Batch.Status) != "paused" || r.Batch.CompletedJobs != 1 || str(r.ScoringJobs[0].Status) != "completed" {
		t.Errorf("unknown status: %s", raw)
	}
	_, raw = get(t, ts, batchPath("job-1", id))
	r = decode[testBatchResponse](t, raw)
	if b := r.Batch; b.CompletedJobs+b.FailedJobs <= b.TotalJobs || str(b.Status) != "pending" {
		t.Errorf("counters: %s", raw)
	}
}

func newGet(t *testing.T, url string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+testKey)
	req.Header.Set("X-Tenant-Id", tenant)
	return req
}
