# Unit tests of the gate with a mocked Nova provider: no API, no key, no network.
# Run `terraform test` in examples/pipeline-gate (Terraform 1.8 or later: the gate calls a
# provider function). The provider binary is still needed for its schema and for the function
# (terraform init, or dev_overrides to a local build).
#
# OpenTofu runs tests/gate.tofutest.hcl instead, generated from this file and mocks/ by
# scripts/gen-pipeline-gate-tofutest.sh: edit this file, then run that script.
#
# An override replaces the mock defaults of its data source: each sets every attribute the gate
# reads, so that each failing run fails for its own reason only.

mock_provider "nova" {
  source = "./mocks"
}

variables {
  job_id           = "job-123"
  scoring_batch_id = "batch-mock-0001"
}

# The mock defaults: a completed batch, scored against the current criteria, all above the bar.
run "completed_batch_deploys" {
  command = plan

  assert {
    condition     = output.gate.passed && length(output.gate.reasons) == 0
    error_message = "The gate should pass a completed batch, got ${jsonencode(output.gate)}."
  }

  assert {
    condition     = terraform_data.deploy.input.scores["app-001"] == 8.5
    error_message = "The deployment step should receive the batch's scores."
  }
}

# One job failed: it has no score and no completed_at, and the batch is failed.
run "failed_batch_blocks" {
  command = plan

  override_data {
    target = data.nova_scoring_batch.gate
    values = {
      id             = "batch-mock-0001"
      status         = "failed"
      api_status     = "partial_failure"
      finished       = true
      total_jobs     = 2
      completed_jobs = 1
      failed_jobs    = 1
      pending_jobs   = 0
      created_at     = "2026-01-05T09:00:00Z"
      completed_at   = "2026-01-05T09:04:12Z"
      trace_id       = "trace-mock-0002"
      scores         = { "app-001" = 8.5 }
      scoring_jobs = [
        { id = "sj-mock-0001", criteria_version_id = "cv-mock-0001", job_id = "job-123", application_id = "app-001", status = "completed", is_rescore = false, score = 8.5, assessment = { verdict = null, strengths = [], concerns = [], interview_focus = [] }, error_code = null, error_message = null, queued_at = "2026-01-05T09:00:01Z", started_at = "2026-01-05T09:00:05Z", completed_at = "2026-01-05T09:02:40Z", failed_at = null },
        { id = "sj-mock-0002", criteria_version_id = "cv-mock-0001", job_id = "job-123", application_id = "app-002", status = "failed", is_rescore = false, score = null, assessment = { verdict = null, strengths = [], concerns = [], interview_focus = [] }, error_code = "RESUME_FETCH_FAILED", error_message = "The resume URL has expired.", queued_at = "2026-01-05T09:00:01Z", started_at = "2026-01-05T09:00:06Z", completed_at = null, failed_at = "2026-01-05T09:04:12Z" },
      ]
    }
  }

  assert {
    condition     = length(output.gate.reasons) == 1 && strcontains(output.gate.reasons[0], "has 1 failed job, more than the 0 allowed (by error code: RESUME_FETCH_FAILED: 1)")
    error_message = "The gate should stop for this reason only, got ${jsonencode(output.gate.reasons)}."
  }

  expect_failures = [
    terraform_data.deploy,
  ]
}

# Still scoring (read once, without a wait): one job pending, nothing finished.
run "pending_batch_blocks" {
  command = plan

  variables {
    wait_for_completion = false
  }

  override_data {
    target = data.nova_scoring_batch.gate
    values = {
      id             = "batch-mock-0001"
      status         = "pending"
      api_status     = "in_progress"
      finished       = false
      total_jobs     = 2
      completed_jobs = 1
      failed_jobs    = 0
      pending_jobs   = 1
      created_at     = "2026-01-05T09:00:00Z"
      completed_at   = null
      trace_id       = "trace-mock-0003"
      scores         = { "app-001" = 8.5 }
      scoring_jobs = [
        { id = "sj-mock-0001", criteria_version_id = "cv-mock-0001", job_id = "job-123", application_id = "app-001", status = "completed", is_rescore = false, score = 8.5, assessment = { verdict = null, strengths = [], concerns = [], interview_focus = [] }, error_code = null, error_message = null, queued_at = "2026-01-05T09:00:01Z", started_at = "2026-01-05T09:00:05Z", completed_at = "2026-01-05T09:02:40Z", failed_at = null },
        { id = "sj-mock-0002", criteria_version_id = "cv-mock-0001", job_id = "job-123", application_id = "app-002", status = "pending", is_rescore = false, score = null, assessment = { verdict = null, strengths = [], concerns = [], interview_focus = [] }, error_code = null, error_message = null, queued_at = "2026-01-05T09:00:01Z", started_at = null, completed_at = null, failed_at = null },
      ]
    }
  }

  assert {
    condition     = length(output.gate.reasons) == 1 && strcontains(output.gate.reasons[0], "is not finished (status pending, 1 of 2 jobs pending)")
    error_message = "The gate should stop for this reason only, got ${jsonencode(output.gate.reasons)}."
  }

  expect_failures = [
    terraform_data.deploy,
  ]
}

