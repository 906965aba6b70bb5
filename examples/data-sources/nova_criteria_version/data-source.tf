# The job's current criteria, and one version by id.
data "nova_criteria_version" "current" {
  job_id = "job-123"
}

data "nova_criteria_version" "november" {
  job_id              = "job-123"
  criteria_version_id = "cv-2025-11"
}

output "criteria" {
  value = {
    current   = "${data.nova_criteria_version.current.id} (version ${data.nova_criteria_version.current.version})"
    must_have = [for c in data.nova_criteria_version.current.criteria : c.text if c.importance == "MUST_HAVE"]
    november  = "${data.nova_criteria_version.november.status} since ${coalesce(data.nova_criteria_version.november.archived_at, "never")}"
  }
}
