package nova

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// The fuzz targets run their seed corpus in plain `go test`; `make fuzz`
// explores further. The property in every case: no panic, and every
// accepted input leaves the invariants the provider's mapping relies on.

func FuzzDecodeBatch(f *testing.F) {
	f.Add([]byte(genCBatch))
	f.Add([]byte(`{"batch":{"id":"b","jobId":"j","status":"PARTIAL_FAILURE","totalJobs":2,"completedJobs":1,"failedJobs":1},"scoringJobs":[{"status":"FAILED","errorCode":"X"},{"score":7}]}`))
	f.Add([]byte(`{"batch":{"id":"b","totalJobs":-5,"completedJobs":9223372036854775807,"failedJobs":1},"scoringJobs":null,"rejectedApplications":[{"applicationId":"a","error":null}]}`))
	f.Add([]byte(`{"batch":{"createdAt":"2025-12-14T10:30:45.999999999+14:00"},"scoringJobs":[{"assessment":{"strengths":null}}]}`))
	f.Add([]byte(`{"batch":{}}` + "\x00"))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := DecodeBatch(body)
		if err != nil {
			return
		}
		b := r.Batch
		if b.Status != StatusPending && b.Status != StatusCompleted && b.Status != StatusFailed {
			t.Fatalf("status %q is not normalised", b.Status)
		}
		if b.PendingJobs < 0 {
			t.Fatalf("pending_jobs %d", b.PendingJobs)
		}
		if r.ScoringJobs == nil || r.RejectedApplications == nil {
			t.Fatal("lists must be empty, not nil")
		}
		for _, j := range r.ScoringJobs {
			if j.Status == "" {
				t.Fatal("job status not normalised")
			}
			if a := j.Assessment; a != nil && (a.Strengths == nil || a.Concerns == nil || a.InterviewFocus == nil) {
				t.Fatal("assessment lists must be empty, not nil")
			}
		}
	})
}

func FuzzParseError(f *testing.F) {
	f.Add(401, `{"code":"UNAUTHORIZED","message":"Invalid or missing API key","retryable":false,"traceId":"abc"}`, "")
	f.Add(400, `{"error":{"code":"VALIDATION_ERROR","message":"bad","details":[{"field":"f","message":"m"}],"requestId":"req_1"}}`, "")
	f.Add(502, `<html><title>502</title></html>`, "")
	f.Add(429, `{"code":"RATE_LIMITED","retryable":true}`, "Wed, 21 Oct 2015 07:28:00 GMT")
	f.Add(503, "\xff\xfe{", "-1")
	// A long message of two-byte runes, cut off by the message bound at an
	// odd offset: the cut must not split a rune.
	f.Add(500, `{"code":"INTERNAL_ERROR","message":"a`+strings.Repeat("é", 700)+`"}`, "")
	f.Fuzz(func(t *testing.T, status int, body, retryAfter string) {
		h := http.Header{"Retry-After": {retryAfter}, "Content-Type": {"text/html"}}
		e := ParseError(status, h, []byte(body), time.Unix(1_700_000_000, 0))
		if e == nil {
			t.Fatal("nil error")
		}
		if e.RetryAfter < 0 {
			t.Fatalf("negative Retry-After %v", e.RetryAfter)
		}
		if len(e.Message) > 1100 || len(e.Code) > 70 || len(e.Details) > 10 {
			t.Fatalf("unbounded error fields: %d/%d/%d", len(e.Message), len(e.Code), len(e.Details))
		}
		msg := e.Error()
		for _, r := range msg {
			if r < 0x20 && r != '\t' {
				t.Fatalf("control character %U in %q", r, msg)
			}
		}
		if utf8.ValidString(body) && !utf8.ValidString(msg) {
			t.Fatalf("valid UTF-8 in, invalid UTF-8 out: %q", msg)
		}
	})
}

func FuzzDecodeCriteriaVersion(f *testing.F) {
	f.Add([]byte(`{"id":"cv-1","version":2,"status":"ACTIVE","criteria":[{"id":"c","text":"Go","importance":"MUST_HAVE","order":1}]}`))
	f.Add([]byte(`{"criteriaVersion":{"id":"cv-1","archivedAt":"yesterday"},"criteria":[]}`))
	f.Add([]byte(`{"a":{"id":"x"},"b":{"id":"y"}}`))
	f.Add([]byte(`{"v":{"id":null,"criteria":null}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := DecodeCriteriaVersion(body)
		if err != nil {
			return
		}
		if r.Version == nil || r.Version.ID == nil || strings.TrimSpace(*r.Version.ID) == "" {
			t.Fatal("an accepted version must have an id: gates compare it")
		}
		if r.Version.Criteria == nil {
			t.Fatal("criteria must be empty, not nil")
		}
	})
}

// A logged body is either JSON or a note of its size, whatever arrived:
// what it masks is TestRedactBody's to prove.
func FuzzRedactBody(f *testing.F) {
	f.Add([]byte(genCBatch))
	f.Add([]byte(`{"scoringJob":{"id":"sj","APPLICATIONID":"app","Score":7.25}}`))
	f.Add([]byte(`{"code":"X","message":"m","details":[{"field":"f","message":"m"}]}`))
	f.Add([]byte(`{"criteria":[{"text":"Go","id":["c"]}],"notes":{"id":{"id":1e999}}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		got := redactBody(body)
		if got != "" && !strings.HasPrefix(got, "(") && !json.Valid([]byte(got)) {
			t.Fatalf("not JSON: %s", got)
		}
	})
}
