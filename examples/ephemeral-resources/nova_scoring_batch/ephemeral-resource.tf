# snippet: gate, vars batch_id=batch-completed
# Wait for the batch and stop the run unless every scoring job completed,
# without writing any candidate data to the plan or the state.
ephemeral "nova_scoring_batch" "screening" {
  job_id              = "job-123"
  scoring_batch_id    = var.batch_id
  wait_for_completion = true
  require_completed   = true

  timeouts = {
    read = "30m"
  }
}

# The downstream step depends on the gate through its precondition.
resource "terraform_data" "publish_shortlist" {
  input = var.batch_id

  lifecycle {
    precondition {
      condition     = alltrue([for s in values(ephemeral.nova_scoring_batch.screening.scores) : s >= 5])
      error_message = "At least one candidate scored below 5."
    }
  }
}

variable "batch_id" {
  type = string
}
