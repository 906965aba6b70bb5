# A check block reports a warning and never stops the run, even when the read itself fails.
check "scoring_batch_health" {
  data "nova_scoring_batch" "health" {
    job_id           = "job-123"
    scoring_batch_id = "batch-2024-06-04"
  }

  assert {
    condition     = data.nova_scoring_batch.health.failed_jobs == 0
    error_message = "Scoring batch ${data.nova_scoring_batch.health.id}: ${data.nova_scoring_batch.health.failed_jobs} of ${data.nova_scoring_batch.health.total_jobs} jobs failed."
  }
}
