package novafake

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"
)

// pollStatuses GETs the batch n times and returns, per GET, the batch status
// followed by each job's status.
func pollStatuses(t *testing.T, do func() testBatchResponse, n int) [][]string {
	t.Helper()
	var out [][]string
	for range n {
		r := do()
		row := []string{str(r.Batch.Status)}
		for _, j := range r.ScoringJobs {
			row = append(row, str(j.Status))
		}
		out = append(out, row)
	}
	return out
}

func TestBatchStatusStyles(t *testing.T) {
	jobs := []JobSpec{
		{ApplicationID: "app-1", AfterPolls: 2},
		{ApplicationID: "app-2", AfterPolls: 3, Fail: true},
	}
	for _, tc := range []struct {
		style StatusStyle
		want  [][]string
	}{
		{StatusLower, [][]string{
			{"pending", "pending", "pending"},
			{"pending", "completed", "pending"},
			{"failed", "completed", "failed"},
		}},
		{StatusUpper, [][]string{
			{"IN_PROGRESS", "PROCESSING", "PROCESSING"},
			{"IN_PROGRESS", "COMPLETED", "PROCESSING"},
			{"PARTIAL_FAILURE", "COMPLETED", "FAILED"},
		}},
		{StatusMissing, [][]string{
			{"<nil>", "<nil>", "<nil>"},
			{"<nil>", "<nil>", "<nil>"},
			{"<nil>", "<nil>", "<nil>"},
		}},
	} {
		t.Run(tc.style.String(), func(t *testing.T) {
			s, ts := start(t, WithStatusStyle(tc.style))
			id := mustAdd(t, s, BatchSpec{Tenant: tenant, JobID: "job-1", Jobs: jobs})
			got := pollStatuses(t, func() testBatchResponse {
				resp, body := get(t, ts, batchPath("job-1", id))
				wantStatus(t, resp, body, http.StatusOK)
				return decode[testBatchResponse](t, body)
			}, 3)
			if !equalRows(got, tc.want) {
				t.Errorf("statuses %v, want %v", got, tc.want)
			}
		})
	}
}

func equalRows(a, b [][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if a[i][j] != b[i][j] {
				return false
			}
		}
	}
	return true
}

func TestStatusMissingOmitsKeys(t *testing.T) {
	s, ts := start(t, WithStatusStyle(StatusMissing))
	id := mustAdd(t, s, BatchSpec{Tenant: tenant, JobID: "job-1", Jobs: []JobSpec{{ApplicationID: "a"}}})
	_, body := get(t, ts, batchPath("job-1", id))
	raw := decode[struct {
		Batch       map[string]json.RawMessage   `json:"batch"`
		ScoringJobs []map[string]json.RawMessage `json:"scoringJobs"`
	}](t, body)
	if _, ok := raw.Batch["status"]; ok {
		t.Errorf("batch has status: %s", body)
	}
	if _, ok := raw.ScoringJobs[0]["status"]; ok {
		t.Errorf("job has status: %s", body)
	}
	if _, ok := raw.ScoringJobs[0]["score"]; !ok {
		t.Errorf("job lost other keys: %s", body)
	}
}

func TestUpperTerminalStatuses(t *testing.T) {
	s, ts := start(t, WithStatusStyle(StatusUpper))
	for _, tc := range []struct {
		jobs []JobSpec
		want string
	}{
		{[]JobSpec{{ApplicationID: "a"}, {ApplicationID: "b"}}, "COMPLETED"},
		{[]JobSpec{{ApplicationID: "a", Fail: true}, {ApplicationID: "b", Fail: true}}, "FAILED"},
		{[]JobSpec{{ApplicationID: "a"}, {ApplicationID: "b", Fail: true}}, "PARTIAL_FAILURE"},
	} {
		id := mustAdd(t, s, BatchSpec{Tenant: tenant, JobID: "job-1", Jobs: tc.jobs})
		_, body := get(t, ts, batchPath("job-1", id))
		if got := str(decode[testBatchResponse](t, body).Batch.Status); got != tc.want {
			t.Errorf("status %s, want %s", got, tc.want)
		}
	}
}

