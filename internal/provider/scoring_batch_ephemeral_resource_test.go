package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/dweet/terraform-provider-nova/internal/novafake"
)

// The ephemeral batch carries the data source's values, built by the same
// mapping.
func TestAccEphemeralBatchValues(t *testing.T) {
	t.Parallel()
	s, url := fakeNova(t)
	id := seed(t, s, novafake.BatchSpec{
		Jobs: []novafake.JobSpec{
			{ApplicationID: "app-001", Score: 8, Assessment: &novafake.Assessment{Verdict: "Strong.", Strengths: []string{"Go"}, Concerns: []string{}, InterviewFocus: []string{}}},
			{ApplicationID: "app-002", Score: 6},
		},
		Rejected: []novafake.RejectedSpec{{ApplicationID: "app-009", Reason: "RESUME_CORRUPTED", Message: "truncated"}},
	})
	ephemeralTest(t, resource.TestStep{
		Config: ephemeralConfig(url, "nova_scoring_batch", batchArgs(id, "require_completed = true")...),
		ConfigStateChecks: []statecheck.StateCheck{
			echoed("id", knownvalue.StringExact(id)),
			echoed("job_id", knownvalue.StringExact(testJob)),
			echoed("status", knownvalue.StringExact("completed")),
			echoed("finished", knownvalue.Bool(true)),
			echoed("total_jobs", knownvalue.Int64Exact(2)),
			echoed("completed_at", rfc3339),
			echoed("require_completed", knownvalue.Bool(true)),
			echoed("trace_id", knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{32}$`))),
			echoed("scores", knownvalue.MapExact(map[string]knownvalue.Check{"app-001": knownvalue.Float64Exact(8), "app-002": knownvalue.Float64Exact(6)})),
			echoedJob(0, "application_id", knownvalue.StringExact("app-001")),
			echoedJob(0, "assessment", knownvalue.ObjectPartial(map[string]knownvalue.Check{"verdict": knownvalue.StringExact("Strong.")})),
			echoedJob(1, "application_id", knownvalue.StringExact("app-002")),
			echoed("rejected_applications", knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectPartial(map[string]knownvalue.Check{
				"application_id": knownvalue.StringExact("app-009"), "reason": knownvalue.StringExact("RESUME_CORRUPTED"),
			})})),
		},
	})
}

func TestAccEphemeralBatchWithoutAssessments(t *testing.T) {
	t.Parallel()
	s, url := fakeNova(t)
	id := seed(t, s, novafake.BatchSpec{Jobs: []novafake.JobSpec{{ApplicationID: "app-001", Score: 8}}})
	ephemeralTest(t, resource.TestStep{
		Config: ephemeralConfig(url, "nova_scoring_batch", batchArgs(id, "include_assessments = false")...),
		ConfigStateChecks: []statecheck.StateCheck{
			echoedJob(0, "score", knownvalue.Float64Exact(8)),
			echoedJob(0, "assessment", knownvalue.Null()),
		},
	})
}

// require_completed fails the open on a failed batch, naming the batch,
// tenant, status, counts and the failed jobs by code, but no candidate.
func TestAccEphemeralBatchRequireCompletedFails(t *testing.T) {
	t.Parallel()
	s, url := fakeNova(t)
	id := seed(t, s, novafake.BatchSpec{ID: "batch-bad", Jobs: []novafake.JobSpec{
		{ApplicationID: "app-001", Score: 8},
		{ApplicationID: "app-002", Fail: true, ErrorCode: "RESUME_FETCH_FAILED", AfterPolls: 2},
		{ApplicationID: "app-003", Fail: true, ErrorCode: "RESUME_ENCRYPTED"},
	}})
	ephemeralTest(t, resource.TestStep{
		Config: ephemeralConfig(url, "nova_scoring_batch", batchArgs(id, "wait_for_completion = true", `poll_interval = "1s"`, "require_completed = true")...),
		ExpectError: regexp.MustCompile(`(?s)Nova scoring batch did not pass the gate.*The\s+scoring\s+batch\s+in\s+tenant\s+"acme-corp"\s+\(sandbox\)\s+did\s+not\s+pass\s+the\s+gate\s+\(status\s+failed,\s+1\s+completed,\s+2\s+failed,\s+0\s+pending\s+of\s+3\s+jobs\).*` +
			`Scoring\s+batch\s+batch-bad\s+has\s+2\s+failed\s+jobs,\s+more\s+than\s+the\s+0\s+allowed\s+\(by\s+error\s+code:\s+RESUME_ENCRYPTED:\s+1,\s+RESUME_FETCH_FAILED:\s+1\)`),
	})
}

// require takes the gate's policy and stops the open with the gate's
// reasons (TestGateDecisions shows they name no candidate); a misspelt key
// is an error.
func TestAccEphemeralBatchRequirePolicy(t *testing.T) {
	t.Parallel()
	s, url := fakeNova(t)
	current := s.DefaultCriteriaVersionID()
	good := seed(t, s, novafake.BatchSpec{ID: "batch-good", Jobs: []novafake.JobSpec{{ApplicationID: "app-001", Score: 8}, {ApplicationID: "app-002", Score: 7.5}}})
	low := seed(t, s, novafake.BatchSpec{ID: "batch-low", Jobs: []novafake.JobSpec{{ApplicationID: "app-001", Score: 8}, {ApplicationID: "app-002", Score: 4.25}}})
	policy := fmt.Sprintf("require = { min_score = 7, criteria_version_id = %q }", current)
	ephemeralTest(t,
		resource.TestStep{
			Config:      ephemeralConfig(url, "nova_scoring_batch", batchArgs(low, policy)...),
			ExpectError: regexp.MustCompile(`(?s)Nova scoring batch did not pass the gate.*Scoring\s+batch\s+batch-low\s+has\s+1\s+of\s+2\s+scored\s+applications\s+below\s+the\s+minimum\s+score\s+7\.`),
		},
		resource.TestStep{
			Config:      ephemeralConfig(url, "nova_scoring_batch", batchArgs(good, `require = { criteria_version_id = "cv-retired" }`)...),
			ExpectError: regexp.MustCompile(`Scoring\s+batch\s+batch-good\s+has\s+2\s+jobs\s+scored\s+against\s+criteria\s+` + regexp.QuoteMeta(current) + `,\s+not\s+the\s+current\s+cv-retired`),
		},
		resource.TestStep{
			Config:      ephemeralConfig(url, "nova_scoring_batch", batchArgs(good, "require = { min_scor = 7 }")...),
			ExpectError: regexp.MustCompile(`Invalid gate policy(?s:.*)unknown\s+key\s+"min_scor"`),
		},
		resource.TestStep{
			Config:            ephemeralConfig(url, "nova_scoring_batch", batchArgs(good, policy)...),
			ConfigStateChecks: []statecheck.StateCheck{echoed("status", knownvalue.StringExact("completed"))},
		},
	)
}

// Without a wait, require_completed refuses a batch that is still scoring.
func TestAccEphemeralBatchRequireCompletedPending(t *testing.T) {
	t.Parallel()
	s, url := fakeNova(t)
	id := seed(t, s, novafake.BatchSpec{Jobs: []novafake.JobSpec{{ApplicationID: "app-001", AfterPolls: 1000}}})
	ephemeralTest(t, resource.TestStep{
		Config:      ephemeralConfig(url, "nova_scoring_batch", batchArgs(id, "require_completed = true")...),
		ExpectError: regexp.MustCompile(`(?s)status\s+pending,\s+0\s+completed,\s+0\s+failed,\s+1\s+pending\s+of\s+1\s+jobs.*wait_for_completion\s+=\s+true`),
	})
}

// Failing steps come first: the framework's closing destroy opens the last
// step's ephemeral resource again, since the echo provider's block uses it.

// The wait and its timeout are the data source's: timeouts keeps the
// data source's { read } shape.
func TestAccEphemeralBatchWaits(t *testing.T) {
	t.Parallel()
	s, url := fakeNova(t)
	done := seed(t, s, novafake.BatchSpec{ID: "slow", Jobs: []novafake.JobSpec{{ApplicationID: "app-001", Score: 7, AfterPolls: 3}}})
	stuck := seed(t, s, novafake.BatchSpec{ID: "stuck", Jobs: []novafake.JobSpec{{ApplicationID: "app-001", AfterPolls: 1000}}})
	wait := []string{"wait_for_completion = true", `poll_interval = "1s"`, "require_completed = true"}
	ephemeralTest(t,
		resource.TestStep{
			Config:      ephemeralConfig(url, "nova_scoring_batch", batchArgs(stuck, append(wait, `timeouts = { read = "2s" }`)...)...),
			ExpectError: regexp.MustCompile(`(?s)Timed out waiting for scoring batch to finish.*"stuck".*timeouts.read\s+is\s+2s`),
		},
		resource.TestStep{
			Config:            ephemeralConfig(url, "nova_scoring_batch", batchArgs(done, wait...)...),
			ConfigStateChecks: []statecheck.StateCheck{echoed("status", knownvalue.StringExact("completed")), echoed("pending_jobs", knownvalue.Int64Exact(0))},
		},
	)
}
