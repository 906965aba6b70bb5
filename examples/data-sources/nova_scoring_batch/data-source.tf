# Read a scoring batch once: its status, counters, scoring jobs and scores.
data "nova_scoring_batch" "example" {
  job_id           = "job-123"
  scoring_batch_id = "batch-completed"
}

output "batch_status" {
  value = data.nova_scoring_batch.example.status # "pending", "completed" or "failed"
}

output "batch_scores" {
  value = data.nova_scoring_batch.example.scores # { "app-001" = 8, ... }
}

# Wait until the batch has finished: poll every 10 seconds, for up to 30 minutes.
data "nova_scoring_batch" "waiting" {
  job_id              = "job-123"
  scoring_batch_id    = "batch-slow"
  wait_for_completion = true
  poll_interval       = "10s"

  timeouts = {
    read = "30m"
  }
}

# Keep candidate assessments (personal data) out of state: scores and statuses only.
data "nova_scoring_batch" "scores_only" {
  job_id              = "job-123"
  scoring_batch_id    = "batch-completed"
  tenant_id           = "acme-corp-eu" # overrides the provider's tenant for this read
  include_assessments = false
}
