package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dweet/terraform-provider-nova/internal/nova"
)

// defaultBatchPollInterval follows the API's docs, which ask for 5 s
// between batch polls.
const defaultBatchPollInterval = 5 * time.Second

var _ datasource.DataSourceWithConfigure = (*novaDataSource[*nova.BatchResult])(nil)

func newScoringBatchDataSource() datasource.DataSource {
	d := batchDataSource()
	d.typeName = "_scoring_batch"
	d.description = "Reads a Nova scoring batch and all of its scoring jobs, optionally waiting until the batch finishes. " +
		"Use it to gate a pipeline on candidate scoring and to keep the scores in the plan as an audit record: the full record, " +
		"with every candidate's application id and score (and assessment, unless `include_assessments = false`) in the plan and the state. " +
		"`nova_scoring_batch_summary` keeps an aggregate record without them, and the ephemeral `nova_scoring_batch` keeps none."
	d.assessments = true
	d.computed = scoringBatchAttributes
	d.state = scoringBatchValues
	return d
}

// batchDataSource is the read of a batch that the full record
// (nova_scoring_batch) and the aggregate one (nova_scoring_batch_summary)
// share: the same arguments, request, wait and status; they differ in what
// they keep.
func batchDataSource() *novaDataSource[*nova.BatchResult] {
	return &novaDataSource[*nova.BatchResult]{
		ids: []idArgument{
			{name: "job_id", description: "Your job identifier (external id) that the batch was submitted for."},
			{name: "scoring_batch_id", description: "The scoring batch id Nova returned when the batch was submitted."},
		},
		defaultInterval: defaultBatchPollInterval,
		kind:            "scoring batch",
		subject:         func(ids []string) string { return fmt.Sprintf("scoring batch %q of job %q", ids[1], ids[0]) },
		notFound:        "Check job_id, scoring_batch_id and tenant_id: batches are scoped per tenant and per environment (sandbox and production keys see different data).",
		fetch: func(ctx context.Context, c *nova.Client, ids []string, tenant string) (*nova.BatchResult, error) {
			return c.GetScoringBatch(ctx, ids[0], ids[1], tenant)
		},
		result: func(r *nova.BatchResult) readResult {
			b := r.Batch
			return readResult{
				finished: b.Status.Finished(),
				summary:  fmt.Sprintf("status %s, %d completed, %d failed, %d pending of %d jobs", b.Status, b.CompletedJobs, b.FailedJobs, b.PendingJobs, b.TotalJobs),
				fields: map[string]any{
					"scoring_batch_id": apiText(b.ID), "status": string(b.Status), "total_jobs": b.TotalJobs, "completed_jobs": b.CompletedJobs,
					"failed_jobs": b.FailedJobs, "pending_jobs": b.PendingJobs, "trace_id": r.TraceID,
				},
				warnings: r.Warnings,
				unknown:  r.UnknownStatuses,
			}
		},
	}
}

// batchAttributes is the one schema of a batch's own attributes, shared by
// the full and the aggregate record; batchValues is their one mapping.
func batchAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id": schema.StringAttribute{Computed: true, MarkdownDescription: "The scoring batch id, as Nova reports it."},
		"status": schema.StringAttribute{Computed: true, MarkdownDescription: "Normalised batch status: `pending` (not finished, or in doubt), `completed` or `failed` " +
			"(finished, and at least one job failed: compare `failed_jobs` with `completed_jobs` to tell partial from total failure). " +
			"`completed` means Nova positively said every job finished with a score, and nothing said otherwise. It is an allow-list: the batch is `completed` only when " +
			"its status is absent or a spelling of completed (`completed`, `COMPLETED`); every counter it sent is possible, `failedJobs` is absent or 0, and the counters agree with the listed jobs; " +
			"its jobs are listed (at least one, no id twice, as many as `totalJobs`); and every listed job is `completed` (see `scoring_jobs.status`). " +
			"Anything else is `pending`, or `failed` when a failure shows (a failed status or job, a `failedJobs` above 0, even among counters that cannot be true) and nothing is unfinished. " +
			"An unknown word (`RUNNING`, `in-progress`), a field of the wrong type, a malformed value or a contradiction is doubt: it never reads as no evidence, " +
			"keeps the batch `pending`, and a warning names it. A `pending` that should have been `completed` costs a wait; the reverse would ship a decision about people on work that did not happen."},
		"api_status":     schema.StringAttribute{Computed: true, MarkdownDescription: "The batch status exactly as the API sent it; null when the response had none."},
		"finished":       schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the batch is finished: `status` is `completed` or `failed`."},
		"total_jobs":     schema.Int64Attribute{Computed: true, MarkdownDescription: "Scoring jobs in the batch (accepted applications only)."},
		"completed_jobs": schema.Int64Attribute{Computed: true, MarkdownDescription: "Jobs that completed successfully."},
		"failed_jobs":    schema.Int64Attribute{Computed: true, MarkdownDescription: "Jobs that failed."},
		"pending_jobs": schema.Int64Attribute{Computed: true, MarkdownDescription: "Jobs not finished yet: `total_jobs - completed_jobs - failed_jobs`, never below 0. " +
			"Counters that cannot be true produce a warning, and the counts are then taken from the listed jobs (see `status`)."},
		"created_at":   schema.StringAttribute{Computed: true, CustomType: timetypes.RFC3339Type{}, MarkdownDescription: "When the batch was created (RFC 3339)."},
		"completed_at": schema.StringAttribute{Computed: true, CustomType: timetypes.RFC3339Type{}, MarkdownDescription: "When the batch finished (RFC 3339); null until it finishes, and null (with a warning) when the API sent an empty or malformed value."},
	}
}

