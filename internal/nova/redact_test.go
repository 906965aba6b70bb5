package nova

import (
	"strings"
	"testing"
)

// Candidate values in these bodies all contain "SECRET" or are the numbers
// 7.5 and 4.25; what must stay visible is listed per case.
func TestRedactBody(t *testing.T) {
	tests := map[string]struct {
		body      string
		keep      []string
		wantBytes bool // only the size is logged
	}{
		"batch": {
			body: `{"batch":{"id":"batch-1","jobId":"job-123","status":"completed","totalJobs":2,"completedJobs":1,"failedJobs":1,"createdAt":"2026-01-01T00:00:00Z"},` +
				`"scoringJobs":[{"id":"sj-SECRET-1","applicationId":"app-SECRET-1","criteriaVersionId":"cv-1","status":"completed","isRescore":true,"score":7.5,` +
				`"assessment":{"verdict":"SECRET verdict","strengths":["SECRET s"],"concerns":[],"interviewFocus":["SECRET f"]},"errorCode":null,"errorMessage":null},` +
				`{"id":"sj-SECRET-2","applicationId":"app-SECRET-2","status":"failed","score":null,"assessment":null,"errorCode":"RESUME_FETCH_FAILED","errorMessage":"SECRET resume of Jane"}],` +
				`"rejectedApplications":[{"applicationId":"app-SECRET-3","error":{"reason":"RESUME_CORRUPTED","message":"SECRET pdf"}}]}`,
			keep: []string{`"id":"batch-1"`, `"jobId":"job-123"`, `"status":"completed"`, `"totalJobs":2`, `"failedJobs":1`, `"criteriaVersionId":"cv-1"`,
				`"isRescore":true`, `"status":"failed"`, `"errorCode":"RESUME_FETCH_FAILED"`, `"reason":"RESUME_CORRUPTED"`, `"assessment":null`,
				`"score":null`, `"assessment":"(masked)"`, `"createdAt":"2026-01-01T00:00:00Z"`, `"score":"` + masked + `"`},
		},
		"keys in any case": {
			body: `{"Batch":{"ID":"batch-1","Status":"COMPLETED"},"ScoringJobs":[{"id":"sj-SECRET","ApplicationID":"app-SECRET","Score":4.25,` +
				`"Assessment":{"Verdict":"SECRET"},"ErrorMessage":"SECRET"}]}`,
			keep: []string{`"ID":"batch-1"`, `"Status":"COMPLETED"`},
		},
		"single job": {
			body: `{"scoringJob":{"id":"sj-SECRET","applicationId":"app-SECRET","jobId":"job-123","score":7.5,"assessment":{"verdict":"SECRET"}}}`,
			keep: []string{`"jobId":"job-123"`},
		},
		"an unknown member is masked": {
			body: `{"batch":{"id":"batch-1"},"scoringJobs":[{"candidateName":"SECRET Jane","notes":{"text":"SECRET"}}]}`,
			keep: []string{`"id":"batch-1"`, `"scoringJobs":[{"(unknown members)":2}]`},
		},
		// The review's shapes: an "id" under a parent the list does not
		// know, a known key holding a list, an e-mail address as a key,
		// and an unknown top-level envelope.
		"an id under an unknown parent": {
			body: `{"batch":{"id":"batch-1","candidate":{"id":"jane.roe@example.com"}},"scoringJobs":[{"status":"completed","owner":{"id":"SECRET"}}]}`,
			keep: []string{`"batch":{"(unknown members)":1,"id":"batch-1"}`, `"scoringJobs":[{"(unknown members)":1,"status":"completed"}]`},
		},
		"a known key holding a list or an object": {
			body: `{"batch":{"id":"batch-1","status":["Jane Roe was rejected"]},"scoringJobs":[{"status":{"text":"SECRET"},"errorCode":["SECRET"]}]}`,
			keep: []string{`"status":"` + masked + `"`, `"errorCode":"` + masked + `"`},
		},
		"an e-mail address as a member name": {
			body: `{"batch":{"id":"batch-1"},"scoringJobs":[{"jane.roe@example.com":7.5,"status":"failed"}]}`,
			keep: []string{`"status":"failed"`, `"(unknown members)":1`},
		},
		"an unknown envelope is masked whole": {
			body: `{"data":{"batch":{"id":"SECRET"},"scoringJobs":[{"applicationId":"SECRET"}]}}`,
			keep: []string{`{"(unknown members)":1}`},
		},
		"a scoring job's id is masked at every level": {
			body: `{"scoringJob":{"id":"sj-SECRET","status":"completed"},"scoringJobs":[{"id":"sj-SECRET-2"}]}`,
			keep: []string{`"id":"` + masked + `"`},
		},
		"error": {
			body: `{"type":"https://docs.nova.dweet.com/embed-api/errors#validation-error","code":"VALIDATION_ERROR","status":400,` +
				`"message":"SECRET app-9 has no resume","retryable":false,"traceId":"trace-1","details":[{"field":"resume.url","code":"invalid","message":"SECRET"}]}`,
			keep: []string{`"code":"VALIDATION_ERROR"`, `"status":400`, `"traceId":"trace-1"`, `"field":"resume.url"`, `"code":"invalid"`, `"retryable":false`},
		},
		"wrapped error": {
			body: `{"error":{"code":"BATCH_NOT_FOUND","message":"SECRET","requestId":"req_1"}}`,
			keep: []string{`"code":"BATCH_NOT_FOUND"`, `"requestId":"req_1"`},
		},
		"criteria version": {
			body: `{"criteriaVersion":{"id":"cv-2026-02","version":3,"status":"ACTIVE","archivedAt":null,` +
				`"criteria":[{"id":"cr-1","text":"Go in production","importance":"MUST_HAVE","order":1}]}}`,
			keep: []string{`"id":"cv-2026-02"`, `"version":3`, `"status":"ACTIVE"`, `"id":"cr-1"`, `"text":"Go in production"`, `"importance":"MUST_HAVE"`, `"order":1`},
		},
		"truncated JSON still holding text": {
			body:      `{"scoringJobs":[{"assessment":{"verdict":"SECRET verdict`,
			wantBytes: true,
		},
		"HTML": {
			body:      `<html>SECRET</html>`,
			wantBytes: true,
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got := redactBody([]byte(tt.body))
			for _, secret := range []string{"SECRET", "7.5", "4.25", "Jane", "jane", "@"} {
				if strings.Contains(got, secret) {
					t.Fatalf("candidate value %q logged: %s", secret, got)
				}
			}
			if tt.wantBytes && !strings.HasPrefix(got, "(") {
				t.Fatalf("want only the size, got %s", got)
			}
			for _, k := range tt.keep {
				if !strings.Contains(got, k) {
					t.Errorf("%s lost from %s", k, got)
				}
			}
		})
	}
}
