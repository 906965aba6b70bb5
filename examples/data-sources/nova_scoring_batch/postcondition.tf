# snippet: gate
# Fail the run, with your own message, unless every scoring job in the batch completed.
data "nova_scoring_batch" "screening" {
  job_id              = "job-123"
  scoring_batch_id    = "batch-completed"
  wait_for_completion = true

  timeouts = {
    read = "30m"
  }

  lifecycle {
    postcondition {
      condition     = self.status == "completed" && self.failed_jobs == 0
      error_message = "Scoring batch ${self.id} is ${self.status}: ${self.failed_jobs} of ${self.total_jobs} jobs failed."
    }
  }
}
