# Unit tests of the gate's logic with a mocked Nova provider: no API, no key, no network.
# Run `terraform test` in examples/pipeline-gate (Terraform 1.7 or later). The provider binary is
# still needed for its schema (terraform init, or dev_overrides to a local build).
#
# OpenTofu runs tests/gate.tofutest.hcl instead, generated from this file and mocks/ by
# scripts/gen-pipeline-gate-tofutest.sh: edit this file, then run that script.

mock_provider "nova" {
  source = "./mocks"
}

variables {
  job_id           = "job-123"
  scoring_batch_id = "batch-mock-0001"
}

# The mock defaults: a completed batch whose candidates all scored above the bar.
run "completed_batch_deploys" {
  command = plan

  assert {
    condition     = output.status == "completed"
    error_message = "The gate should report a completed batch, got ${output.status}."
  }

  assert {
    condition     = terraform_data.deploy.input.scores["app-001"] == 8.5
    error_message = "The deployment step should receive the batch's scores."
  }

  assert {
    condition     = output.criteria_version_id == "cv-mock-0001"
    error_message = "The gate should report the current criteria version, got ${output.criteria_version_id}."
  }
}

# One job failed: it has no score and no completed_at, and the batch is failed. The gate must
# stop the run on its postcondition, not on a null in the condition.
run "partially_failed_batch_blocks" {
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
      scores = {
        "app-001" = 8.5
      }
    }
  }

  expect_failures = [
    data.nova_scoring_batch.gate,
  ]
}

# Still scoring: no scores, no completed_at, nothing finished. The gate must not open.
run "pending_batch_blocks" {
  command = plan

  override_data {
    target = data.nova_scoring_batch.gate
    values = {
      id             = "batch-mock-0001"
      status         = "pending"
      api_status     = "in_progress"
      finished       = false
      total_jobs     = 2
      completed_jobs = 0
      failed_jobs    = 0
      pending_jobs   = 2
      created_at     = "2026-01-05T09:00:00Z"
      completed_at   = null
      trace_id       = "trace-mock-0003"
      scores         = {}
    }
  }

  expect_failures = [
    data.nova_scoring_batch.gate,
  ]
}

# Completed, but one candidate is below the bar: the batch passes, the deployment step does not.
run "low_score_blocks_deploy" {
  command = plan

  variables {
    min_score = 7
  }

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
      trace_id       = "trace-mock-0004"
      scores = {
        "app-001" = 8.5
        "app-002" = 4
      }
    }
  }

  expect_failures = [
    terraform_data.deploy,
  ]
}

# A batch with no status at all (an API change, a broken mock): never an open gate.
run "missing_status_blocks" {
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
    }
  }

  expect_failures = [
    data.nova_scoring_batch.gate,
  ]
}

# The hiring team changed the criteria after the batch was scored: a new version is current, and
# the batch's scores are stale. The gate must not open.
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

  expect_failures = [
    data.nova_scoring_batch_summary.record,
  ]
}

# Jobs that name no criteria version cannot be shown to be fresh: the gate must not open.
run "unnamed_criteria_blocks" {
  command = plan

  override_data {
    target = data.nova_scoring_batch_summary.record
    values = {
      id                   = "batch-mock-0001"
      status               = "completed"
      api_status           = "completed"
      finished             = true
      total_jobs           = 2
      completed_jobs       = 2
      failed_jobs          = 0
      pending_jobs         = 0
      created_at           = "2026-01-05T09:00:00Z"
      completed_at         = "2026-01-05T09:04:12Z"
      trace_id             = "trace-mock-0007"
      score_min            = null
      score_max            = null
      score_mean           = null
      score_counts         = null
      criteria_version_ids = []
      rescored_jobs        = 0
      error_codes          = {}
      rejection_reasons    = {}
    }
  }

  expect_failures = [
    data.nova_scoring_batch_summary.record,
  ]
}
