# snippet: gate
# Wait for one scoring job, polling every 3 seconds as Nova's docs advise.
data "nova_scoring_job" "candidate" {
  job_id              = "job-123"
  application_id      = "app-001"
  scoring_job_id      = "sj-completed-001"
  wait_for_completion = true

  timeouts = {
    read = "5m"
  }

  lifecycle {
    postcondition {
      condition     = self.status == "completed"
      error_message = "Scoring job ${self.id} ${self.status}: ${coalesce(self.error_code, "no error code")}."
    }
  }
}

output "candidate_score" {
  value = data.nova_scoring_job.candidate.score
}
