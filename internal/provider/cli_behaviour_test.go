package provider

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dweet/terraform-provider-nova/internal/novafake"
)

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
