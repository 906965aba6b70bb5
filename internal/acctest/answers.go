package acctest

import (
	"encoding/json"
	"testing"

	"github.com/dweet/terraform-provider-nova/internal/novafake"
)

// ServeBody makes every request to a fresh novafake answer status and body.
func ServeBody(t testing.TB, status int, body string) string {
	t.Helper()
	s, url := FakeNova(t)
	faults := make([]novafake.Fault, 200)
	for i := range faults {
		faults[i] = novafake.Fault{Kind: novafake.FaultBody, Status: status, Body: body}
	}
	s.InjectFaults(faults...)
	return url
}

// JSONBody marshals a hand-written answer; a test's own value cannot fail.
func JSONBody(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// Obj is a JSON object of a hand-written answer.
type Obj = map[string]any

// BatchBody is the answer for batch "b1" of job-123 with the given batch
// fields and scoring jobs.
func BatchBody(batch Obj, jobs ...Obj) string {
	batch["id"], batch["jobId"] = "b1", Job
	if jobs == nil {
		jobs = []Obj{}
	}
	return JSONBody(Obj{"batch": batch, "scoringJobs": jobs, "rejectedApplications": []Obj{}})
}