func TestProgressionByPolls(t *testing.T) {
	clock := newClock()
	s, ts := start(t, WithClock(clock.Now))
	id := mustAdd(t, s, BatchSpec{Tenant: tenant, JobID: "job-1", Jobs: []JobSpec{
		{ApplicationID: "app-1", AfterPolls: 2, Score: 8},
		{ApplicationID: "app-2", AfterPolls: 2, Fail: true},
	}})

	clock.Advance(5 * time.Second)
	_, body := get(t, ts, batchPath("job-1", id))
	r := decode[testBatchResponse](t, body)
	if r.Batch.CompletedAt != nil || r.Batch.CompletedJobs != 0 || r.Batch.TotalJobs != 2 {
		t.Fatalf("first poll: %s", body)
	}
	j := r.ScoringJobs[0]
	if j.Score != nil || j.Assessment != nil || j.CompletedAt != nil || str(j.StartedAt) != "2025-12-14T10:30:46Z" {
		t.Fatalf("pending job: %s", body)
	}

	clock.Advance(5 * time.Second)
	_, body = get(t, ts, batchPath("job-1", id))
	r = decode[testBatchResponse](t, body)
	b := r.Batch
	if str(b.Status) != "failed" || b.CompletedJobs != 1 || b.FailedJobs != 1 ||
		str(b.CompletedAt) != "2025-12-14T10:30:55Z" || b.CreatedAt != "2025-12-14T10:30:45Z" {
		t.Fatalf("terminal batch: %s", body)
	}
	done, failed := r.ScoringJobs[0], r.ScoringJobs[1]
	if done.Score == nil || *done.Score != 8 || done.Assessment == nil || done.Assessment.Strengths == nil ||
		str(done.CompletedAt) != "2025-12-14T10:30:55Z" || done.FailedAt != nil || done.ErrorCode != nil {
		t.Errorf("completed job: %+v", done)
	}
	if str(failed.ErrorCode) != "RESUME_FETCH_FAILED" || failed.ErrorMessage == nil || failed.Score != nil ||
		failed.Assessment != nil || str(failed.FailedAt) != "2025-12-14T10:30:55Z" || failed.CompletedAt != nil {
		t.Errorf("failed job: %+v", failed)
	}
	if done.CriteriaVersionID == "" || done.CriteriaVersionID != failed.CriteriaVersionID || done.QueuedAt != b.CreatedAt {
		t.Errorf("criteria/queued: %+v", done)
	}
}

func TestProgressionByClock(t *testing.T) {
	clock := newClock()
	s, ts := start(t, WithClock(clock.Now))
	id := mustAdd(t, s, BatchSpec{Tenant: tenant, JobID: "job-1", Jobs: []JobSpec{
		{ApplicationID: "by-clock", After: Duration(30 * time.Second)},
		{ApplicationID: "either", After: Duration(time.Hour), AfterPolls: 2},
	}})
	status := func() (string, string, string) {
		_, body := get(t, ts, batchPath("job-1", id))
		r := decode[testBatchResponse](t, body)
		return str(r.ScoringJobs[0].Status), str(r.ScoringJobs[1].Status), str(r.Batch.CompletedAt)
	}
	if a, b, _ := status(); a != "pending" || b != "pending" {
		t.Fatalf("at t0: %s %s", a, b)
	}
	clock.Advance(31 * time.Second)
	a, b, done := status()
	if a != "completed" || b != "completed" || done != "2025-12-14T10:31:16Z" {
		t.Fatalf("at t0+31s: %s %s %s", a, b, done)
	}
	_, body := get(t, ts, "/v1/jobs/job-1/applications/by-clock/score")
	if j := decode[struct{ ScoringJob testJob }](t, body).ScoringJob; str(j.CompletedAt) != "2025-12-14T10:31:15Z" {
		t.Errorf("clock-driven completedAt %s, want createdAt+30s", str(j.CompletedAt))
	}
}

