output "status" {
  description = "The batch's normalised status: completed, once the gate opened."
  value       = data.nova_scoring_batch.gate.status
}

output "scores" {
  description = "application_id -> score of every scored candidate."
  value       = local.scores
}

output "trace_id" {
  description = "Nova's trace id of the read, for support and audit."
  value       = data.nova_scoring_batch.gate.trace_id
}

output "criteria_version_id" {
  description = "The job's current criteria version, which every score was computed against."
  value       = data.nova_criteria_version.current.id
}
