package provider

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/dweet/terraform-provider-nova/internal/acctest"
	"github.com/dweet/terraform-provider-nova/internal/nova"
	"github.com/dweet/terraform-provider-nova/internal/novafake"
)

// The full records show each warning with its subject; the reads that name
// no candidate show it without, identical texts once with a count.
func TestWarningTexts(t *testing.T) {
	ws := []nova.Warning{
		{Subject: `scoring job "sj-1"`, Text: "the API sent the unknown status \"running\""},
		{Subject: `scoring job "sj-2"`, Text: "the API sent the unknown status \"running\""},
		{Subject: `scoring job "sj-3"`, Text: "score is a string, not a number"},
		{Subject: `applications "app-1"`, Text: "listed more than once"},
		{Text: "the batch counters cannot be true"},
	}
	full := (&novaDataSource[int]{}).warningTexts(ws)
	if len(full) != 5 || full[0] != `scoring job "sj-1": the API sent the unknown status "running"` {
		t.Errorf("full: %q", full)
	}
	anonymous := (&novaDataSource[int]{anonymousWarnings: true}).warningTexts(ws)
	want := []string{
		`2 scoring jobs: the API sent the unknown status "running"`,
		"a scoring job: score is a string, not a number",
		"applications: listed more than once",
		"the batch counters cannot be true",
	}
	if !slices.Equal(anonymous, want) {
		t.Errorf("anonymous:\n%q\nwant\n%q", anonymous, want)
	}
}

// The function as an acceptance test sees it: the object it returns, for a
// batch that passes and one that does not.
func TestAccGateFunction(t *testing.T) {
	t.Parallel()
	s, url := fakeNova(t)
	good := seed(t, s, novafake.BatchSpec{ID: "b-good", Jobs: []novafake.JobSpec{{ApplicationID: "app-001", Score: 8}}})
	bad := seed(t, s, novafake.BatchSpec{ID: "b-bad", Jobs: []novafake.JobSpec{{ApplicationID: "app-001", Score: 8}, {ApplicationID: "app-002", Fail: true, ErrorCode: "TIMEOUT"}}})
	config := func(id string) string {
		return batchConfig(url, id) + `
output "gate" {
  value = provider::nova::gate(data.nova_scoring_batch.test, { min_score = 7 })
}
`
	}
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{
			{
				Config: config(good),
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownOutputValue("gate", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"passed": knownvalue.Bool(true), "reasons": knownvalue.ListExact([]knownvalue.Check{}),
				}))},
			},
			{
				Config: config(bad),
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownOutputValue("gate", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"passed": knownvalue.Bool(false),
					"reasons": knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringExact("Scoring batch b-bad has 1 failed job, more than the 0 allowed (by error code: TIMEOUT: 1)."),
					}),
				}))},
			},
		},
	})
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

// The gating patterns the docs teach, each proved against the fake: they
// are the reason people use this data source.

const postcondition = `
  wait_for_completion = true
  poll_interval       = "1s"
  lifecycle {
    postcondition {
      condition     = self.status == "completed" && self.failed_jobs == 0
      error_message = "Batch ${self.id}: ${self.failed_jobs} of ${self.total_jobs} jobs failed."
    }
  }`

func TestAccGatePostconditionFailsOnFailedBatch(t *testing.T) {
	t.Parallel()
	s, url := fakeNova(t)
	id := seed(t, s, novafake.BatchSpec{ID: "batch-bad", Jobs: []novafake.JobSpec{
		{ApplicationID: "app-001", Score: 8},
		{ApplicationID: "app-002", Fail: true, AfterPolls: 2},
	}})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config:      batchConfig(url, id, postcondition),
			ExpectError: regexp.MustCompile(`Batch batch-bad: 1 of 2 jobs failed\.`),
		}},
	})
}

func TestAccGatePostconditionPassesOnCompletedBatch(t *testing.T) {
	t.Parallel()
	s, url := fakeNova(t)
	id := seed(t, s, novafake.BatchSpec{Jobs: []novafake.JobSpec{{ApplicationID: "app-001", Score: 8, AfterPolls: 2}}})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config:            batchConfig(url, id, postcondition),
			ConfigStateChecks: []statecheck.StateCheck{batchAttr("status", knownvalue.StringExact("completed"))},
		}},
	})
}

func TestAccGatePreconditionOnScores(t *testing.T) {
	t.Parallel()
	s, url := fakeNova(t)
	good := seed(t, s, novafake.BatchSpec{ID: "good", Jobs: []novafake.JobSpec{{ApplicationID: "app-001", Score: 8}, {ApplicationID: "app-002", Score: 7}}})
	weak := seed(t, s, novafake.BatchSpec{ID: "weak", Jobs: []novafake.JobSpec{{ApplicationID: "app-001", Score: 8}, {ApplicationID: "app-002", Score: 3}}})
	gate := `
resource "terraform_data" "promote" {
  input = keys(data.nova_scoring_batch.test.scores)
  lifecycle {
    precondition {
      condition     = alltrue([for s in values(data.nova_scoring_batch.test.scores) : s >= 5])
      error_message = "Some candidates scored below 5: ${jsonencode(data.nova_scoring_batch.test.scores)}."
    }
  }
}`
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{
			{
				Config: batchConfig(url, good) + gate,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("terraform_data.promote", tfjsonpath.New("output"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("app-001"), knownvalue.StringExact("app-002")})),
				},
			},
			{
				Config:      batchConfig(url, weak) + gate,
				ExpectError: regexp.MustCompile(`Some candidates scored below 5: \{"app-001":8,"app-002":3\}\.`),
			},
		},
	})
}

// A check block reports a failed batch as a warning; the run goes on.
func TestAccGateCheckBlockWarnsOnly(t *testing.T) {
	t.Parallel()
	s, url := fakeNova(t)
	id := seed(t, s, novafake.BatchSpec{Jobs: []novafake.JobSpec{{ApplicationID: "app-001", Fail: true}}})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: batchConfig(url, id) + `
check "scoring" {
  assert {
    condition     = data.nova_scoring_batch.test.failed_jobs == 0
    error_message = "Scoring batch has failed jobs."
  }
}
resource "terraform_data" "after" {
  input = data.nova_scoring_batch.test.status
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("terraform_data.after", tfjsonpath.New("output"), knownvalue.StringExact("failed")),
			},
		}},
	})
}

// The helpers the tests above share with internal/clitest.
type obj = acctest.Obj

var (
	repeatFault = acctest.RepeatFault
	serveBody   = acctest.ServeBody
	batchBody   = acctest.BatchBody
)

// The CLI version rule as ephemeral_test.go's version check spells it.
const (
	cliTerraform = acctest.Terraform
	cliOpenTofu  = acctest.OpenTofu
)

type cliRelease struct {
	name    string
	version *version.Version
}

func skipReason(cli cliRelease, name, minimum, feature string) string {
	return acctest.SkipReason(acctest.CLI{Name: cli.name, Version: cli.version}, name, minimum, feature)
}
