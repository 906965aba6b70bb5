package nova

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestMaskKey(t *testing.T) {
	tests := map[string]string{
		"sk_live_0123456789abcdef7f3a": "sk_live_****7f3a",
		"sk_test_short":                "sk_test_****",
		"whatever-else-entirely":       "****rely",
		"":                             "****",
	}
	for in, want := range tests {
		if got := MaskKey(in); got != want {
			t.Errorf("MaskKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLogPathMasksCandidateIDs(t *testing.T) {
	for path, want := range map[string]string{
		"/v1/jobs/job-1/scoring-batches/b-1":                            "/v1/jobs/job-1/scoring-batches/b-1",
		"/v1/jobs/job-1/applications/app-SECRET/scoring-jobs/sj-SECRET": "/v1/jobs/job-1/applications/(masked)/scoring-jobs/(masked)",
		"/v1/jobs/job-1/applications/app-SECRET/score":                  "/v1/jobs/job-1/applications/(masked)/score",
		"/v1/jobs/job-1/criteria/versions/current":                      "/v1/jobs/job-1/criteria/versions/current",
		"/v1/jobs/job-1/criteria/versions/cv-2":                         "/v1/jobs/job-1/criteria/versions/cv-2",
		// A base path prefix and shapes the client does not request are
		// masked, not guessed at.
		"/nova/v1/jobs/job-1/scoring-batches/b-1":  "/(masked)/v1/jobs/job-1/scoring-batches/b-1",
		"/v1/score/sj-SECRET":                      "/v1/score/(masked)",
		"/v1/jobs/job-1/applications/applications": "/v1/jobs/job-1/applications/(masked)",
	} {
		if got := LogPath(path); got != want {
			t.Errorf("LogPath(%s) = %s, want %s", path, got, want)
		}
	}
}

// The request logs name no application or scoring job id, and bound every
// header value Nova sends back.
func TestRequestLogsMaskIDsAndBoundHeaders(t *testing.T) {
	huge := strings.Repeat("x\u202e", 25<<10) // 50 KB and more, with a bidi control
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Trace-Id", huge)
		w.Header().Set("X-RateLimit-Remaining", huge)
		_, _ = w.Write([]byte(`{"scoringJob":{"id":"sj-SECRET","applicationId":"app-SECRET","status":"pending"}}`))
	}))
	t.Cleanup(ts.Close)
	log := &captureLogger{}
	c, err := New(Config{BaseURL: ts.URL, APIKey: testKey, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetScoringJob(t.Context(), "job-1", "app-SECRET", "sj-SECRET", "t1"); err != nil {
		t.Fatal(err)
	}
	for _, line := range log.lines {
		if strings.Contains(line, "SECRET") {
			t.Errorf("a log line names a candidate: %.300s", line)
		}
		if strings.Contains(line, "\u202e") || len(line) > 8<<10 {
			t.Errorf("a log line holds the header unbounded (%d bytes): %.300s", len(line), line)
		}
	}
	if len(log.lines) < 3 {
		t.Fatalf("too few log lines to tell: %v", log.lines)
	}
}
