# snippet: gate
# The last part of `make demo`: the same gate as ../main.tf, with the ephemeral resource instead of the
# data source. The batch is read (and waited for) during plan and again during apply, and nothing it
# returns is written to the plan or the state. Needs Terraform 1.10+ or OpenTofu 1.12+.

terraform {
  required_version = ">= 1.10.0"

  required_providers {
    nova = {
      source = "dweet/nova"
    }
  }
}

provider "nova" {}

variable "batch_id" {
  type        = string
  default     = "batch-slow"
  description = "The batch to gate on; the demo also runs this with batch-failed."
}

ephemeral "nova_scoring_batch" "gate" {
  job_id              = "job-123"
  scoring_batch_id    = var.batch_id
  wait_for_completion = true
  poll_interval       = "1s"
  require_completed   = true # the provider stops the run, counting the failed jobs by error code

  timeouts = {
    read = "1m"
  }
}

# The downstream step: its precondition orders it after the gate and checks the scores, which stay in
# memory. Its own input is not candidate data.
resource "terraform_data" "promote" {
  input = "batch ${var.batch_id} promoted"

  lifecycle {
    precondition {
      condition     = length(ephemeral.nova_scoring_batch.gate.scores) > 0 && alltrue([for s in values(ephemeral.nova_scoring_batch.gate.scores) : s >= 5])
      error_message = "Not promoting: every candidate needs a score of at least 5."
    }
  }
}

output "promoted" {
  description = "What the gated step recorded."
  value       = terraform_data.promote.output
}