func TestSeededTerminalJobs(t *testing.T) {
	s, ts := start(t)
	id := mustAdd(t, s, BatchSpec{Tenant: tenant, JobID: "job-1", CreatedAt: t0, Jobs: []JobSpec{
		{ApplicationID: "a", Assessment: &Assessment{Verdict: "ok"}},
	}})
	_, body := get(t, ts, batchPath("job-1", id))
	r := decode[testBatchResponse](t, body)
	j := r.ScoringJobs[0]
	if str(r.Batch.Status) != "completed" || j.Score == nil || *j.Score < 1 || *j.Score > 10 {
		t.Fatalf("%s", body)
	}
	if j.Assessment.Verdict != "ok" || j.Assessment.Concerns == nil || j.Assessment.InterviewFocus == nil {
		t.Errorf("assessment arrays must be [] not null: %s", body)
	}
	if r.RejectedApplications == nil {
		t.Errorf("rejectedApplications must be present: %s", body)
	}
}

func TestBatchNotFound(t *testing.T) {
	s, ts := start(t)
	id := mustAdd(t, s, BatchSpec{Tenant: tenant, JobID: "job-1", Jobs: []JobSpec{{ApplicationID: "a"}}})
	resp, body := get(t, ts, batchPath("job-2", id))
	e := wantError(t, resp, body, http.StatusNotFound, "BATCH_NOT_FOUND")
	if e.Message != "Scoring batch "+id+" not found for job job-2" {
		t.Errorf("message %q", e.Message)
	}
	resp, body = get(t, ts, batchPath("job-1", "nope"))
	wantError(t, resp, body, http.StatusNotFound, "BATCH_NOT_FOUND")
}

func TestRejectedSorted(t *testing.T) {
	s, ts := start(t)
	id := mustAdd(t, s, BatchSpec{Tenant: tenant, JobID: "job-1", Jobs: []JobSpec{{ApplicationID: "m"}},
		Rejected: []RejectedSpec{
			{ApplicationID: "z", Reason: "RESUME_EMPTY", Message: "empty"},
			{ApplicationID: "b", Reason: "RESUME_CORRUPTED", Message: "corrupt"},
		}})
	_, body := get(t, ts, batchPath("job-1", id))
	r := decode[testBatchResponse](t, body)
	if len(r.RejectedApplications) != 2 || r.RejectedApplications[0].ApplicationID != "b" ||
		r.RejectedApplications[0].Error.Reason != "RESUME_CORRUPTED" || r.Batch.TotalJobs != 1 {
		t.Errorf("%s", body)
	}
}

func TestEscapedIDsReachTheirBatch(t *testing.T) {
	s, ts := start(t)
	const jobID, batchID = "job/../x", "a/../b c?d#e"
	mustAdd(t, s, BatchSpec{Tenant: tenant, JobID: jobID, ID: batchID, Jobs: []JobSpec{{ApplicationID: "a"}}})
	mustAdd(t, s, BatchSpec{Tenant: tenant, JobID: "x", ID: "b", Jobs: []JobSpec{{ApplicationID: "a"}}})

	const uri = "/v1/jobs/job%2F..%2Fx/scoring-batches/a%2F..%2Fb%20c%3Fd%23e"
	resp, body := get(t, ts, uri)
	wantStatus(t, resp, body, http.StatusOK)
	if r := decode[testBatchResponse](t, body); r.Batch.ID != batchID || r.Batch.JobID != jobID {
		t.Errorf("reached %q/%q", r.Batch.JobID, r.Batch.ID)
	}
	got := s.Requests()[0]
	if got.RequestURI != uri {
		t.Errorf("RequestURI %q, want %q", got.RequestURI, uri)
	}
	if len(got.PathParams) != 2 || got.PathParams[0] != jobID || got.PathParams[1] != batchID {
		t.Errorf("PathParams %q", got.PathParams)
	}
	// Unescaped dot segments are ids too, never cleaned into another path.
	resp, body = get(t, ts, "/v1/jobs/x/scoring-batches/../scoring-batches/b")
	wantError(t, resp, body, http.StatusNotFound, "NOT_FOUND")
}
