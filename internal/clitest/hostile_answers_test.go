package clitest

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/dweet/terraform-provider-nova/internal/acctest"
	"github.com/dweet/terraform-provider-nova/internal/novafake"
)

// Hostile answers as the user meets them: the terraform CLI, the built
// provider, novafake answering with the exact body. Each must keep a gate
// shut or reach the user as a warning or an error that names what arrived.

// Hand-written answers.
type obj = acctest.Obj

var (
	serveBody = acctest.ServeBody
	jsonBody  = acctest.JSONBody
	batchBody = acctest.BatchBody
)

func job(app string, fields obj) obj {
	j := obj{"id": "sj-" + app, "jobId": testJob, "applicationId": app}
	for k, v := range fields {
		j[k] = v
	}
	return j
}

const doneAt = "2025-12-14T10:31:20Z"

// batchOutputs reads nova_scoring_batch "test" and shows what a gate sees.
const batchOutputs = `
data "nova_scoring_batch" "test" {
  job_id           = "job-123"
  scoring_batch_id = "b1"
}
output "status" { value = data.nova_scoring_batch.test.status }
output "finished" { value = data.nova_scoring_batch.test.finished }
output "scores" { value = data.nova_scoring_batch.test.scores }
output "completed_at_null" { value = [for j in data.nova_scoring_batch.test.scoring_jobs : j.completed_at == null] }
`

// ephemeralGate is the documented privacy-preserving gate: require_completed
// plus a check on the scores.
const ephemeralGate = `
ephemeral "nova_scoring_batch" "gate" {
  job_id            = "job-123"
  scoring_batch_id  = "b1"
  require_completed = true
  lifecycle {
    postcondition {
      condition     = alltrue([for s in values(self.scores) : s >= 7])
      error_message = "A candidate scored below 7."
    }
  }
}
resource "terraform_data" "promote" {
  input = "deploy"
  lifecycle {
    precondition {
      condition     = ephemeral.nova_scoring_batch.gate.status == "completed"
      error_message = "Gate closed."
    }
  }
}
`

type cliCase struct {
	name      string
	body      string
	status    int // default 200
	config    string
	ephemeral bool     // needs a CLI with ephemeral resources
	fails     bool     // the plan must fail
	want      []string // each a wrappedText match in the output
	wantNot   []string // none of these may appear
}

func runCLICases(t *testing.T, cases []cliCase) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if tc.ephemeral {
				skipWithoutEphemeral(t)
			}
			url := serveBody(t, tc.status, tc.body)
			w := newCLIWorkspace(t, providerConfig(url, "max_retries = 0")+tc.config)
			out, err := w.run("plan", "-input=false")
			if tc.fails != (err != nil) {
				t.Fatalf("plan failed: %v, want failure: %v\n%s", err, tc.fails, out)
			}
			for _, want := range tc.want {
				if !wrappedText(want).Match(out) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
			for _, not := range tc.wantNot {
				if wrappedText(not).Match(out) {
					t.Errorf("output has %q:\n%s", not, out)
				}
			}
		})
	}
}

