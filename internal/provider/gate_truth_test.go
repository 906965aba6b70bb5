package provider

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/dweet/terraform-provider-nova/internal/nova"
	"github.com/dweet/terraform-provider-nova/internal/novafake"
)

// repeatFault queues the same fault for the next n requests.
func repeatFault(s *novafake.Server, kind novafake.FaultKind, n int) {
	faults := make([]novafake.Fault, n)
	for i := range faults {
		faults[i].Kind = kind
	}
	s.InjectFaults(faults...)
}

// The newest docs' sample has no status, and a batch being set up has zero
// counters: with a job still running, the batch is pending, not completed,
// and a postcondition on "completed" does not open. With nothing at all to
// go on (no status, no counters, no jobs) it is pending too, with a
// warning: the step that fails if the rule's no-evidence branch is made
// optimistic (the running job alone keeps the first steps pending).
func TestAccScoringBatchWithoutStatusOrCountersIsPending(t *testing.T) {
	t.Parallel()
	s, url := fakeNova(t)
	id := seed(t, s, novafake.BatchSpec{Jobs: []novafake.JobSpec{
		{ApplicationID: "app-001", Score: 8},
		{ApplicationID: "app-002", AfterPolls: 1_000_000},
	}})
	repeatFault(s, novafake.FaultNoStatusZeroCounters, 100)
	nothing := serveBody(t, 200, batchBody(obj{}))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: batchConfig(url, id),
			ConfigStateChecks: []statecheck.StateCheck{
				batchAttr("status", knownvalue.StringExact("pending")),
				batchAttr("finished", knownvalue.Bool(false)),
				batchAttr("api_status", knownvalue.Null()),
			},
		}, {
			Config: batchConfig(url, id, `lifecycle {
    postcondition {
      condition     = self.status == "completed"
      error_message = "Gate closed: batch is ${self.status}."
    }
  }`),
			ExpectError: regexp.MustCompile(`Gate closed: batch is pending\.`),
		}, {
			Config:      batchConfig(url, id, "wait_for_completion = true", `poll_interval = "1s"`, `timeouts = { read = "2s" }`),
			ExpectError: regexp.MustCompile(`Timed out waiting for scoring batch`),
		}, {
			Config: batchConfig(nothing, "b1", `lifecycle {
    postcondition {
      condition     = !self.finished && self.status == "pending"
      error_message = "Gate open on no evidence: batch is ${self.status}."
    }
  }`),
			ConfigStateChecks: []statecheck.StateCheck{
				batchAttr("status", knownvalue.StringExact("pending")),
				batchAttr("total_jobs", knownvalue.Int64Exact(0)),
			},
		}},
	})
}

// A job status the provider does not know keeps a wait going until its
// timeout; the user then learns which value it was, once, with the warning
// that every poll produced.
func TestCLIWaitTimeoutNamesUnknownStatus(t *testing.T) {
	t.Parallel()
	s, url := fakeNova(t)
	id := seed(t, s, novafake.BatchSpec{Jobs: []novafake.JobSpec{{ApplicationID: "app-001", ID: "sj-1", AfterPolls: 1_000_000}}})
	repeatFault(s, novafake.FaultUnknownJobStatus, 100)
	w := newCLIWorkspace(t, providerConfig(url)+`
data "nova_scoring_batch" "test" {
  job_id              = "job-123"
  scoring_batch_id    = "`+id+`"
  wait_for_completion = true
  poll_interval       = "1s"
  timeouts            = { read = "3s" }
}`)
	out, err := w.run("plan", "-input=false")
	if err == nil {
		t.Fatalf("a wait that never finishes must fail:\n%s", out)
	}
	if n := len(wrappedText(`scoring job "sj-1": the API sent the unknown status "CANCELLED"`).FindAll(out, -1)); n != 1 {
		t.Errorf("the unknown-status warning appears %d times, want once:\n%s", n, out)
	}
	if !regexp.MustCompile(`(?s)Error: Timed out waiting for scoring batch.*status\s+values\s+this\s+provider\s+does\s+not\s+know:\s+scoring\s+job\s+status\s+"CANCELLED"`).Match(out) {
		t.Errorf("the timeout does not say which unknown value kept it waiting:\n%s", out)
	}
}

