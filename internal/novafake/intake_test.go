package novafake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

const longResume = "# Jane Smith\n\nSenior Backend Engineer with ten years of Go and Postgres."

type app struct {
	ApplicationID string         `json:"applicationId"`
	Resume        map[string]any `json:"resume,omitempty"`
}

func urlApp(id, u string) app  { return app{id, map[string]any{"type": "url", "url": u}} }
func textApp(id, c string) app { return app{id, map[string]any{"type": "text", "content": c}} }

func intakeBody(t *testing.T, apps ...app) string {
	t.Helper()
	b, err := json.Marshal(map[string]any{"jobDescription": "We are looking for a backend engineer", "applications": apps})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestPostBatchAcceptsAndRejects(t *testing.T) {
	_, ts := start(t, WithStatusStyle(StatusUpper))
	body := intakeBody(t,
		urlApp("app-3", "https://storage.example.com/3.pdf"),
		urlApp("app-2", "http://storage.example.com/2.pdf"),
		textApp("app-1", longResume),
		textApp("app-0", "too short"),
		app{"app-4", map[string]any{"type": "docx"}},
	)
	resp, raw := call{method: http.MethodPost, path: "/v1/jobs/job-1/scoring-batches", body: body}.do(t, ts)
	wantStatus(t, resp, raw, http.StatusAccepted)
	if resp.Header.Get("X-RateLimit-Bucket") != "scoring_intake_batch" || resp.Header.Get("X-RateLimit-Limit") != "1" {
		t.Errorf("rate headers %v", resp.Header)
	}
	r := decode[testIntakeResponse](t, raw)
	if r.Batch.TotalJobs != 2 || str(r.Batch.Status) != "PENDING" || r.Batch.CompletedAt != nil || r.Batch.JobID != "job-1" {
		t.Errorf("batch %+v", r.Batch)
	}
	if len(r.ScoringJobIDs) != 2 || len(r.AcceptedApplications) != 2 ||
		r.AcceptedApplications[0].ApplicationID != "app-3" || r.AcceptedApplications[0].ScoringJobID != r.ScoringJobIDs[0] {
		t.Errorf("accepted %s", raw)
	}
	var reasons []string
	for _, rej := range r.RejectedApplications {
		reasons = append(reasons, rej.ApplicationID+"="+rej.Error.Reason)
	}
	if got, want := strings.Join(reasons, ","), "app-0=RESUME_EMPTY,app-2=RESUME_FETCH_FAILED,app-4=VALIDATION_ERROR"; got != want {
		t.Errorf("rejected %s, want %s", got, want)
	}

	// Default polls (2): started after the first GET, terminal on the second.
	path := batchPath("job-1", r.Batch.ID)
	for i, want := range []string{"IN_PROGRESS", "COMPLETED"} {
		_, raw = get(t, ts, path)
		b := decode[testBatchResponse](t, raw)
		if str(b.Batch.Status) != want || len(b.RejectedApplications) != 3 {
			t.Errorf("GET %d: %s", i+1, raw)
		}
	}
}

func TestPostBatchValidation(t *testing.T) {
	_, ts := start(t)
	many := make([]app, 26)
	for i := range many {
		many[i] = textApp(fmt.Sprintf("app-%02d", i), longResume)
	}
	for name, tc := range map[string]struct {
		body, field string
	}{
		"bad json":        {`{"applications": [`, "body"},
		"trailing data":   {intakeBody(t, textApp("a", longResume)) + " {}", "body"},
		"wrong type":      {`{"jobDescription":"x","applications":"a"}`, "body"},
		"no applications": {`{"jobDescription":"x","applications":[]}`, "applications"},
		"too many":        {intakeBody(t, many...), "applications"},
		"no description":  {strings.Replace(intakeBody(t, textApp("a", longResume)), "We are looking for a backend engineer", " ", 1), "jobDescription"},
		"missing id":      {intakeBody(t, textApp("", longResume)), "applications[0].applicationId"},
		"duplicate id":    {intakeBody(t, textApp("a", longResume), textApp("a", longResume)), "applications[1].applicationId"},
	} {
		t.Run(name, func(t *testing.T) {
			resp, raw := call{method: http.MethodPost, path: "/v1/jobs/job-1/scoring-batches", body: tc.body}.do(t, ts)
			e := wantError(t, resp, raw, http.StatusBadRequest, "VALIDATION_ERROR")
			if len(e.Details) == 0 || e.Details[0].Field != tc.field {
				t.Errorf("details %+v, want field %s", e.Details, tc.field)
			}
		})
	}
}

func TestPostBatchAllRejected(t *testing.T) {
	_, ts := start(t)
	body := intakeBody(t, urlApp("b", "ftp://x/y.pdf"), textApp("a", "short"))
	resp, raw := call{method: http.MethodPost, path: "/v1/jobs/job-1/scoring-batches", body: body}.do(t, ts)
	e := wantError(t, resp, raw, http.StatusUnprocessableEntity, "VALIDATION_ERROR")
	if len(e.Details) != 2 || e.Details[0].Field != "applications[1].resume" || e.Details[0].Code != "RESUME_EMPTY" ||
		e.Details[1].Code != "RESUME_FETCH_FAILED" {
		t.Errorf("details %+v", e.Details)
	}
	// No batch was created, so nothing is known about the application.
	resp, raw = get(t, ts, "/v1/jobs/job-1/applications/a/score")
	wantError(t, resp, raw, http.StatusNotFound, "APPLICATION_NOT_FOUND")
}

func TestPostBatchDedup(t *testing.T) {
	_, ts := start(t)
	submit := func(tenantID string, apps ...app) string {
		t.Helper()
		resp, raw := call{method: http.MethodPost, path: "/v1/jobs/job-1/scoring-batches", tenant: tenantID,
			body: intakeBody(t, apps...)}.do(t, ts)
		wantStatus(t, resp, raw, http.StatusAccepted)
		return decode[testIntakeResponse](t, raw).Batch.ID
	}
	a, b, bad := textApp("a", longResume), urlApp("b", "https://x/b.pdf"), textApp("c", "short")
	first := submit(tenant, a, b, bad)
	if again := submit(tenant, bad, b, a); again != first {
		t.Errorf("replay in another order made batch %s, want %s", again, first)
	}
	if other := submit(tenant, a, b); other == first {
		t.Error("a different set must make a new batch")
	}
	if other := submit("globex", a, b, bad); other == first {
		t.Error("another tenant must make a new batch")
	}
}

func TestPostBatchTooLarge(t *testing.T) {
	_, ts := start(t)
	body := `{"jobDescription":"` + strings.Repeat("x", maxBodyBytes) + `"}`
	resp, raw := call{method: http.MethodPost, path: "/v1/jobs/job-1/scoring-batches", body: body}.do(t, ts)
	wantError(t, resp, raw, http.StatusRequestEntityTooLarge, "PAYLOAD_TOO_LARGE")
}

func TestPostBatchInvalidHostFailsLater(t *testing.T) {
	_, ts := start(t, WithDefaultPolls(1))
	body := intakeBody(t, urlApp("a", "https://cdn.example.invalid/a.pdf"), textApp("b", longResume))
	_, raw := call{method: http.MethodPost, path: "/v1/jobs/job-1/scoring-batches", body: body}.do(t, ts)
	id := decode[testIntakeResponse](t, raw).Batch.ID
	_, raw = get(t, ts, batchPath("job-1", id))
	r := decode[testBatchResponse](t, raw)
	if str(r.Batch.Status) != "failed" || str(r.ScoringJobs[0].ErrorCode) != "RESUME_FETCH_FAILED" ||
		str(r.ScoringJobs[1].Status) != "completed" {
		t.Errorf("%s", raw)
	}
}

func TestDefaultPollsZeroIsImmediate(t *testing.T) {
	_, ts := start(t, WithDefaultPolls(0))
	_, raw := call{method: http.MethodPost, path: "/v1/jobs/job-1/scoring-batches",
		body: intakeBody(t, textApp("a", longResume))}.do(t, ts)
	if r := decode[testIntakeResponse](t, raw); str(r.Batch.Status) != "completed" || r.Batch.CompletedAt == nil {
		t.Errorf("%s", raw)
	}
}