// Hostile answers reach the user as a warning (the run goes on) or as an
// error naming what arrived, with the status and trace id.
func TestCLIHostileResponses(t *testing.T) {
	s, url := fakeNova(t)
	id := seed(t, s, novafake.BatchSpec{Jobs: []novafake.JobSpec{{ApplicationID: "app-001", Score: 6}}})
	w := newCLIWorkspace(t, providerConfig(url, "max_retries = 1")+`
data "nova_scoring_batch" "test" {
  job_id           = "job-123"
  scoring_batch_id = "`+id+`"
}`)

	s.InjectFaults(novafake.Fault{Kind: novafake.FaultUnknownStatus})
	out, err := w.run("plan", "-input=false")
	if err != nil {
		t.Fatalf("an unknown status must not fail the run: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "Warning: Unexpected data from Nova") || !strings.Contains(string(out), `unknown batch status "paused"`) {
		t.Errorf("no warning about the unknown status:\n%s", out)
	}

	s.InjectFaults(novafake.Fault{Kind: novafake.FaultHTML502}, novafake.Fault{Kind: novafake.FaultHTML502})
	out, err = w.run("plan", "-input=false")
	if err == nil {
		t.Fatalf("two HTML 502s with max_retries = 1 must fail:\n%s", out)
	}
	want := regexp.MustCompile(`(?s)Error: Nova is failing.*HTTP status: 502.*the response was not a Nova\s+error\s+\(text/html\):\s+502\s+Bad\s+Gateway.*Trace id: [0-9a-f]{32}`)
	if !want.Match(out) {
		t.Errorf("diagnostic does not say what arrived:\n%s", out)
	}
}

// COMPLETED while the counters say 1 of 3 done and two jobs are
// still PROCESSING is a contradiction: pending, one warning naming it, and
// the documented ephemeral gate stays shut.
func TestCLIGateCompletedContradictedByJobs(t *testing.T) {
	t.Parallel()
	body := batchBody(obj{"status": "COMPLETED", "totalJobs": 3, "completedJobs": 1, "failedJobs": 0},
		job("app-001", obj{"status": "COMPLETED", "score": 8, "completedAt": doneAt}),
		job("app-002", obj{"status": "PROCESSING"}),
		job("app-003", obj{"status": "PROCESSING"}))
	warning := `Nova says the batch is "COMPLETED", but 2 of 3 listed jobs are still pending and its counters show 1 of 3 jobs finished`
	runCLICases(t, []cliCase{
		{name: "data source", body: body, config: batchOutputs,
			want: []string{`status = "pending"`, `finished = false`, warning}},
		{name: "ephemeral gate", body: body, config: ephemeralGate, ephemeral: true, fails: true,
			want: []string{`Scoring batch b1 is not finished (status pending, 2 of 3 jobs pending)`, warning}},
	})
}

// A job with no status and "completedAt": "" is not completed; the
// empty timestamp is null with a warning, and never fails a read.
func TestCLIEmptyTimestampIsNoEvidence(t *testing.T) {
	t.Parallel()
	empty := obj{"score": 8, "completedAt": "", "queuedAt": doneAt}
	batch := batchBody(obj{}, job("app-001", empty))
	single := jsonBody(obj{"scoringJob": job("app-001", empty)})
	const singleConfig = `
data "nova_scoring_job" "test" {
  job_id         = "job-123"
  application_id = "app-001"
  scoring_job_id = "sj-app-001"
}
output "status" { value = data.nova_scoring_job.test.status }
output "completed_at_null" { value = data.nova_scoring_job.test.completed_at == null }
`
	const ephemeralJob = `
ephemeral "nova_scoring_job" "gate" {
  job_id            = "job-123"
  application_id    = "app-001"
  scoring_job_id    = "sj-app-001"
  require_completed = true
}
`
	warning := `scoring job "sj-app-001": completedAt is empty, not an RFC 3339 date-time; it is reported as null`
	runCLICases(t, []cliCase{
		{name: "batch", body: batch, config: batchOutputs,
			want: []string{`status = "pending"`, `completed_at_null = [ + true, ]`, warning}},
		{name: "nova_scoring_job", body: single, config: singleConfig,
			want: []string{`status = "pending"`, `completed_at_null = true`, warning}, wantNot: []string{"Invalid RFC3339"}},
		{name: "ephemeral nova_scoring_job", body: single, config: ephemeralJob, ephemeral: true, fails: true,
			want: []string{`Nova scoring job did not pass the gate`, `The scoring job is not finished (status pending, 1 of 1 jobs pending)`}},
	})
}

// Counters that cannot be true are no evidence, a completed
// job without a score is not completed, and an application listed twice
// keeps its lowest score.
func TestCLIImpossibleAnswersDoNotOpenGates(t *testing.T) {
	t.Parallel()
	scored := func(s float64) obj { return obj{"status": "completed", "score": s, "completedAt": doneAt} }
	runCLICases(t, []cliCase{
		{name: "impossible counters", config: batchOutputs,
			body: batchBody(obj{"totalJobs": 5, "completedJobs": 7, "failedJobs": -2}, job("app-001", scored(8)), job("app-002", scored(9))),
			want: []string{`status = "pending"`, `finished = false`, `the batch counters cannot be true (failedJobs -2 is negative)`}},
		{name: "completed job without a score", config: batchOutputs,
			body: batchBody(obj{"status": "COMPLETED", "totalJobs": 1, "completedJobs": 1, "failedJobs": 0},
				job("app-001", obj{"status": "COMPLETED", "completedAt": doneAt})),
			want: []string{`status = "pending"`, `finished = false`, `scoring job "sj-app-001": Nova says it is "COMPLETED", but it has no score`}},
		{name: "application listed twice keeps its lowest score", config: batchOutputs,
			body: batchBody(obj{"status": "completed", "totalJobs": 2, "completedJobs": 2, "failedJobs": 0},
				job("app-001", scored(3)), job("app-001", obj{"id": "sj-app-001-rescore", "status": "completed", "score": 9, "completedAt": doneAt})),
			want:    []string{`app-001 = 3`, `applications "app-001": listed more than once; scores keeps the lowest score`},
			wantNot: []string{`app-001 = 9`}},
	})
}

// API text reaches the terminal without control characters and
// bounded, saying it was cut: in require_completed's list and in an API
// error alike.
func TestCLIHostileTextIsSanitised(t *testing.T) {
	t.Parallel()
	hostile := "\x1b[31mBAD\x1b[0m\r\x00Gate passed: all candidates completed"
	long := "E" + strings.Repeat("X", 4999)
	failed := batchBody(obj{"status": "FAILED", "totalJobs": 2, "completedJobs": 0, "failedJobs": 2},
		job("app-\x1b[2K001", obj{"status": "FAILED", "errorCode": hostile, "failedAt": doneAt}),
		job("app-002", obj{"status": "FAILED", "errorCode": long, "failedAt": doneAt}))
	apiError := jsonBody(obj{"code": hostile + long, "message": "bad\x1b]0;title\x07 request\r", "traceId": "t\x1b1"})
	for _, tc := range []struct {
		name, body, config string
		status             int
		ephemeral          bool
	}{
		{"require_completed", failed, ephemeralGate, 200, true},
		{"API error", apiError, batchOutputs, 400, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if tc.ephemeral {
				skipWithoutEphemeral(t)
			}
			w := newCLIWorkspace(t, providerConfig(serveBody(t, tc.status, tc.body), "max_retries = 0")+tc.config)
			out, err := w.run("plan", "-input=false")
			if err == nil {
				t.Fatalf("plan succeeded:\n%s", out)
			}
			for _, c := range []byte{0x1b, '\r', 0x00, 0x07} {
				if i := bytes.IndexByte(out, c); i >= 0 {
					t.Errorf("output holds the control character %q at %d:\n%q", c, i, out)
				}
			}
			if !wrappedText("[31mBAD[0mGate passed: all candidates completed").Match(out) {
				t.Errorf("the code's printable text is not shown:\n%s", out)
			}
			if !regexp.MustCompile(`truncated:\s+\d+\s+bytes\s+in\s+all`).Match(out) {
				t.Errorf("the long code is not said to be truncated:\n%s", out)
			}
			if bytes.Contains(out, []byte(strings.Repeat("X", 1000))) || len(out) > 6000 {
				t.Errorf("%d bytes of output; the 5,000-character code is not bounded:\n%s", len(out), out)
			}
		})
	}
}
