# snippet: gate, vars job_id=job-123 scoring_batch_id=batch-completed min_score=6
# A deployment gate on a Nova scoring batch, in one call of the provider's gate function: the
# deployment step (here a terraform_data that stands for it) is planned only when Nova finished
# the batch, every job completed, every candidate reached min_score, and every job was scored
# against the job's current criteria. The function fails closed: a missing or null fact is a
# reason, never a pass. Needs Terraform 1.8+ or OpenTofu 1.7+; for Terraform 1.5 to 1.7, see
# examples/pipeline-gate-legacy. Test it offline: `terraform test` (tests/, mocks/).

terraform {
  required_version = ">= 1.8.0"

  required_providers {
    nova = {
      source = "dweet/nova"
    }
  }
}

# No provider block: the key, tenant and base URL come from NOVA_API_KEY, NOVA_TENANT_ID and
# NOVA_BASE_URL, so the module carries no secret and `terraform test` needs none.

data "nova_scoring_batch" "gate" {
  job_id              = var.job_id
  scoring_batch_id    = var.scoring_batch_id
  wait_for_completion = var.wait_for_completion
  include_assessments = false # the gate needs scores, not candidates' assessment text
  timeouts            = { read = var.wait_timeout }
}

data "nova_criteria_version" "current" {
  job_id = var.job_id
}

locals {
  gate = provider::nova::gate(data.nova_scoring_batch.gate, {
    min_score           = var.min_score
    criteria_version_id = data.nova_criteria_version.current.id
  })
}

# Stands for the deployment step (promote, notify, publish): replace it with your own.
resource "terraform_data" "deploy" {
  input = {
    scoring_batch_id    = data.nova_scoring_batch.gate.id
    trace_id            = data.nova_scoring_batch.gate.trace_id
    scores              = data.nova_scoring_batch.gate.scores
    criteria_version_id = data.nova_criteria_version.current.id
  }

  lifecycle {
    precondition {
      condition     = local.gate.passed
      error_message = "Not deploying: ${join(" ", local.gate.reasons)}"
    }
  }
}
