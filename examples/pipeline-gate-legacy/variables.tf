variable "job_id" {
  description = "Your job identifier (external id) the scoring batch belongs to."
  type        = string
}

variable "scoring_batch_id" {
  description = "The scoring batch to gate on, as returned when the batch was submitted."
  type        = string
}

variable "min_score" {
  description = "The lowest score (1 to 10) every candidate must reach for the deployment to go ahead."
  type        = number
  default     = 7
  nullable    = false

  validation {
    condition     = var.min_score >= 1 && var.min_score <= 10
    error_message = "min_score must be between 1 and 10, got ${var.min_score}."
  }
}

variable "wait_timeout" {
  description = "How long to wait for Nova to finish the batch, as a Go duration (\"30m\")."
  type        = string
  default     = "30m"
  nullable    = false
}

variable "wait_for_completion" {
  description = "Wait for Nova to finish the batch (true), or read it once (false: a batch still scoring stops the run, for a pipeline that must not block)."
  type        = bool
  default     = true
  nullable    = false
}
