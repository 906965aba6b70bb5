# snippet: gate
# Advance a candidate only when their score is at least 7. The score is null until the job completes, and
# Terraform before 1.12 evaluates both sides of &&, so the comparison goes through coalesce: a pending or
# failed job then fails the condition with your message instead of "argument must not be null".
data "nova_scoring_job" "screening" {
  job_id              = "job-123"
  application_id      = "app-003"
  scoring_job_id      = "sj-completed-003"
  wait_for_completion = true
}

resource "terraform_data" "invite_to_interview" {
  input = data.nova_scoring_job.screening.application_id

  lifecycle {
    precondition {
      condition     = data.nova_scoring_job.screening.status == "completed" && coalesce(data.nova_scoring_job.screening.score, 0) >= 7
      error_message = "Application ${data.nova_scoring_job.screening.application_id} is not ready for an interview: status ${data.nova_scoring_job.screening.status}, score ${coalesce(data.nova_scoring_job.screening.score, "none")}."
    }
  }
}
