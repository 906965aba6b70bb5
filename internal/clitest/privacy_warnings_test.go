package clitest

import (
	"bytes"
	"encoding/json"
	"regexp"
	"testing"
)

// The privacy-preserving reads warn about a hostile batch without naming a
// candidate: no application id, scoring job id or score in any warning, and
// identical warnings about several jobs are told once, with a count. The
// full record names the job each warning is about. (require_completed's
// error is the gate's own diagnostic, with its own test.)
func TestCLIPrivacyReadsWarnWithoutCandidates(t *testing.T) {
	t.Parallel()
	hostile := batchBody(obj{"status": "completed", "totalJobs": 6, "completedJobs": 6, "failedJobs": 0},
		job("app-SECRET-1", obj{"id": "sj-SECRET-1", "status": "running", "score": 7.25}),
		job("app-SECRET-2", obj{"id": "sj-SECRET-2", "status": "running", "score": 3.75}),
		job("app-SECRET-3", obj{"id": "sj-SECRET-3", "status": "completed", "score": "8.25", "completedAt": doneAt}),
		job("app-SECRET-4", obj{"id": "sj-SECRET-4", "status": "completed", "score": 11.25, "failedAt": "2025-12-14 10:31:20"}),
		job("app-SECRET-4", obj{"id": "sj-SECRET-4", "status": "COMPLETED", "score": 12.75, "errorMessage": "AI scoring failed for app-SECRET-4"}),
		job("app-SECRET-5", obj{"id": "sj-SECRET-5", "status": "completed", "score": 13.5, "isRescore": "false"}))
	candidate := regexp.MustCompile(`SECRET|7\.25|3\.75|8\.25|11\.25|12\.75|13\.5`)
	for _, tc := range []struct {
		name, config string
		ephemeral    bool
		want         []string
	}{
		{name: "summary", config: `
data "nova_scoring_batch_summary" "test" {
  job_id           = "job-123"
  scoring_batch_id = "b1"
}
output "status" { value = data.nova_scoring_batch_summary.test.status }
`, want: []string{`2 scoring jobs: the API sent the unknown status "running"`, `a scoring job: score is a string, not a number`}},
		{name: "ephemeral", ephemeral: true, config: `
ephemeral "nova_scoring_batch" "test" {
  job_id            = "job-123"
  scoring_batch_id  = "b1"
}
`, want: []string{`2 scoring jobs: the API sent the unknown status "running"`, `a scoring job: isRescore is a string, not a boolean`}},
		{name: "full record", config: batchOutputs, want: []string{`scoring job "sj-SECRET-1": the API sent the unknown status "running"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if tc.ephemeral {
				skipWithoutEphemeral(t)
			}
			// -json: the human output shows one warning of a kind in full.
			out, _ := newCLIWorkspace(t, providerConfig(serveBody(t, 200, hostile), "max_retries = 0")+tc.config).run("plan", "-input=false", "-json")
			for _, want := range tc.want {
				quoted, _ := json.Marshal(want)
				if !bytes.Contains(out, quoted[1:len(quoted)-1]) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
			if tc.name != "full record" {
				if m := candidate.Find(out); m != nil {
					t.Errorf("the output names a candidate (%q):\n%s", m, out)
				}
			}
		})
	}
}
