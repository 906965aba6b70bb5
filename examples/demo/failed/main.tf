# snippet: gate, fails "Scoring batch batch-failed is failed: 1 of 3 jobs failed"
# The second part of `make demo`: a batch in which one scoring job failed. The postcondition
# stops the run, so nothing downstream of this data source would be planned or applied.

terraform {
  required_version = ">= 1.5.0"

  required_providers {
    nova = {
      source = "dweet/nova"
    }
  }
}

provider "nova" {}

data "nova_scoring_batch" "screening" {
  job_id              = "job-123"
  scoring_batch_id    = "batch-failed"
  wait_for_completion = true # returns at once: a failed batch is terminal
  poll_interval       = "1s"

  timeouts = {
    read = "1m"
  }

  lifecycle {
    postcondition {
      condition = self.status == "completed" && self.failed_jobs == 0
      error_message = format(
        "Scoring batch %s is %s: %d of %d jobs failed, %d completed (%s).",
        self.id,
        self.status,
        self.failed_jobs,
        self.total_jobs,
        self.completed_jobs,
        join(", ", [for j in self.scoring_jobs : "${j.application_id}: ${coalesce(j.error_code, "unknown error")}" if j.status == "failed"]),
      )
    }
  }
}

# Would publish the shortlist; never reached while the batch has failed jobs.
resource "terraform_data" "publish_shortlist" {
  input = data.nova_scoring_batch.screening.scores
}

output "scores" {
  value = data.nova_scoring_batch.screening.scores
}
