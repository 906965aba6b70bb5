# snippet: gate
# The latest score of an application, whichever scoring job produced it.
data "nova_application_score" "latest" {
  job_id              = "job-123"
  application_id      = "app-001"
  include_assessments = false # scores only: no assessment text in state
}

# Gate on it: the downstream step is refused unless the score is at least 7. The score is null unless the
# job completed; coalesce keeps the condition (and the message) working on a pending or failed job.
resource "terraform_data" "advance" {
  input = data.nova_application_score.latest.application_id

  lifecycle {
    precondition {
      condition     = data.nova_application_score.latest.status == "completed" && coalesce(data.nova_application_score.latest.score, 0) >= 7
      error_message = "Application ${data.nova_application_score.latest.application_id} scored ${coalesce(data.nova_application_score.latest.score, "none")} (status ${data.nova_application_score.latest.status}); 7 is needed."
    }
  }
}
