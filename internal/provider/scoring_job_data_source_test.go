package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/dweet/terraform-provider-nova/internal/novafake"
)

func singleJobSpec() novafake.BatchSpec {
	return novafake.BatchSpec{Jobs: []novafake.JobSpec{
		{ApplicationID: "app-001", ID: "sj-001", Score: 8, AfterPolls: 2, Assessment: &novafake.Assessment{Verdict: "Hire.", Strengths: []string{"Go"}}},
		{ApplicationID: "app-002", ID: "sj-002", Fail: true, ErrorCode: "RESUME_ENCRYPTED", ErrorMessage: "The PDF is password protected"},
	}}
}

func TestAccScoringJobWaitsAndGates(t *testing.T) {
	t.Parallel()
	s, url := fakeNova(t)
	seed(t, s, singleJobSpec())
	const addr = "data.nova_scoring_job.test"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: providerConfig(url) + `
data "nova_scoring_job" "test" {
  job_id              = "job-123"
  application_id      = "app-001"
  scoring_job_id      = "sj-001"
  wait_for_completion = true
  poll_interval       = "1s"
}
resource "terraform_data" "advance" {
  input = data.nova_scoring_job.test.application_id
  lifecycle {
    precondition {
      condition     = data.nova_scoring_job.test.score >= 7
      error_message = "Score below 7."
    }
  }
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("completed")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact("sj-001")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("score"), knownvalue.Float64Exact(8)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("assessment").AtMapKey("verdict"), knownvalue.StringExact("Hire.")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("trace_id"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{32}$`))),
				statecheck.ExpectKnownValue("terraform_data.advance", tfjsonpath.New("output"), knownvalue.StringExact("app-001")),
			},
		}},
	})
}

func TestAccScoringJobFailedStopsGate(t *testing.T) {
	t.Parallel()
	s, url := fakeNova(t)
	seed(t, s, singleJobSpec())
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: providerConfig(url) + `
data "nova_scoring_job" "test" {
  job_id              = "job-123"
  application_id      = "app-002"
  scoring_job_id      = "sj-002"
  wait_for_completion = true
  lifecycle {
    postcondition {
      condition     = self.status == "completed"
      error_message = "Scoring job ${self.id} ${self.status}: ${self.error_code}."
    }
  }
}`,
			ExpectError: regexp.MustCompile(`Scoring job sj-002 failed: RESUME_ENCRYPTED\.`),
		}},
	})
}

func TestAccScoringJobNotFound(t *testing.T) {
	t.Parallel()
	_, url := fakeNova(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: providerConfig(url) + `
data "nova_scoring_job" "test" {
  job_id         = "job-123"
  application_id = "app-404"
  scoring_job_id = "sj-404"
}`,
			ExpectError: regexp.MustCompile(`(?s)Nova scoring job not found.*scoring\s+job\s+"sj-404"\s+of\s+application\s+"app-404"\s+of\s+job\s+"job-123"\s+in\s+tenant\s+"acme-corp".*SCORING_JOB_NOT_FOUND`),
		}},
	})
}
