# Part of `make demo`: the aggregate record. The same batch read as the data source in ../main.tf,
# kept as statistics and counts, with the job's current criteria: a gate on the batch as a whole
# (completed, every score at least 7, scored against the current criteria) whose state holds no
# application id, scoring job id, per-candidate score, assessment or error message.

terraform {
  required_version = ">= 1.5.0"

  required_providers {
    nova = {
      source = "dweet/nova"
    }
  }
}

provider "nova" {}

variable "batch_id" {
  type        = string
  default     = "batch-shortlist"
  description = "The batch to gate on; the demo also runs this with batch-stale."
}

data "nova_criteria_version" "current" {
  job_id = "job-123"
}

data "nova_scoring_batch_summary" "shortlist" {
  job_id              = "job-123"
  scoring_batch_id    = var.batch_id
  wait_for_completion = true
  poll_interval       = "1s"

  timeouts = {
    read = "1m"
  }

  lifecycle {
    postcondition {
      condition     = self.status == "completed"
      error_message = "Scoring batch ${self.id} is ${self.status}: ${self.failed_jobs} of ${self.total_jobs} jobs failed."
    }

    postcondition {
      condition     = coalesce(self.score_min, 0) >= 7
      error_message = "Scoring batch ${self.id}: the lowest score is ${coalesce(self.score_min, "not given")}; every candidate needs 7."
    }

    postcondition {
      condition     = self.unversioned_jobs == 0 && length(self.criteria_version_ids) > 0 && alltrue([for v in self.criteria_version_ids : v == data.nova_criteria_version.current.id])
      error_message = "Scoring batch ${self.id} was scored against criteria ${length(self.criteria_version_ids) > 0 ? join(", ", self.criteria_version_ids) : "that Nova did not name"}${self.unversioned_jobs > 0 ? " (${self.unversioned_jobs} jobs name no version)" : ""}, but the job's current criteria are ${data.nova_criteria_version.current.id}: re-score before promoting."
    }
  }
}

# The downstream step, ordered after the gate by the reference.
resource "terraform_data" "promote" {
  input = "batch ${data.nova_scoring_batch_summary.shortlist.id} promoted"
}

output "record" {
  description = "The aggregate record of the batch: what an audit needs, no candidate's data."
  value = {
    batch        = data.nova_scoring_batch_summary.shortlist.id
    status       = data.nova_scoring_batch_summary.shortlist.status
    jobs         = data.nova_scoring_batch_summary.shortlist.total_jobs
    score_min    = data.nova_scoring_batch_summary.shortlist.score_min
    score_mean   = data.nova_scoring_batch_summary.shortlist.score_mean
    score_counts = data.nova_scoring_batch_summary.shortlist.score_counts
    criteria     = data.nova_scoring_batch_summary.shortlist.criteria_version_ids
    current      = "${data.nova_criteria_version.current.id} (version ${data.nova_criteria_version.current.version})"
    trace_id     = data.nova_scoring_batch_summary.shortlist.trace_id
  }
}