// Settings that only matter while waiting warn when the data source will
// not wait, and a read timeout that could never be met is refused at plan.
func TestCLIWaitSettingsWithoutWaiting(t *testing.T) {
	t.Parallel()
	s, url := fakeNova(t)
	id := seed(t, s, novafake.BatchSpec{Jobs: []novafake.JobSpec{{ApplicationID: "app-001"}}})
	w := newCLIWorkspace(t, providerConfig(url)+`
data "nova_scoring_batch" "test" {
  job_id           = "job-123"
  scoring_batch_id = "`+id+`"
  poll_interval    = "2s"
  timeouts         = { read = "1m" }
}`)
	out, err := w.run("plan", "-input=false")
	if err != nil {
		t.Fatalf("warnings must not fail the plan: %v\n%s", err, out)
	}
	for _, want := range []string{"Warning: poll_interval without wait_for_completion", "Warning: timeouts without wait_for_completion"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("no %q:\n%s", want, out)
		}
	}
}

func TestAccScoringBatchReadTimeoutMustBePositive(t *testing.T) {
	t.Parallel()
	_, url := fakeNova(t)
	for _, bad := range []string{"0s", "-5m", "500ms"} {
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6,
			Steps: []resource.TestStep{{
				Config:      batchConfig(url, "b1", "wait_for_completion = true", `timeouts = { read = "`+bad+`" }`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Duration too short(?s:.*)must\s+be\s+at\s+least\s+1s`),
			}},
		})
	}
}

// The deadline of a read ends a wait with the deadline as the cause, the
// last state seen, and the last transient error; nothing sleeps past it.
func TestWaitTimeoutReportsLastState(t *testing.T) {
	start := time.Now()
	deadline := start.Add(300 * time.Millisecond)
	ctx, cancel := context.WithDeadline(t.Context(), deadline)
	defer cancel()
	clock := &fakeClock{now: start, deadline: deadline}
	read, calls := script(step{status: nova.StatusPending}, step{err: transientErr}, step{status: nova.StatusPending})
	got, err := wait(ctx, clock.poller(120*time.Millisecond), read, finished)
	var we *waitError
	if !errors.As(err, &we) || !errors.Is(we.Cause, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want a wait error caused by the deadline", err)
	}
	if got != nova.StatusPending || we.Polls != int(calls.Load()) || we.Successes != 2 || !errors.Is(we.LastError, transientErr) {
		t.Fatalf("got %v, %#v after %d reads", got, we, calls.Load())
	}
	var total time.Duration
	for _, d := range clock.slept {
		total += d
	}
	if total > 300*time.Millisecond {
		t.Fatalf("slept %v in all, past the 300ms deadline", clock.slept)
	}
}

// A redirect names where it pointed and what to check; the provider never
// follows it.
func TestRedirectDiagnosticNamesLocation(t *testing.T) {
	d := apiErrorDiagnostic(target{kind: "scoring batch", description: `scoring batch "b1" of job "job-123"`, tenant: "acme-corp", environment: "sandbox"},
		&nova.APIError{StatusCode: 301, Location: "https://login.example.com/sso", Message: "the response had no body"})
	for _, want := range []string{"Redirected to: https://login.example.com/sso", "HTTP status: 301", "base_url", "NOVA_BASE_URL"} {
		if !strings.Contains(d.Detail(), want) {
			t.Errorf("detail lacks %q:\n%s", want, d.Detail())
		}
	}
	if d.Summary() != "Nova's address answered with a redirect" {
		t.Errorf("summary = %q", d.Summary())
	}
}
