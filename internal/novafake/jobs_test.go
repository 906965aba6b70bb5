package novafake

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

type jobEnvelope struct {
	ScoringJob testJob `json:"scoringJob"`
}

func TestGetScoringJob(t *testing.T) {
	s, ts := start(t)
	mustAdd(t, s, BatchSpec{Tenant: tenant, JobID: "job-1", Jobs: []JobSpec{
		{ApplicationID: "app-1", ID: "sj-1", AfterPolls: 2, IsRescore: true, CriteriaVersionID: "cv-9"},
	}})
	path := "/v1/jobs/job-1/applications/app-1/scoring-jobs/sj-1"
	for i, want := range []string{"pending", "completed"} {
		resp, raw := get(t, ts, path)
		wantStatus(t, resp, raw, http.StatusOK)
		j := decode[jobEnvelope](t, raw).ScoringJob
		if str(j.Status) != want || j.ID != "sj-1" || !j.IsRescore || j.CriteriaVersionID != "cv-9" || j.JobID != "job-1" {
			t.Errorf("GET %d: %s", i+1, raw)
		}
	}
	for _, p := range []string{
		"/v1/jobs/job-1/applications/app-1/scoring-jobs/sj-2",
		"/v1/jobs/job-1/applications/app-2/scoring-jobs/sj-1",
		"/v1/jobs/job-2/applications/app-1/scoring-jobs/sj-1",
	} {
		resp, raw := get(t, ts, p)
		wantError(t, resp, raw, http.StatusNotFound, "SCORING_JOB_NOT_FOUND")
	}
}

func TestSingleJobPollsAdvanceTheBatch(t *testing.T) {
	s, ts := start(t)
	id := mustAdd(t, s, BatchSpec{Tenant: tenant, JobID: "job-1", Jobs: []JobSpec{
		{ApplicationID: "app-1", ID: "sj-1", AfterPolls: 2},
	}})
	get(t, ts, "/v1/jobs/job-1/applications/app-1/score")
	_, raw := get(t, ts, batchPath("job-1", id))
	if r := decode[testBatchResponse](t, raw); str(r.Batch.Status) != "completed" {
		t.Errorf("the score GET and the batch GET are both polls: %s", raw)
	}
}

func TestLatestScore(t *testing.T) {
	clock := newClock()
	s, ts := start(t, WithClock(clock.Now))
	mustAdd(t, s, BatchSpec{Tenant: tenant, JobID: "job-1", CreatedAt: t0.Add(time.Minute),
		Jobs: []JobSpec{{ApplicationID: "a", ID: "newest"}}})
	mustAdd(t, s, BatchSpec{Tenant: tenant, JobID: "job-1", CreatedAt: t0,
		Jobs: []JobSpec{{ApplicationID: "a", ID: "older"}}})
	mustAdd(t, s, BatchSpec{Tenant: tenant, JobID: "job-2", CreatedAt: t0,
		Jobs: []JobSpec{{ApplicationID: "a", ID: "tie-1"}}})
	mustAdd(t, s, BatchSpec{Tenant: tenant, JobID: "job-2", CreatedAt: t0,
		Jobs: []JobSpec{{ApplicationID: "a", ID: "tie-2", IsRescore: true}}})

	for path, want := range map[string]string{
		"/v1/jobs/job-1/applications/a/score": "newest",
		"/v1/jobs/job-2/applications/a/score": "tie-2",
	} {
		resp, raw := get(t, ts, path)
		wantStatus(t, resp, raw, http.StatusOK)
		if got := decode[jobEnvelope](t, raw).ScoringJob.ID; got != want {
			t.Errorf("%s: %s, want %s", path, got, want)
		}
	}
	resp, raw := get(t, ts, "/v1/jobs/job-1/applications/b/score")
	e := wantError(t, resp, raw, http.StatusNotFound, "APPLICATION_NOT_FOUND")
	if e.Message != "Application b of job job-1 has no scoring job" {
		t.Errorf("message %q", e.Message)
	}
}

// RewriteAnswers passes every successful batch and scoring-job read, with
// its route, through the test's rewrite; errors and other routes are left
// alone, and nil stops rewriting.
func TestRewriteAnswers(t *testing.T) {
	s, ts := start(t)
	id := mustAdd(t, s, BatchSpec{Tenant: tenant, JobID: "job-1", Jobs: []JobSpec{{ApplicationID: "app-1", ID: "sj-1"}}})
	var routes []string
	s.RewriteAnswers(func(route string, body []byte) []byte {
		routes = append(routes, route)
		return []byte(strings.Replace(string(body), `"status":"completed"`, `"status":"RUNNING"`, 1))
	})
	for _, path := range []string{batchPath("job-1", id), "/v1/jobs/job-1/applications/app-1/scoring-jobs/sj-1", "/v1/jobs/job-1/applications/app-1/score"} {
		resp, raw := get(t, ts, path)
		wantStatus(t, resp, raw, http.StatusOK)
		if !strings.Contains(string(raw), `"status":"RUNNING"`) {
			t.Errorf("%s was not rewritten: %s", path, raw)
		}
	}
	resp, raw := get(t, ts, batchPath("job-1", "nope"))
	wantError(t, resp, raw, http.StatusNotFound, "BATCH_NOT_FOUND")
	if want := []string{RouteGetBatch, RouteGetScoringJob, RouteGetApplicationScore}; !slices.Equal(routes, want) {
		t.Errorf("routes %q, want %q", routes, want)
	}
	s.RewriteAnswers(nil)
	if _, raw := get(t, ts, batchPath("job-1", id)); strings.Contains(string(raw), "RUNNING") {
		t.Errorf("still rewritten after RewriteAnswers(nil): %s", raw)
	}
}
