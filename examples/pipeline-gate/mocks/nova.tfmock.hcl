# Realistic defaults for mocking the Nova provider in `terraform test` (Terraform 1.7+):
#
#   mock_provider "nova" {
#     source = "./mocks"
#   }
#
# Without them, a mocked computed attribute is a random string or zero, and a mocked `status`
# is never one of the three real values. These describe a finished, fully completed batch of two
# candidates who both scored well against the current criteria: the happy path. Override them per run (override_data) for the
# failed, pending and low-score cases; an override replaces these defaults for that data source,
# it does not merge with them, so set every attribute your conditions read.
#
# Copy this file into your module. (OpenTofu's mock_provider has no `source`: put the same
# mock_data blocks inline, as tests/gate.tofutest.hcl does.)

mock_data "nova_scoring_batch" {
  defaults = {
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
    trace_id       = "trace-mock-0001"
    scores = {
      "app-001" = 8.5
      "app-002" = 7.5
    }
    # Each job needs every attribute: a mocked list of objects takes no partial object. The gate
    # reads status, score, criteria_version_id and error_code.
    scoring_jobs = [
      { id = "sj-mock-0001", criteria_version_id = "cv-mock-0001", job_id = "job-123", application_id = "app-001", status = "completed", is_rescore = false, score = 8.5, assessment = { verdict = null, strengths = [], concerns = [], interview_focus = [] }, error_code = null, error_message = null, queued_at = "2026-01-05T09:00:01Z", started_at = "2026-01-05T09:00:05Z", completed_at = "2026-01-05T09:02:40Z", failed_at = null },
      { id = "sj-mock-0002", criteria_version_id = "cv-mock-0001", job_id = "job-123", application_id = "app-002", status = "completed", is_rescore = false, score = 7.5, assessment = { verdict = null, strengths = [], concerns = [], interview_focus = [] }, error_code = null, error_message = null, queued_at = "2026-01-05T09:00:01Z", started_at = "2026-01-05T09:00:06Z", completed_at = "2026-01-05T09:04:12Z", failed_at = null },
    ]
  }
}

# The same batch as its aggregate record: two jobs are fewer than min_group_size (5), so the
# score statistics are null. Both jobs were scored against the current criteria below.
mock_data "nova_scoring_batch_summary" {
  defaults = {
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
    trace_id             = "trace-mock-0004"
    score_min            = null
    score_max            = null
    score_mean           = null
    score_counts         = null
    criteria_version_ids = ["cv-mock-0001"]
    rescored_jobs        = 0
    error_codes          = {}
    rejection_reasons    = {}
  }
}

mock_data "nova_criteria_version" {
  defaults = {
    id          = "cv-mock-0001"
    version     = 1
    status      = "ACTIVE"
    created_at  = "2026-01-02T08:00:00Z"
    archived_at = null
    trace_id    = "trace-mock-0005"
    # criteria is left out: Terraform cannot mock a list of nested attributes from a default
    # ("expected object type, found tuple"); the gate does not read it.
  }
}

mock_data "nova_scoring_job" {
  defaults = {
    id                  = "sj-mock-0001"
    criteria_version_id = "cv-mock-0001"
    status              = "completed"
    is_rescore          = false
    score               = 8.5
    assessment          = null
    error_code          = null
    error_message       = null
    queued_at           = "2026-01-05T09:00:01Z"
    started_at          = "2026-01-05T09:00:05Z"
    completed_at        = "2026-01-05T09:02:40Z"
    failed_at           = null
    trace_id            = "trace-mock-0002"
  }
}

mock_data "nova_application_score" {
  defaults = {
    id                  = "sj-mock-0001"
    criteria_version_id = "cv-mock-0001"
    status              = "completed"
    is_rescore          = false
    score               = 8.5
    assessment          = null
    error_code          = null
    error_message       = null
    queued_at           = "2026-01-05T09:00:01Z"
    started_at          = "2026-01-05T09:00:05Z"
    completed_at        = "2026-01-05T09:02:40Z"
    failed_at           = null
    trace_id            = "trace-mock-0003"
  }
}
