# snippet: gate
# The `make demo` configuration. It runs against the local Nova server (novafake) that
# scripts/demo.sh starts on loopback, seeded from seed.json; credentials and the server address
# come from NOVA_API_KEY, NOVA_TENANT_ID and NOVA_BASE_URL.

terraform {
  required_version = ">= 1.5.0"

  required_providers {
    nova = {
      source = "dweet/nova"
    }
  }
}

provider "nova" {}

# A batch that has already finished: read once.
data "nova_scoring_batch" "completed" {
  job_id           = "job-123"
  scoring_batch_id = "batch-completed"
}

# A batch that is still scoring: wait for it (the server finishes it after a few polls).
data "nova_scoring_batch" "slow" {
  job_id              = "job-123"
  scoring_batch_id    = "batch-slow"
  wait_for_completion = true
  poll_interval       = "1s"

  timeouts = {
    read = "1m"
  }

  lifecycle {
    postcondition {
      condition     = self.status == "completed"
      error_message = "Scoring batch ${self.id} ended as ${self.status}: ${self.failed_jobs} of ${self.total_jobs} jobs failed."
    }
  }
}

locals {
  batches = {
    (data.nova_scoring_batch.completed.id) = data.nova_scoring_batch.completed
    (data.nova_scoring_batch.slow.id)      = data.nova_scoring_batch.slow
  }

  # Every score of every batch, for the gate below.
  all_scores = concat(
    values(data.nova_scoring_batch.completed.scores),
    values(data.nova_scoring_batch.slow.scores),
  )
}

# The downstream step: it only runs when every batch completed and every candidate reached the bar.
resource "terraform_data" "promote" {
  input = {
    for id, batch in local.batches : id => batch.scores
  }

  lifecycle {
    precondition {
      condition     = alltrue([for b in values(local.batches) : b.status == "completed" && b.failed_jobs == 0]) && length(local.all_scores) > 0 && alltrue([for s in local.all_scores : s >= 5])
      error_message = "Not promoting: every batch must complete (${jsonencode({ for id, b in local.batches : id => b.status })}) and every candidate needs a score of at least 5, got ${jsonencode(local.all_scores)}."
    }
  }
}

output "status" {
  description = "Normalised status of each batch."
  value       = { for id, batch in local.batches : id => batch.status }
}

output "counts" {
  description = "Job counters of each batch."
  value = {
    for id, batch in local.batches : id => {
      total     = batch.total_jobs
      completed = batch.completed_jobs
      failed    = batch.failed_jobs
      pending   = batch.pending_jobs
    }
  }
}

output "scores" {
  description = "Scores by application id, for each batch."
  value       = { for id, batch in local.batches : id => batch.scores }
}

output "rejected_applications" {
  description = "Applications Nova refused at intake, with the reason."
  value = {
    for id, batch in local.batches : id => {
      for r in batch.rejected_applications : r.application_id => r.reason
    }
  }
}

output "promoted" {
  description = "What the gated step recorded."
  value       = terraform_data.promote.output
}
