# Gate a downstream step on the scores: it is only planned when every candidate reached the bar.
data "nova_scoring_batch" "shortlist" {
  job_id              = "job-123"
  scoring_batch_id    = "batch-2024-06-02"
  wait_for_completion = true
}

resource "terraform_data" "publish_shortlist" {
  input = data.nova_scoring_batch.shortlist.scores

  lifecycle {
    precondition {
      condition = (
        length(data.nova_scoring_batch.shortlist.scores) > 0 &&
        alltrue([for score in values(data.nova_scoring_batch.shortlist.scores) : score >= 6])
      )
      error_message = "Every shortlisted candidate needs a score of at least 6: ${jsonencode(data.nova_scoring_batch.shortlist.scores)}."
    }
  }
}
