# snippet: gate, vars job_id=job-123 scoring_batch_id=batch-completed min_score=6
# A deployment gate on a Nova scoring batch, written by hand for Terraform 1.5 to 1.7, which
# cannot call provider functions. On Terraform 1.8+ or OpenTofu 1.7+ use examples/pipeline-gate,
# the same gate as one call of provider::nova::gate: hand-written conditions are easy to get
# wrong, and the function fails closed on every input.
#
# The deployment step (here a terraform_data that stands for it) is only planned once Nova has
# finished the batch, every scoring job completed, every candidate reached the bar, and every
# job was scored against the job's current criteria (a job that names no version fails).
#
# Every condition holds up on null values (a failed job has no score, a pending batch no
# completed_at): Terraform 1.11 and older evaluate both sides of && and ||, so
# `job.status == "completed" && job.score >= 7` fails with "argument must not be null" on a
# failed job instead of reporting it. Nulls are replaced with coalesce() or compared with ==,
# which is null-safe, before any arithmetic comparison.
#
terraform {
  required_version = ">= 1.5.0"

  required_providers {
    nova = {
      source = "dweet/nova"
    }
  }
}

# No provider block: the key, tenant and base URL come from NOVA_API_KEY, NOVA_TENANT_ID and
# NOVA_BASE_URL, so the module carries no secret and `terraform test` needs none.

data "nova_scoring_batch" "gate" {
  job_id              = var.job_id
  scoring_batch_id    = var.scoring_batch_id
  wait_for_completion = var.wait_for_completion
  # The gate needs scores, not assessment text: keep candidate personal data out of state.
  include_assessments = false

  timeouts = {
    read = var.wait_timeout
  }

  lifecycle {
    # A batch that is not finished (read once, or a mock or an API change says so) must never
    # open the gate.
    postcondition {
      condition     = self.finished == true && self.status != "pending"
      error_message = "Scoring batch ${coalesce(self.id, var.scoring_batch_id)} is not finished (status ${coalesce(self.status, "unknown")}, ${coalesce(self.pending_jobs, "?")} of ${coalesce(self.total_jobs, "?")} jobs pending, created ${coalesce(self.created_at, "at an unknown time")}): do not deploy yet."
    }

    # Finished, but not every job completed. (An unfinished batch is reported above.)
    postcondition {
      condition     = self.finished != true || (self.status == "completed" && coalesce(self.failed_jobs, 1) == 0)
      error_message = "Scoring batch ${coalesce(self.id, var.scoring_batch_id)} ended ${coalesce(self.status, "without a status")}: ${coalesce(self.failed_jobs, "?")} of ${coalesce(self.total_jobs, "?")} jobs failed; failed applications: ${coalesce(join(", ", [for job in(self.scoring_jobs == null ? [] : self.scoring_jobs) : "${coalesce(job.application_id, "unknown")} (${coalesce(job.error_code, "no error code")})" if job.status == "failed"]), "none listed")}. Fix or re-score those applications, then run again."
    }
  }
}

# The job's current criteria. When the hiring team changes them, a new version becomes current
# and scores computed against the old one are stale.
data "nova_criteria_version" "current" {
  job_id = var.job_id
}

locals {
  jobs = data.nova_scoring_batch.gate.scoring_jobs == null ? [] : data.nova_scoring_batch.gate.scoring_jobs

  # Fresh scores only: every job names the current version. `==` is null-safe, so a job that
  # names no version is not fresh; a batch that lists no job cannot be shown fresh either.
  stale_jobs = [for job in local.jobs : job if job.criteria_version_id != data.nova_criteria_version.current.id]
  fresh      = data.nova_criteria_version.current.id != null && length(local.jobs) > 0 && length(local.stale_jobs) == 0

  scores = data.nova_scoring_batch.gate.scores == null ? {} : data.nova_scoring_batch.gate.scores

  # A missing score counts as below the bar: coalesce() turns null into 0 before the comparison.
  low_scores = {
    for application, score in local.scores : application => score
    if coalesce(score, 0) < var.min_score
  }
}

# Stands for the deployment step (promote, notify, publish): replace it with your own.
resource "terraform_data" "deploy" {
  input = {
    scoring_batch_id    = data.nova_scoring_batch.gate.id
    completed_at        = data.nova_scoring_batch.gate.completed_at
    trace_id            = data.nova_scoring_batch.gate.trace_id
    scores              = local.scores
    criteria_version_id = data.nova_criteria_version.current.id
  }

  lifecycle {
    precondition {
      condition     = local.fresh
      error_message = "Scoring batch ${var.scoring_batch_id} is not fresh: ${length(local.stale_jobs)} of ${length(local.jobs)} jobs were scored against criteria other than the job's current ${coalesce(data.nova_criteria_version.current.id, "(unknown)")} or name none (${join(", ", distinct([for job in local.stale_jobs : coalesce(job.criteria_version_id, "none named")]))}): re-score the batch before deploying."
    }

    precondition {
      condition     = length(local.scores) > 0 && length(local.low_scores) == 0
      error_message = "Not deploying: every candidate needs a score of at least ${var.min_score}; below it: ${length(local.low_scores) > 0 ? jsonencode(local.low_scores) : "none, but the batch has no scores"}."
    }
  }
}
