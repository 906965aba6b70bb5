# snippet: gate
# Advance a candidate only once their scoring job completed with a score of
# at least 7; the score itself is never written to the plan or the state.
ephemeral "nova_scoring_job" "screening" {
  job_id              = "job-123"
  application_id      = "app-003"
  scoring_job_id      = "sj-completed-003"
  wait_for_completion = true
  require_completed   = true
}

resource "terraform_data" "invite_to_interview" {
  input = "app-003"

  lifecycle {
    precondition {
      # coalesce: a completed job should have a score, but a null must fail the condition, not the run.
      condition     = coalesce(ephemeral.nova_scoring_job.screening.score, 0) >= 7
      error_message = "The candidate scored below 7."
    }
  }
}
