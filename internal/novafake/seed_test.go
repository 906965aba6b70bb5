package novafake

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestDecodeAndLoadSeed(t *testing.T) {
	seed, err := DecodeSeed(strings.NewReader(`{"batches":[{
		"env":"production","tenant":"acme","jobId":"job-1","id":"batch-1","createdAt":"2025-12-14T10:30:45Z",
		"jobs":[{"applicationId":"a","after":"30s","score":9},{"applicationId":"b","fail":true,"errorCode":"CRITERIA_NOT_FOUND"}],
		"rejected":[{"applicationId":"c","reason":"RESUME_EMPTY","message":"empty"}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := time.Duration(seed.Batches[0].Jobs[0].After); got != 30*time.Second {
		t.Fatalf("after %v", got)
	}
	clock := newClock()
	s, ts := start(t, WithClock(clock.Now))
	if err := s.Load(seed); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute)
	resp, raw := call{path: batchPath("job-1", "batch-1"), key: liveKey}.do(t, ts)
	wantStatus(t, resp, raw, http.StatusOK)
	r := decode[testBatchResponse](t, raw)
	if str(r.Batch.Status) != "failed" || *r.ScoringJobs[0].Score != 9 || str(r.ScoringJobs[1].ErrorCode) != "CRITERIA_NOT_FOUND" ||
		str(r.ScoringJobs[1].ErrorMessage) != "Scoring failed: CRITERIA_NOT_FOUND" || r.RejectedApplications[0].Error.Message != "empty" {
		t.Errorf("%s", raw)
	}
}

func TestDecodeSeedErrors(t *testing.T) {
	for name, in := range map[string]string{
		"unknown field":   `{"batches":[{"tenant":"a","job_id":"x"}]}`,
		"number duration": `{"batches":[{"jobs":[{"after":30}]}]}`,
		"bad duration":    `{"batches":[{"jobs":[{"after":"soon"}]}]}`,
	} {
		if _, err := DecodeSeed(strings.NewReader(in)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestDurationJSON(t *testing.T) {
	b, err := json.Marshal(JobSpec{After: Duration(90 * time.Second)})
	if err != nil || !strings.Contains(string(b), `"after":"1m30s"`) {
		t.Errorf("%s %v", b, err)
	}
}

func TestAddBatchValidation(t *testing.T) {
	s := New()
	mustAdd(t, s, BatchSpec{Tenant: tenant, JobID: "j", ID: "taken", Jobs: []JobSpec{{ApplicationID: "a"}}})
	for name, spec := range map[string]BatchSpec{
		"no tenant":      {JobID: "j"},
		"no job id":      {Tenant: tenant},
		"bad env":        {Env: "staging", Tenant: tenant, JobID: "j"},
		"duplicate id":   {Tenant: tenant, JobID: "j", ID: "taken"},
		"empty app id":   {Tenant: tenant, JobID: "j", Jobs: []JobSpec{{}}},
		"app twice":      {Tenant: tenant, JobID: "j", Jobs: []JobSpec{{ApplicationID: "a"}}, Rejected: []RejectedSpec{{ApplicationID: "a"}}},
		"negative polls": {Tenant: tenant, JobID: "j", Jobs: []JobSpec{{ApplicationID: "a", AfterPolls: -1}}},
	} {
		if _, err := s.AddBatch(spec); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	// The same id is free in another environment.
	mustAdd(t, s, BatchSpec{Env: EnvProduction, Tenant: tenant, JobID: "j", ID: "taken"})
}

func TestResetAndLogLimit(t *testing.T) {
	var hooked []Request
	var mu sync.Mutex
	s, ts := start(t, WithRequestLogLimit(3), WithRequestHook(func(r Request) {
		mu.Lock()
		defer mu.Unlock()
		hooked = append(hooked, r)
	}))
	for range 10 {
		get(t, ts, batchPath("j", "b"))
	}
	if got := len(s.Requests()); got != 3 {
		t.Errorf("kept %d requests, want 3", got)
	}
	mu.Lock()
	if len(hooked) != 10 {
		t.Errorf("hook saw %d requests", len(hooked))
	}
	mu.Unlock()
	s.Reset()
	if len(s.Requests()) != 0 || s.CountStatus(http.StatusNotFound) != 0 {
		t.Error("Reset kept the log")
	}
}

// TestConcurrentUse is for the race detector.
func TestConcurrentUse(t *testing.T) {
	s, ts := start(t)
	id := mustAdd(t, s, BatchSpec{Tenant: tenant, JobID: "job-1", Jobs: []JobSpec{{ApplicationID: "a", AfterPolls: 50}}})
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for range 10 {
				if i%2 == 0 {
					get(t, ts, batchPath("job-1", id))
				} else {
					call{method: http.MethodPost, path: "/v1/jobs/job-2/scoring-batches",
						body: intakeBody(t, textApp("x", longResume))}.do(t, ts)
				}
				_ = s.Requests()
			}
		})
	}
	wg.Wait()
	if got := s.CountStatus(http.StatusOK) + s.CountStatus(http.StatusAccepted); got != 80 {
		t.Errorf("%d successful responses, want 80", got)
	}
}
