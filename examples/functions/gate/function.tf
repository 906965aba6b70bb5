# snippet: gate
# Needs Terraform 1.8+ or OpenTofu 1.7+.
data "nova_scoring_batch" "screening" {
  job_id              = "job-123"
  scoring_batch_id    = "batch-shortlist"
  wait_for_completion = true
  include_assessments = false
}

data "nova_criteria_version" "current" {
  job_id = "job-123"
}

locals {
  gate = provider::nova::gate(data.nova_scoring_batch.screening, {
    min_score           = 7
    criteria_version_id = data.nova_criteria_version.current.id
  })
}

# Stands for the step to hold back: promote, notify, publish.
resource "terraform_data" "promote" {
  input = data.nova_scoring_batch.screening.id

  lifecycle {
    precondition {
      condition     = local.gate.passed
      error_message = join("\n", local.gate.reasons)
    }
  }
}
