package novafake

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	testKey = "sk_test_abcdef123456"
	liveKey = "sk_live_zyxwvu987654"
	tenant  = "acme"
)

var t0 = time.Date(2025, 12, 14, 10, 30, 45, 0, time.UTC)

// manualClock is a clock tests move by hand.
type manualClock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *manualClock { return &manualClock{now: t0} }

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *manualClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func start(t *testing.T, opts ...Option) (*Server, *httptest.Server) {
	t.Helper()
	s := New(opts...)
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts
}

// call is one request; zero fields get the usual test key and tenant.
type call struct {
	method, path, key, tenant, body string
	auth                            string // the verbatim Authorization header, when set
	noKey, noTenant                 bool
}

func (c call) do(t *testing.T, ts *httptest.Server) (*http.Response, []byte) {
	t.Helper()
	if c.method == "" {
		c.method = http.MethodGet
	}
	var body io.Reader
	if c.body != "" {
		body = strings.NewReader(c.body)
	}
	req, err := http.NewRequest(c.method, ts.URL+c.path, body)
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case c.auth != "":
		req.Header.Set("Authorization", c.auth)
	case !c.noKey:
		if c.key == "" {
			c.key = testKey
		}
		req.Header.Set("Authorization", "Bearer "+c.key)
	}
	if !c.noTenant {
		if c.tenant == "" {
			c.tenant = tenant
		}
		req.Header.Set("X-Tenant-Id", c.tenant)
	}
	if c.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", c.method, c.path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return resp, b
}

func get(t *testing.T, ts *httptest.Server, path string) (*http.Response, []byte) {
	t.Helper()
	return call{path: path}.do(t, ts)
}

func decode[T any](t *testing.T, b []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	return v
}

func wantStatus(t *testing.T, resp *http.Response, body []byte, want int) {
	t.Helper()
	if resp.StatusCode != want {
		t.Fatalf("status %d, want %d; body %s", resp.StatusCode, want, body)
	}
}

// wantError checks a flat Nova error body against the response.
func wantError(t *testing.T, resp *http.Response, body []byte, status int, code string) testError {
	t.Helper()
	wantStatus(t, resp, body, status)
	e := decode[testError](t, body)
	if e.Code != code || e.Status != status {
		t.Fatalf("error %s/%d, want %s/%d: %s", e.Code, e.Status, code, status, body)
	}
	if e.TraceID == "" || e.TraceID != resp.Header.Get("X-Trace-Id") {
		t.Fatalf("traceId %q, X-Trace-Id %q", e.TraceID, resp.Header.Get("X-Trace-Id"))
	}
	if want := "https://docs.nova.dweet.com/embed-api/errors#" + strings.ToLower(strings.ReplaceAll(code, "_", "-")); e.Type != want {
		t.Fatalf("type %q, want %q", e.Type, want)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type %q", ct)
	}
	return e
}

// Test-side wire structs, written from the docs rather than shared with the
// server, so a wrong tag on either side shows up.

type testError struct {
	Type      string `json:"type"`
	Code      string `json:"code"`
	Status    int    `json:"status"`
	Message   string `json:"message"`
	Retryable bool   `json:"retryable"`
	TraceID   string `json:"traceId"`
	Details   []struct {
		Field   string `json:"field"`
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"details"`
}

type testBatchResponse struct {
	Batch                testBatch      `json:"batch"`
	ScoringJobs          []testJob      `json:"scoringJobs"`
	RejectedApplications []testRejected `json:"rejectedApplications"`
}

type testIntakeResponse struct {
	Batch                testBatch `json:"batch"`
	ScoringJobIDs        []string  `json:"scoringJobIds"`
	AcceptedApplications []struct {
		ApplicationID string `json:"applicationId"`
		ScoringJobID  string `json:"scoringJobId"`
	} `json:"acceptedApplications"`
	RejectedApplications []testRejected `json:"rejectedApplications"`
}

type testBatch struct {
	ID            string  `json:"id"`
	JobID         string  `json:"jobId"`
	Status        *string `json:"status"`
	TotalJobs     int     `json:"totalJobs"`
	CompletedJobs int     `json:"completedJobs"`
	FailedJobs    int     `json:"failedJobs"`
	CreatedAt     string  `json:"createdAt"`
	CompletedAt   *string `json:"completedAt"`
}

type testJob struct {
	ID                string   `json:"id"`
	CriteriaVersionID string   `json:"criteriaVersionId"`
	JobID             string   `json:"jobId"`
	ApplicationID     string   `json:"applicationId"`
	Status            *string  `json:"status"`
	IsRescore         bool     `json:"isRescore"`
	Score             *float64 `json:"score"`
	Assessment        *struct {
		Verdict        string   `json:"verdict"`
		Strengths      []string `json:"strengths"`
		Concerns       []string `json:"concerns"`
		InterviewFocus []string `json:"interviewFocus"`
	} `json:"assessment"`
	ErrorCode    *string `json:"errorCode"`
	ErrorMessage *string `json:"errorMessage"`
	QueuedAt     string  `json:"queuedAt"`
	StartedAt    *string `json:"startedAt"`
	CompletedAt  *string `json:"completedAt"`
	FailedAt     *string `json:"failedAt"`
}

type testRejected struct {
	ApplicationID string `json:"applicationId"`
	Error         struct {
		Message string `json:"message"`
		Reason  string `json:"reason"`
	} `json:"error"`
}

func str(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return *p
}

func mustAdd(t *testing.T, s *Server, spec BatchSpec) string {
	t.Helper()
	id, err := s.AddBatch(spec)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func batchPath(jobID, batchID string) string {
	return "/v1/jobs/" + jobID + "/scoring-batches/" + batchID
}
