package clitest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dweet/terraform-provider-nova/internal/novafake"
)

// TestTraceLogNeverContainsKey runs the provider the way a user does (a
// built binary through dev_overrides, the key in NOVA_API_KEY) with
// TF_LOG=TRACE, and reads everything Terraform and the provider logged,
// printed and stored. Response bodies are logged with every candidate
// value masked, whatever include_assessments says: no assessment text is
// in the log, and no scoring job id that only Nova's answer named, while the
// masked bodies are (so the check can fail).
func TestTraceLogNeverContainsKey(t *testing.T) {
	const key = "sk_test_TRACE_SECRET_7f3a9c"
	s, url := fakeNova(t)
	seed(t, s, novafake.BatchSpec{ID: "batch-1", Jobs: []novafake.JobSpec{{ApplicationID: "app-001", ID: "sj-ANSWERED-ONLY", Score: 8,
		Assessment: &novafake.Assessment{Verdict: "VERDICT_KEPT_1234", Strengths: []string{}, Concerns: []string{}, InterviewFocus: []string{}}}}})
	seed(t, s, novafake.BatchSpec{ID: "batch-2", Jobs: []novafake.JobSpec{{ApplicationID: "app-002", Score: 6,
		Assessment: &novafake.Assessment{Verdict: "VERDICT_PRIVATE_5678", Strengths: []string{"STRENGTH_PRIVATE"}, Concerns: []string{}, InterviewFocus: []string{"FOCUS_PRIVATE"}}}}})
	s.InjectFaults(novafake.Fault{Kind: novafake.FaultStatus, Status: 500}) // so a retry is logged too

	logPath := filepath.Join(t.TempDir(), "trace.log")
	w := newCLIWorkspace(t, `
provider "nova" {}
data "nova_scoring_batch" "b" {
  job_id           = "job-123"
  scoring_batch_id = "batch-1"
}
data "nova_scoring_batch" "private" {
  job_id              = "job-123"
  scoring_batch_id    = "batch-2"
  include_assessments = false
}
data "nova_application_score" "latest" {
  job_id         = "job-123"
  application_id = "app-001"
}
output "status" { value = data.nova_scoring_batch.b.status }
output "latest_status" { value = data.nova_application_score.latest.status }
output "private_score" { value = data.nova_scoring_batch.private.scores["app-002"] }
`, "TF_LOG=TRACE", "TF_LOG_PATH="+logPath, "NOVA_API_KEY="+key, "NOVA_TENANT_ID="+testTenant, "NOVA_BASE_URL="+url)
	out, err := w.run("apply", "-auto-approve", "-input=false")
	if err != nil {
		t.Fatalf("terraform apply: %v\n%s", err, out)
	}
	logs, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	state := w.state()
	secretPart := strings.TrimPrefix(key, "sk_test_")
	for name, text := range map[string]string{"output": string(out), "TRACE log": string(logs), "state": string(state)} {
		if strings.Contains(text, secretPart) {
			t.Errorf("the API key appears in the %s", name)
		}
		if name == "TRACE log" {
			for _, candidate := range []string{"VERDICT_KEPT_1234", "sj-ANSWERED-ONLY", "app-001"} {
				if strings.Contains(text, candidate) {
					t.Errorf("candidate data %s appears in the TRACE log", candidate)
				}
			}
		}
		for _, private := range []string{"VERDICT_PRIVATE", "STRENGTH_PRIVATE", "FOCUS_PRIVATE"} {
			if strings.Contains(text, private) {
				t.Errorf("assessment text read with include_assessments = false (%s) appears in the %s", private, name)
			}
		}
	}
	if !strings.Contains(string(state), "VERDICT_KEPT_1234") || !strings.Contains(string(state), "sj-ANSWERED-ONLY") {
		t.Error("the state lacks the verdict or the scoring job id, so the check above proves nothing")
	}
	if !logHoldsJSON(logs, `"assessment":"(masked)"`) || !strings.Contains(string(logs), "/v1/jobs/job-123/applications/(masked)/score") {
		t.Error("the masked response bodies, or the application score read, are not in the TRACE log, so the check above proves nothing")
	}
	for _, want := range []string{"Nova request", "path=/v1/jobs/job-123/scoring-batches/batch-1", "Bearer sk_test_****3a9c", "status=500", "attempt=2", "status=200"} {
		if !strings.Contains(string(logs), want) {
			t.Errorf("the TRACE log lacks %q", want)
		}
	}
	if !strings.Contains(string(out), `status = "completed"`) || !strings.Contains(string(out), `private_score = 6`) {
		t.Errorf("apply output:\n%s", out)
	}
}
