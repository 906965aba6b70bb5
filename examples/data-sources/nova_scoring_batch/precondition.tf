# snippet: gate
# Gate a downstream step on the scores: it is only planned when the batch completed (no job failed,
# none pending) and every candidate reached the bar. A failed job has no score, so `scores` alone
# cannot tell that a candidate dropped out: check the status too.
data "nova_scoring_batch" "shortlist" {
  job_id              = "job-123"
  scoring_batch_id    = "batch-completed"
  wait_for_completion = true
}

resource "terraform_data" "publish_shortlist" {
  input = data.nova_scoring_batch.shortlist.scores

  lifecycle {
    precondition {
      condition = (
        data.nova_scoring_batch.shortlist.status == "completed" &&
        data.nova_scoring_batch.shortlist.failed_jobs == 0 &&
        length(data.nova_scoring_batch.shortlist.scores) > 0 &&
        alltrue([for score in values(data.nova_scoring_batch.shortlist.scores) : score >= 6])
      )
      error_message = "Not publishing: batch ${data.nova_scoring_batch.shortlist.id} is ${data.nova_scoring_batch.shortlist.status} (${data.nova_scoring_batch.shortlist.failed_jobs} of ${data.nova_scoring_batch.shortlist.total_jobs} jobs failed), and every candidate needs a score of at least 6: ${jsonencode(data.nova_scoring_batch.shortlist.scores)}."
    }
  }
}
