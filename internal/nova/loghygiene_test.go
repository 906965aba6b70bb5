package nova

import (
	"bufio"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

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

// A transport error quotes what the server sent (here a 20 KB malformed
// header line) and the URL with its ids: the text that reaches a
// diagnostic is bounded, clean and names no candidate.
func TestTransportErrorIsBoundedAndMasked(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				_, _ = bufio.NewReader(conn).ReadString('\n')
				_, _ = conn.Write([]byte("HTTP/1.1 200 OK\r\nX-Trace-Id" + strings.Repeat("\u202ey", 10<<10) + "\r\n\r\n"))
			}()
		}
	}()
	log := &captureLogger{}
	c, err := New(Config{BaseURL: "http://" + ln.Addr().String(), APIKey: testKey, MaxRetries: -1, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetScoringJob(t.Context(), "job-1", "app-SECRET", "sj-SECRET", "t1")
	if err == nil {
		t.Fatal("a malformed answer was read")
	}
	msg := err.Error()
	t.Logf("%d bytes: %.200s", len(msg), msg)
	if len(msg) > 2*LongText || strings.Contains(msg, "\u202e") || strings.Contains(msg, "SECRET") {
		t.Errorf("the error is unbounded, unclean or names a candidate (%d bytes): %.400s", len(msg), msg)
	}
	for _, line := range log.lines {
		if len(line) > 4<<10 || strings.Contains(line, "SECRET") {
			t.Errorf("log line unbounded or naming a candidate (%d bytes): %.300s", len(line), line)
		}
	}
}

// A decode error's cause may quote the body; its text is bounded and clean.
func TestDecodeErrorIsBounded(t *testing.T) {
	e := &DecodeError{What: "scoring batch", TraceID: "t1", Err: errors.New("bad value \u202e" + strings.Repeat("x", 20<<10))}
	if msg := e.Error(); len(msg) > 2*LongText || strings.Contains(msg, "\u202e") || !strings.HasSuffix(msg, "(trace id t1)") {
		t.Errorf("decode error unbounded or unclean (%d bytes): %.200s", len(msg), msg)
	}
}
