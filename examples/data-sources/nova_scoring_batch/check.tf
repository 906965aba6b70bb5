# A check block reports a warning and never stops the run, even when the read itself fails.
check "scoring_batch_health" {
  data "nova_scoring_batch" "health" {
    job_id           = "job-123"
    scoring_batch_id = "batch-failed" # warns: one of its jobs failed
  }

  assert {
    condition     = data.nova_scoring_batch.health.status == "completed"
    error_message = "Scoring batch ${data.nova_scoring_batch.health.id} is ${data.nova_scoring_batch.health.status}: ${data.nova_scoring_batch.health.failed_jobs} of ${data.nova_scoring_batch.health.total_jobs} jobs failed."
  }
}
