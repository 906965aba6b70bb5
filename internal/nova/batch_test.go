package nova

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

func mustTimestamp(t *testing.T, s string) *Timestamp {
	t.Helper()
	v, err := ParseTimestamp(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// The documented GEN-C example (seed page), complete.
const genCBatch = `{
  "batch": {"id": "cmlz26em4002cwp61t7ukh3lb", "jobId": "job-123", "status": "pending",
            "totalJobs": 2, "completedJobs": 1, "failedJobs": 0,
            "createdAt": "2025-12-14T10:30:45Z", "completedAt": null},
  "scoringJobs": [{
      "id": "cmlz26dl3001bwp61r8sjf2ka", "criteriaVersionId": "cmlz26ck2000awp61q9qcjcne",
      "jobId": "job-123", "applicationId": "app-001", "status": "completed", "isRescore": false,
      "score": 7,
      "assessment": {"verdict": "Strong candidate with solid backend experience.", "strengths": [], "concerns": [], "interviewFocus": []},
      "errorCode": null, "errorMessage": null,
      "queuedAt": "2025-12-14T10:30:45Z", "startedAt": "2025-12-14T10:30:50Z",
      "completedAt": "2025-12-14T10:31:20Z", "failedAt": null
  }, {
      "id": "sj2", "jobId": "job-123", "applicationId": "app-002", "status": "pending", "isRescore": false,
      "score": null, "assessment": null, "queuedAt": "2025-12-14T10:30:45Z", "startedAt": null
  }]
}`

func TestDecodeBatchGenC(t *testing.T) {
	r, err := DecodeBatch([]byte(genCBatch))
	if err != nil {
		t.Fatal(err)
	}
	b := r.Batch
	if *b.ID != "cmlz26em4002cwp61t7ukh3lb" || *b.JobID != "job-123" || b.Status != StatusPending || *b.APIStatus != "pending" {
		t.Errorf("batch = %+v", b)
	}
	if b.TotalJobs != 2 || b.CompletedJobs != 1 || b.FailedJobs != 0 || b.PendingJobs != 1 {
		t.Errorf("counters = %d/%d/%d pending %d", b.TotalJobs, b.CompletedJobs, b.FailedJobs, b.PendingJobs)
	}
	if b.CompletedAt != nil || b.CreatedAt.Text != "2025-12-14T10:30:45Z" || !b.CreatedAt.Time.Equal(time.Date(2025, 12, 14, 10, 30, 45, 0, time.UTC)) {
		t.Errorf("times = %v, %v", b.CreatedAt, b.CompletedAt)
	}
	if len(r.ScoringJobs) != 2 {
		t.Fatalf("jobs = %d", len(r.ScoringJobs))
	}
	j := r.ScoringJobs[0]
	if j.Status != StatusCompleted || *j.Score != 7 || *j.CriteriaVersionID != "cmlz26ck2000awp61q9qcjcne" || *j.IsRescore {
		t.Errorf("job 0 = %+v", j)
	}
	if j.Assessment == nil || j.Assessment.Strengths == nil || len(j.Assessment.Strengths) != 0 {
		t.Errorf("assessment lists must be empty, not nil: %+v", j.Assessment)
	}
	if j.ErrorCode != nil || j.FailedAt != nil {
		t.Errorf("nulls must stay nil: %+v", j)
	}
	p := r.ScoringJobs[1]
	if p.Status != StatusPending || p.Score != nil || p.Assessment != nil || p.CriteriaVersionID != nil {
		t.Errorf("pending job = %+v", p)
	}
	if r.RejectedApplications == nil || len(r.RejectedApplications) != 0 {
		t.Errorf("rejected applications must be an empty list when absent")
	}
	if len(r.Warnings) != 0 {
		t.Errorf("warnings = %v", r.Warnings)
	}
}

func TestDecodeBatchVariants(t *testing.T) {
	tests := []struct {
		name       string
		body       string
		status     Status
		apiStatus  *string
		jobStatus  []Status
		warnings   int
		rejected   int
		wantReason string
	}{
		{
			name:      "GEN-B upper case, IN_PROGRESS",
			body:      `{"batch":{"id":"batch_id","jobId":"job-123","status":"IN_PROGRESS","totalJobs":2,"completedJobs":1,"failedJobs":0,"createdAt":"2025-12-14T10:30:45Z","completedAt":null},"scoringJobs":[{"id":"scoring_job_id_1","applicationId":"app-001","status":"COMPLETED","isRescore":false,"score":7},{"id":"s2","applicationId":"app-002","status":"PROCESSING"}]}`,
			status:    StatusPending,
			apiStatus: ptr("IN_PROGRESS"),
			jobStatus: []Status{StatusCompleted, StatusPending},
		},
		{
			name:      "GEN-B PARTIAL_FAILURE",
			body:      `{"batch":{"id":"b","jobId":"j","status":"PARTIAL_FAILURE","totalJobs":2,"completedJobs":1,"failedJobs":1,"createdAt":"2025-12-14T10:30:45Z","completedAt":"2025-12-14T10:35:00Z"},"scoringJobs":[{"id":"s1","status":"COMPLETED","score":5},{"id":"s2","status":"FAILED","errorCode":"RESUME_FETCH_FAILED","errorMessage":"404 from storage"}]}`,
			status:    StatusFailed,
			apiStatus: ptr("PARTIAL_FAILURE"),
			jobStatus: []Status{StatusCompleted, StatusFailed},
		},
		{
			name:       "GEN-D sample without status anywhere, rejected applications",
			body:       `{"batch":{"id":"b","jobId":"j","totalJobs":2,"completedJobs":1,"failedJobs":1,"createdAt":"2025-12-14T10:30:45Z","completedAt":"2025-12-14T10:35:00.123Z"},"scoringJobs":[{"id":"s1","score":8,"completedAt":"2025-12-14T10:31:00Z"},{"id":"s2","failedAt":"2025-12-14T10:32:00Z"}],"rejectedApplications":[{"applicationId":"app-9","error":{"message":"PDF truncated","reason":"RESUME_CORRUPTED"}}]}`,
			status:     StatusFailed,
			jobStatus:  []Status{StatusCompleted, StatusFailed},
			rejected:   1,
			wantReason: "RESUME_CORRUPTED",
		},
		{
			name:      "status null is treated as missing",
			body:      `{"batch":{"id":"b","jobId":"j","status":null,"totalJobs":1,"completedJobs":0,"failedJobs":0,"createdAt":"2025-12-14T10:30:45Z"},"scoringJobs":[{"id":"s1","status":null}]}`,
			status:    StatusPending,
			jobStatus: []Status{StatusPending},
		},
		{
			name:      "unknown fields are ignored",
			body:      `{"batch":{"id":"b","jobId":"j","status":"completed","totalJobs":1,"completedJobs":1,"failedJobs":0,"createdAt":"2025-12-14T10:30:45Z","newField":{"x":[1,2]}},"scoringJobs":[{"id":"s1","status":"completed","score":9,"futureThing":true}],"meta":{"v":2}}`,
			status:    StatusCompleted,
			apiStatus: ptr("completed"),
			jobStatus: []Status{StatusCompleted},
		},
		{
			// The newest docs' sample omits status; counters may be absent
			// while the batch is set up. The listed jobs decide.
			name:      "no status, no counters, a listed job still running",
			body:      `{"batch":{"id":"b","jobId":"j","createdAt":"2025-12-14T10:30:45Z"},"scoringJobs":[{"id":"s1","score":8,"completedAt":"2025-12-14T10:31:00Z"},{"id":"s2","queuedAt":"2025-12-14T10:30:45Z"}]}`,
			status:    StatusPending,
			jobStatus: []Status{StatusCompleted, StatusPending},
		},
		{
			name:      "no status, zero counters, no jobs yet",
			body:      `{"batch":{"id":"b","jobId":"j","totalJobs":0,"completedJobs":0,"failedJobs":0}}`,
			status:    StatusPending,
			jobStatus: []Status{},
			warnings:  1,
		},
		{
			name:      "unknown status and disagreeing counters warn",
			body:      `{"batch":{"id":"b","jobId":"j","status":"paused","totalJobs":1,"completedJobs":2,"failedJobs":1,"createdAt":"2025-12-14T10:30:45Z"},"scoringJobs":[]}`,
			status:    StatusPending, // impossible counters are no evidence: nothing shows the one job finished
			apiStatus: ptr("paused"),
			jobStatus: []Status{},
			warnings:  3, // the unknown word, the counters, the job counted but not listed
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := DecodeBatch([]byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if r.Batch.Status != tt.status {
				t.Errorf("status = %q, want %q", r.Batch.Status, tt.status)
			}
			if (r.Batch.APIStatus == nil) != (tt.apiStatus == nil) || (tt.apiStatus != nil && *r.Batch.APIStatus != *tt.apiStatus) {
				t.Errorf("api status = %v, want %v", r.Batch.APIStatus, tt.apiStatus)
			}
			if len(r.ScoringJobs) != len(tt.jobStatus) {
				t.Fatalf("jobs = %d, want %d", len(r.ScoringJobs), len(tt.jobStatus))
			}
			for i, want := range tt.jobStatus {
				if r.ScoringJobs[i].Status != want {
					t.Errorf("job %d status = %q, want %q", i, r.ScoringJobs[i].Status, want)
				}
			}
			if len(r.Warnings) != tt.warnings {
				t.Errorf("warnings = %q, want %d", r.Warnings, tt.warnings)
			}
			if len(r.RejectedApplications) != tt.rejected {
				t.Fatalf("rejected = %d, want %d", len(r.RejectedApplications), tt.rejected)
			}
			if tt.rejected > 0 && *r.RejectedApplications[0].Error.Reason != tt.wantReason {
				t.Errorf("reason = %q", *r.RejectedApplications[0].Error.Reason)
			}
		})
	}
}

func TestDecodeBatchRejectsBrokenBodies(t *testing.T) {
	tests := map[string]string{
		"empty":               ``,
		"whitespace":          "  \n",
		"truncated":           `{"batch":{"id":"b","jobId":"j","totalJobs":1`,
		"batch not an object": `{"batch":"b1"}`,
		"no batch":            `{"scoringJobs":[]}`,
		"null batch":          `{"batch":null}`,
		"array":               `[1,2,3]`,
		"html":                `<html><title>502 Bad Gateway</title></html>`,
		"trailing garbage":    `{"batch":{"id":"b"}} {"batch":{}}`,
	}
	for name, body := range tests {
		t.Run(name, func(t *testing.T) {
			if r, err := DecodeBatch([]byte(body)); err == nil {
				t.Fatalf("want an error, got %+v", r)
			}
		})
	}
}

// A malformed timestamp costs that one field, with a warning naming it; the
// rest of the batch is read, and fractional seconds are kept as sent.
func TestDecodeBatchTimestamps(t *testing.T) {
	r, err := DecodeBatch([]byte(`{"batch":{"id":"b","status":"pending","totalJobs":2,"completedJobs":1,"failedJobs":0,"createdAt":"2025-12-14T10:30:45.123456+01:00","completedAt":17},
		"scoringJobs":[{"id":"s1","status":"completed","score":8,"completedAt":"yesterday","queuedAt":"2025-12-14T10:30:45.5Z"},{"id":"s2","status":"pending"}]}`))
	if err != nil {
		t.Fatalf("one bad timestamp failed the whole read: %v", err)
	}
	if got := r.Batch.CreatedAt; got == nil || got.Text != "2025-12-14T10:30:45.123456+01:00" || got.Time.Nanosecond() != 123456000 {
		t.Errorf("createdAt = %+v, want the text as sent with its fraction", got)
	}
	if r.Batch.CompletedAt != nil || r.ScoringJobs[0].CompletedAt != nil {
		t.Errorf("malformed timestamps must become null: %+v, %+v", r.Batch.CompletedAt, r.ScoringJobs[0].CompletedAt)
	}
	if q := r.ScoringJobs[0].QueuedAt; q == nil || q.Text != "2025-12-14T10:30:45.5Z" {
		t.Errorf("queuedAt = %+v", q)
	}
	got := warningStrings(r.Warnings)
	if len(got) != 2 || !strings.Contains(got[0], `scoring job "s1": completedAt is not an RFC 3339 date-time`) || !strings.Contains(got[1], `the batch's completedAt is not an RFC 3339`) {
		t.Errorf("warnings = %q", got)
	}
}

func TestDecodeBatchSortsRejectedApplications(t *testing.T) {
	r, err := DecodeBatch([]byte(`{"batch":{"id":"b","status":"completed","totalJobs":1,"completedJobs":1},"scoringJobs":[{"status":"completed"}],
		"rejectedApplications":[{"applicationId":"app-3"},{"applicationId":"app-1"},{},{"applicationId":"app-2"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ra := range r.RejectedApplications {
		got = append(got, derefOr(ra.ApplicationID))
	}
	if want := []string{"", "app-1", "app-2", "app-3"}; !slices.Equal(got, want) {
		t.Errorf("rejected applications in order %q, want %q", got, want)
	}
}

func TestDecodeBatchKeepsMissingIDsNull(t *testing.T) {
	r, err := DecodeBatch([]byte(`{"batch":{"totalJobs":0},"scoringJobs":[{}],"rejectedApplications":[{"error":{}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if r.Batch.ID != nil || r.Batch.JobID != nil || r.ScoringJobs[0].ID != nil || r.RejectedApplications[0].ApplicationID != nil {
		t.Fatalf("omitted ids must stay null, not become empty strings: %+v", r)
	}
}

// Harmless type variants do not fail the read: a field of the wrong type is
// null, with a warning naming the field (never its value), and can only
// keep the batch from completing; 3.0 is 3.
func TestDecodeBatchTypeVariants(t *testing.T) {
	const job = `{"id":"sj-1","applicationId":"app-1","status":"completed","score":8,"completedAt":"2025-12-14T10:31:20Z"%s}`
	for _, tt := range []struct {
		name, batch, job string
		status           Status
		warning          string
	}{
		{"counters written as 3.0", `"totalJobs":1.0,"completedJobs":1.0,"failedJobs":0.0`, "", StatusCompleted, ""},
		{"score as a string", `"totalJobs":1`, `,"score":"8.5"`, StatusPending, `scoring job "sj-1": score is a string, not a number`},
		{"isRescore as a string", `"totalJobs":1`, `,"isRescore":"false"`, StatusPending, `isRescore is a string, not a boolean`},
		{"a counter as a string", `"totalJobs":"1"`, "", StatusPending, `totalJobs is a string, not a whole number`},
		{"a counter that is not whole", `"totalJobs":1.5`, "", StatusPending, `totalJobs is not a whole number`},
		{"a field sent twice", `"status":"failed","status":"completed"`, "", StatusPending, `the field "status" is sent more than once`},
		{"a field in another case", `"Status":"FAILED"`, "", StatusPending, `the field "Status" is not spelt as documented (status)`},
		{"an assessment of the wrong shape", "", `,"assessment":{"verdict":3}`, StatusPending, `assessment: verdict is a number, not a string`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			j := fmt.Sprintf(job, tt.job)
			if strings.Count(tt.job, `"score"`) > 0 {
				j = strings.Replace(j, `"score":8,`, "", 1)
			}
			r, err := DecodeBatch([]byte(`{"batch":{"id":"b"` + prefixComma(tt.batch) + `},"scoringJobs":[` + j + `]}`))
			if err != nil {
				t.Fatalf("the read failed: %v", err)
			}
			got := strings.Join(warningStrings(r.Warnings), "\n")
			if r.Batch.Status != tt.status || (tt.warning == "") != (got == "") || !strings.Contains(got, tt.warning) {
				t.Errorf("status %s, warnings:\n%s\nwant %s and %q", r.Batch.Status, got, tt.status, tt.warning)
			}
			if strings.Contains(got, "8.5") || strings.Contains(got, "app-1") {
				t.Errorf("a warning names a candidate's value:\n%s", got)
			}
		})
	}
}

func prefixComma(s string) string {
	if s == "" {
		return ""
	}
	return "," + s
}
