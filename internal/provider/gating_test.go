package provider

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/dweet/terraform-provider-nova/internal/novafake"
)

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

func TestCLIGateForEachOverScores(t *testing.T) {
	s, url := fakeNova(t)
	id := seed(t, s, novafake.BatchSpec{Jobs: []novafake.JobSpec{
		{ApplicationID: "app-001", Score: 8}, {ApplicationID: "app-002", Score: 6}, {ApplicationID: "app-003", Fail: true},
	}})
	w := newCLIWorkspace(t, providerConfig(url)+`
data "nova_scoring_batch" "test" {
  job_id           = "job-123"
  scoring_batch_id = "`+id+`"
}
resource "terraform_data" "notify" {
  for_each = data.nova_scoring_batch.test.scores
  input    = "${each.key} scored ${each.value}"
}
output "notified" {
  value = { for k, r in terraform_data.notify : k => r.output }
}`)
	out, err := w.run("apply", "-auto-approve", "-input=false")
	if err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	for _, want := range []string{`terraform_data.notify["app-001"]: Creation complete`, `terraform_data.notify["app-002"]: Creation complete`,
		`"app-001" = "app-001 scored 8"`, `"app-002" = "app-002 scored 6"`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("apply output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(string(out), "app-003") {
		t.Errorf("a failed job has no score and gets no instance:\n%s", out)
	}
}
