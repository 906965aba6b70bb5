# snippet: gate
# An audit record without personal data that also gates: the batch completed, every candidate
# scored at least 7, and every score was computed against the job's current criteria.
data "nova_criteria_version" "current" {
  job_id = "job-123"
}

data "nova_scoring_batch_summary" "screening" {
  job_id              = "job-123"
  scoring_batch_id    = "batch-shortlist"
  wait_for_completion = true

  lifecycle {
    postcondition {
      condition     = self.status == "completed"
      error_message = "Scoring batch ${self.id} is ${self.status}: ${self.failed_jobs} of ${self.total_jobs} jobs failed (${jsonencode(self.error_codes)})."
    }

    # score_min is the lower bound of the lowest score's band (7 means every score is 7 or more).
    # It is null when that band, or the batch, holds fewer than min_group_size (default 5)
    # applications: coalesce() keeps the gate closed then.
    postcondition {
      condition     = coalesce(self.score_min, 0) >= 7
      error_message = "Scoring batch ${self.id}: the lowest score band starts at ${coalesce(self.score_min, "a value not published (fewer than ${coalesce(self.min_group_size, 5)} applications in it)")}; every candidate needs 7."
    }

    postcondition {
      condition     = self.unversioned_jobs == 0 && length(self.criteria_version_ids) > 0 && alltrue([for v in self.criteria_version_ids : v == data.nova_criteria_version.current.id])
      error_message = "Scoring batch ${self.id} was scored against criteria ${length(self.criteria_version_ids) > 0 ? join(", ", self.criteria_version_ids) : "that Nova did not name"}${self.unversioned_jobs > 0 ? " (${self.unversioned_jobs} jobs name no version)" : ""}, but the job's current criteria are ${data.nova_criteria_version.current.id}: re-score before promoting."
    }
  }
}

output "screening_record" {
  value = {
    batch        = data.nova_scoring_batch_summary.screening.id
    status       = data.nova_scoring_batch_summary.screening.status
    scored       = data.nova_scoring_batch_summary.screening.completed_jobs
    score_min    = data.nova_scoring_batch_summary.screening.score_min
    score_mean   = data.nova_scoring_batch_summary.screening.score_mean
    score_counts = data.nova_scoring_batch_summary.screening.score_counts
    criteria     = data.nova_scoring_batch_summary.screening.criteria_version_ids
    trace_id     = data.nova_scoring_batch_summary.screening.trace_id
  }
}
