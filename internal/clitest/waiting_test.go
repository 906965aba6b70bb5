package clitest

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dweet/terraform-provider-nova/internal/acctest"
	"github.com/dweet/terraform-provider-nova/internal/novafake"
)

var repeatFault = acctest.RepeatFault

// Ctrl-C during a wait ends the run promptly with a diagnostic that says
// the wait was cancelled, as a person at a terminal would see it.
func TestCLIInterruptEndsWait(t *testing.T) {
	s, url := fakeNova(t)
	id := seed(t, s, novafake.BatchSpec{Jobs: []novafake.JobSpec{{ApplicationID: "app-001", AfterPolls: 1_000_000}}})
	w := newCLIWorkspace(t, providerConfig(url)+`
data "nova_scoring_batch" "test" {
  job_id              = "job-123"
  scoring_batch_id    = "`+id+`"
  wait_for_completion = true
  poll_interval       = "1s"
}`)
	cmd := w.command("plan", "-input=false")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Interrupt once the wait has polled at least twice.
	for deadline := time.Now().Add(30 * time.Second); len(s.Requests()) < 2; {
		if time.Now().After(deadline) {
			t.Fatalf("the wait never started:\n%s", out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	interrupted := time.Now()
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	took := time.Since(interrupted)
	if err == nil {
		t.Fatalf("plan succeeded after an interrupt:\n%s", out.String())
	}
	if !regexp.MustCompile(`Waiting for scoring batch cancelled|Stopped\s+waiting`).Match(out.Bytes()) {
		t.Errorf("no cancellation diagnostic:\n%s", out.String())
	}
	t.Logf("terraform stopped %v after the interrupt", took)
	// The data source's docs and the gating guide promise this bound.
	if took > time.Second {
		t.Errorf("terraform took %v to stop after the interrupt; the docs promise within a second", took)
	}
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

// nova_application_score takes timeouts.read, which its deadline
// diagnostic names.
func TestCLIApplicationScoreTimeouts(t *testing.T) {
	t.Parallel()
	s, url := fakeNova(t)
	faults := make([]novafake.Fault, 100)
	for i := range faults {
		faults[i] = novafake.Fault{Kind: novafake.FaultStatus, Status: 503, RetryAfter: "1"}
	}
	s.InjectFaults(faults...)
	w := newCLIWorkspace(t, providerConfig(url, "max_retries = 10")+`
data "nova_application_score" "test" {
  job_id         = "job-123"
  application_id = "app-001"
  timeouts       = { read = "2s" }
}`)
	out, err := w.run("plan", "-input=false")
	if err == nil {
		t.Fatalf("plan succeeded:\n%s", out)
	}
	if !wrappedText(`Error: Timed out reading from Nova`).Match(out) || !wrappedText(`reached the read's deadline (timeouts.read`).Match(out) {
		t.Errorf("the deadline diagnostic does not name timeouts.read:\n%s", out)
	}
}

// With max_retries = 0 a 503 asking for an hour reaches the wait,
// which polls again within the 30 s cap and so finishes well before its
// 45 s timeout.
func TestCLIWaitCapsRetryAfter(t *testing.T) {
	t.Parallel()
	s, url := fakeNova(t)
	id := seed(t, s, novafake.BatchSpec{Jobs: []novafake.JobSpec{{ApplicationID: "app-001", Score: 8}}})
	s.InjectFaults(novafake.Fault{Kind: novafake.FaultStatus, Status: 503, RetryAfter: "3600"})
	w := newCLIWorkspace(t, providerConfig(url, "max_retries = 0")+fmt.Sprintf(`
data "nova_scoring_batch" "test" {
  job_id              = "job-123"
  scoring_batch_id    = %q
  wait_for_completion = true
  poll_interval       = "1s"
  timeouts            = { read = "45s" }
}
output "status" { value = data.nova_scoring_batch.test.status }`, id))
	out, err := w.run("plan", "-input=false")
	if err != nil {
		t.Fatalf("the wait did not poll again within the cap: %v\n%s", err, out)
	}
	if !wrappedText(`status = "completed"`).Match(out) {
		t.Errorf("no completed status:\n%s", out)
	}
}
