# One downstream object per candidate who scored 7 or more.
data "nova_scoring_batch" "interviews" {
  job_id              = "job-123"
  scoring_batch_id    = "batch-completed"
  wait_for_completion = true
}

resource "terraform_data" "interview_invite" {
  for_each = {
    for application_id, score in data.nova_scoring_batch.interviews.scores :
    application_id => score if score >= 7
  }

  input = {
    application_id = each.key
    score          = each.value
  }
}
