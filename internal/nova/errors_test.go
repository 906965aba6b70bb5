package nova

import (
	"bufio"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestParseError(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name        string
		status      int
		header      http.Header
		body        string
		wantCode    string
		wantMsg     string
		retryable   bool
		traceID     string
		retryAfter  time.Duration
		wantDetails int
	}{
		{
			name:     "flat GEN-D 401",
			status:   401,
			header:   http.Header{"X-Trace-Id": {"5c2f4f5b2c0a4ce0b6a31a1a18f8e9a1"}},
			body:     `{"type":"https://docs.nova.dweet.com/embed-api/errors#unauthorized","code":"UNAUTHORIZED","status":401,"message":"Invalid or missing API key","retryable":false,"traceId":"5c2f4f5b2c0a4ce0b6a31a1a18f8e9a1"}`,
			wantCode: "UNAUTHORIZED", wantMsg: "Invalid or missing API key", traceID: "5c2f4f5b2c0a4ce0b6a31a1a18f8e9a1",
		},
		{
			name:     "flat 429 with Retry-After seconds",
			status:   429,
			header:   http.Header{"Retry-After": {"2"}},
			body:     `{"code":"RATE_LIMITED","status":429,"message":"Rate limit exceeded. Retry after 2 seconds.","retryable":true,"traceId":"abc"}`,
			wantCode: "RATE_LIMITED", wantMsg: "Rate limit exceeded. Retry after 2 seconds.", retryable: true, traceID: "abc", retryAfter: 2 * time.Second,
		},
		{
			name:     "503 with Retry-After as an HTTP date",
			status:   503,
			header:   http.Header{"Retry-After": {now.Add(90 * time.Second).Format(http.TimeFormat)}},
			body:     `{"code":"SERVICE_UNAVAILABLE","message":"down for maintenance"}`,
			wantCode: "SERVICE_UNAVAILABLE", wantMsg: "down for maintenance", retryable: true, retryAfter: 90 * time.Second,
		},
		{
			name:     "a body saying not retryable wins over the status",
			status:   503,
			body:     `{"code":"SERVICE_UNAVAILABLE","message":"region disabled","retryable":false}`,
			wantCode: "SERVICE_UNAVAILABLE", wantMsg: "region disabled",
		},
		{
			name:     "wrapped GEN-A with requestId and details",
			status:   400,
			body:     `{"error":{"type":"validation_error","code":"VALIDATION_ERROR","status":400,"message":"Invalid request","details":[{"field":"resumeUrl","code":"invalid","message":"must be a URL"}],"requestId":"req_abc123def456"}}`,
			wantCode: "VALIDATION_ERROR", wantMsg: "Invalid request", traceID: "req_abc123def456", wantDetails: 1,
		},
		{
			name:     "wrapped GEN-A with one mistyped field keeps code and message",
			status:   400,
			body:     `{"error":{"type":"validation_error","code":"VALIDATION_ERROR","status":"400","message":"Invalid request","details":"resumeUrl is invalid","requestId":"req_1"}}`,
			wantCode: "VALIDATION_ERROR", wantMsg: "Invalid request", traceID: "req_1",
		},
		{
			name:     "flat body with a numeric code keeps its message",
			status:   400,
			body:     `{"code":400,"message":"Invalid request","retryable":"no","traceId":"t1"}`,
			wantCode: "", wantMsg: "Invalid request", traceID: "t1",
		},
		{
			name:    "HTML page from a proxy",
			status:  502,
			header:  http.Header{"Content-Type": {"text/html"}},
			body:    "<html><head><title>502 Bad Gateway</title></head><body><h1>nginx</h1></body></html>",
			wantMsg: "the response was not a Nova error (text/html): 502 Bad Gateway", retryable: true,
		},
		{
			name:    "plain text",
			status:  502,
			header:  http.Header{"Content-Type": {"text/plain"}},
			body:    "upstream connect error\r\n",
			wantMsg: "the response was not a Nova error (text/plain): upstream connect error", retryable: true,
		},
		{
			name:    "empty body",
			status:  404,
			wantMsg: "the response had no body",
		},
		{
			name:     "control characters are stripped",
			status:   400,
			body:     `{"code":"BAD\u001b[31m","message":"line1\nline2\u0007"}`,
			wantCode: "BAD[31m", wantMsg: "line1 line2",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := tt.header
			if h == nil {
				h = http.Header{}
			}
			e := ParseError(tt.status, h, []byte(tt.body), now)
			if e.StatusCode != tt.status || e.Code != tt.wantCode || e.Message != tt.wantMsg ||
				e.Retryable != tt.retryable || e.TraceID != tt.traceID || e.RetryAfter != tt.retryAfter || len(e.Details) != tt.wantDetails {
				t.Errorf("got %+v", e)
			}
		})
	}
}

func TestAPIErrorMessage(t *testing.T) {
	e := &APIError{StatusCode: 404, Code: "BATCH_NOT_FOUND", Message: "not found", TraceID: "t1",
		Details: []ErrorDetail{{Field: "scoringBatchId", Message: "unknown"}}}
	got := e.Error()
	for _, want := range []string{"HTTP 404", "BATCH_NOT_FOUND", "not found", "scoringBatchId: unknown", "trace id t1"} {
		if !strings.Contains(got, want) {
			t.Errorf("%q lacks %q", got, want)
		}
	}
	if !IsNotFound(e) {
		t.Error("IsNotFound = false")
	}
}

// A redirect is never followed (it would carry the key elsewhere); the error
// says where it pointed, so that a wrong base_url is found at once.
func TestParseErrorNamesRedirectLocation(t *testing.T) {
	e := ParseError(http.StatusMovedPermanently, http.Header{"Location": {"https://embed.nova.dweet.com/v2/jobs\r\nX: y"}}, nil, time.Now())
	if e.Location != "https://embed.nova.dweet.com/v2/jobs X: y" || !strings.Contains(e.Error(), "redirected to https://embed.nova.dweet.com/v2/jobs") {
		t.Fatalf("location %q, error %q", e.Location, e.Error())
	}
	if e.Retryable {
		t.Error("a redirect is not transient")
	}
	if e := ParseError(http.StatusBadGateway, http.Header{"Location": {"https://x"}}, nil, time.Now()); e.Location != "" {
		t.Errorf("a 502 has no redirect location, got %q", e.Location)
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