// batchValues maps a batch read to batchAttributes, and trace_id.
func batchValues(r *nova.BatchResult) map[string]tftypes.Value {
	b := r.Batch
	return map[string]tftypes.Value{
		"id":             tfStringPtr(b.ID),
		"status":         tfString(string(b.Status)),
		"api_status":     tfStringPtr(b.APIStatus),
		"finished":       tfBool(b.Status.Finished()),
		"total_jobs":     tfInt(b.TotalJobs),
		"completed_jobs": tfInt(b.CompletedJobs),
		"failed_jobs":    tfInt(b.FailedJobs),
		"pending_jobs":   tfInt(b.PendingJobs),
		"created_at":     tfTime(b.CreatedAt),
		"completed_at":   tfTime(b.CompletedAt),
		"trace_id":       tfNonEmpty(r.TraceID),
	}
}

// scoringBatchAttributes are the full record's: the batch's, and every
// candidate's scoring job, rejection and score.
func scoringBatchAttributes() map[string]schema.Attribute {
	attrs := batchAttributes()
	withAttributes(attrs, map[string]schema.Attribute{
		// One attribute holding a list of objects, not nested attributes:
		// the framework walks nested attributes' schema for every value it
		// sends (BENCHMARKS.md, issue 12). Terraform sees the same type and
		// value either way; the element's fields are documented in the
		// data source's template from scoringJobAttributes.
		"scoring_jobs": schema.ListAttribute{
			Computed:    true,
			ElementType: scoringJobObjectType(),
			MarkdownDescription: "The batch's scoring jobs, in the order the API lists them; an empty list when there are none. " +
				"Each is an object with the attributes of the `nova_scoring_job` data source (its computed ones), such as `scoring_jobs[0].assessment.verdict`.",
		},
		"rejected_applications": schema.ListNestedAttribute{
			Computed:            true,
			MarkdownDescription: "Applications refused at intake (for example an unreadable resume), sorted by application id. They have no scoring job and are not counted in `total_jobs`.",
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"application_id": schema.StringAttribute{Computed: true, MarkdownDescription: "Your application identifier."},
				"reason":         schema.StringAttribute{Computed: true, MarkdownDescription: "Nova's reason code, such as `RESUME_CORRUPTED`."},
				"message":        schema.StringAttribute{Computed: true, MarkdownDescription: "Nova's explanation."},
			}},
		},
		"scores": schema.MapAttribute{
			Computed:    true,
			ElementType: types.Float64Type,
			MarkdownDescription: "Application id to score, for applications with a completed job. An application listed more than once keeps the lowest score listed for it " +
				"(with a warning), so a re-score or the listing order never hides a low score. Handy in `for_each` and in conditions such as " +
				"`alltrue([for s in values(self.scores) : s >= 7])`; check `status == \"completed\"` as well, since a job that has not completed has no entry.",
		},
	})
	return attrs
}

// scoringBatchValues is the one mapping from a batch read to state.
func scoringBatchValues(r *nova.BatchResult, m mapping, schemaType tftypes.Object) (map[string]tftypes.Value, error) {
	var errs []error
	typeOf := func(t tftypes.Type, err error) tftypes.Type {
		errs = append(errs, err)
		return t
	}
	jobsType := typeOf(attributeType(schemaType, "scoring_jobs"))
	jobObject := typeOf(elementType(jobsType))
	assessmentType := typeOf(attributeType(jobObject, "assessment"))
	rejectedType := typeOf(attributeType(schemaType, "rejected_applications"))
	rejectedObject := typeOf(elementType(rejectedType))
	scoresType := typeOf(attributeType(schemaType, "scores"))
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}

	jobs := make([]tftypes.Value, len(r.ScoringJobs))
	for i := range r.ScoringJobs {
		j := &r.ScoringJobs[i]
		values, err := scoringJobValues(j, m.includeAssessments, assessmentType)
		if err == nil {
			jobs[i], err = tfValue(jobObject, values)
		}
		if err != nil {
			return nil, fmt.Errorf("scoring_jobs[%d]: %w", i, err)
		}
	}
	scores := make(map[string]tftypes.Value, len(r.Scores))
	for app, score := range r.Scores {
		scores[app] = tfNumber(score)
	}
	rejected := make([]tftypes.Value, len(r.RejectedApplications))
	for i, ra := range r.RejectedApplications {
		var err error
		rejected[i], err = tfValue(rejectedObject, map[string]tftypes.Value{
			"application_id": tfStringPtr(ra.ApplicationID),
			"reason":         tfStringPtr(ra.Error.Reason),
			"message":        tfStringPtr(ra.Error.Message),
		})
		if err != nil {
			return nil, fmt.Errorf("rejected_applications[%d]: %w", i, err)
		}
	}
	jobList, err := tfValue(jobsType, jobs)
	if err != nil {
		return nil, fmt.Errorf("scoring_jobs: %w", err)
	}
	rejectedList, err := tfValue(rejectedType, rejected)
	if err != nil {
		return nil, fmt.Errorf("rejected_applications: %w", err)
	}
	scoreMap, err := tfValue(scoresType, scores)
	if err != nil {
		return nil, fmt.Errorf("scores: %w", err)
	}
	values := batchValues(r)
	values["scoring_jobs"] = jobList
	values["rejected_applications"] = rejectedList
	values["scores"] = scoreMap
	return values, nil
}