# Completed, but one candidate is below the bar.
run "low_score_blocks" {
  command = plan

  variables {
    min_score = 8
  }


  assert {
    condition     = length(output.gate.reasons) == 1 && strcontains(output.gate.reasons[0], "has 1 of 2 scored applications below the minimum score 8")
    error_message = "The gate should stop for this reason only, got ${jsonencode(output.gate.reasons)}."
  }

  expect_failures = [
    terraform_data.deploy,
  ]
}

# The hiring team changed the criteria after the batch was scored: a new version is current.
run "stale_criteria_blocks" {
  command = plan

  override_data {
    target = data.nova_criteria_version.current
    values = {
      id          = "cv-mock-0002"
      version     = 2
      status      = "ACTIVE"
      created_at  = "2026-01-06T08:00:00Z"
      archived_at = null
      trace_id    = "trace-mock-0006"
    }
  }

  assert {
    condition     = length(output.gate.reasons) == 1 && strcontains(output.gate.reasons[0], "has 2 jobs scored against criteria cv-mock-0001, not the current cv-mock-0002")
    error_message = "The gate should stop for this reason only, got ${jsonencode(output.gate.reasons)}."
  }

  expect_failures = [
    terraform_data.deploy,
  ]
}

# One job names the current version, the other none: not fresh, so the gate stays shut.
run "unversioned_criteria_blocks" {
  command = plan

  override_data {
    target = data.nova_scoring_batch.gate
    values = {
      id             = "batch-mock-0001"
      status         = "completed"
      api_status     = "completed"
      finished       = true
      total_jobs     = 2
      completed_jobs = 2
      failed_jobs    = 0
      pending_jobs   = 0
      created_at     = "2026-01-05T09:00:00Z"
      completed_at   = "2026-01-05T09:04:12Z"
      trace_id       = "trace-mock-0007"
      scores         = { "app-001" = 8.5, "app-002" = 7.5 }
      scoring_jobs = [
        { id = "sj-mock-0001", criteria_version_id = "cv-mock-0001", job_id = "job-123", application_id = "app-001", status = "completed", is_rescore = false, score = 8.5, assessment = { verdict = null, strengths = [], concerns = [], interview_focus = [] }, error_code = null, error_message = null, queued_at = "2026-01-05T09:00:01Z", started_at = "2026-01-05T09:00:05Z", completed_at = "2026-01-05T09:02:40Z", failed_at = null },
        { id = "sj-mock-0002", criteria_version_id = null, job_id = "job-123", application_id = "app-002", status = "completed", is_rescore = false, score = 7.5, assessment = { verdict = null, strengths = [], concerns = [], interview_focus = [] }, error_code = null, error_message = null, queued_at = "2026-01-05T09:00:01Z", started_at = "2026-01-05T09:00:06Z", completed_at = "2026-01-05T09:04:12Z", failed_at = null },
      ]
    }
  }

  assert {
    condition     = length(output.gate.reasons) == 1 && strcontains(output.gate.reasons[0], "has 1 job naming no criteria version")
    error_message = "The gate should stop for this reason only, got ${jsonencode(output.gate.reasons)}."
  }

  expect_failures = [
    terraform_data.deploy,
  ]
}

# Null input: a batch with no status, counters, scores or jobs (an API change, a broken mock)
# is a reason, never an open gate.
run "null_batch_fields_block" {
  command = plan

  override_data {
    target = data.nova_scoring_batch.gate
    values = {
      id             = "batch-mock-0001"
      status         = null
      api_status     = null
      finished       = null
      total_jobs     = null
      completed_jobs = null
      failed_jobs    = null
      pending_jobs   = null
      created_at     = null
      completed_at   = null
      trace_id       = null
      scores         = null
      # scoring_jobs left out: a mock cannot set a list of objects to null; the mock makes it empty.
    }
  }

  assert {
    condition     = strcontains(output.gate.reasons[0], "has no status")
    error_message = "The gate should stop for this reason only, got ${jsonencode(output.gate.reasons)}."
  }

  expect_failures = [
    terraform_data.deploy,
  ]
}
