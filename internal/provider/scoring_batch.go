package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dweet/terraform-provider-nova/internal/nova"
)

// What the types that read a scoring batch share: nova_scoring_batch (the
// full record), nova_scoring_batch_summary (the aggregate one) and the
// ephemeral nova_scoring_batch (none). They select a batch by the same ids,
// fetch it, wait on it and decide its status the same way; they differ in
// what they keep.

// defaultBatchPollInterval follows the API's docs, which ask for 5 s
// between batch polls.
const defaultBatchPollInterval = 5 * time.Second

// batchIDs select a scoring batch.
type batchIDs struct {
	jobID, batchID string
}

// batchIDArguments are the schema of batchIDs.
func batchIDArguments() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"job_id":           idAttribute("Your job identifier (external id) that the batch was submitted for.", false),
		"scoring_batch_id": idAttribute("The scoring batch id Nova returned when the batch was submitted.", false),
	}
}

func readBatchIDs(r *argumentReader) batchIDs {
	return batchIDs{jobID: r.string("job_id"), batchID: r.string("scoring_batch_id")}
}

func (ids batchIDs) subject() string {
	return fmt.Sprintf("scoring batch %q of job %q", ids.batchID, ids.jobID)
}

// batchNotFound is what to check after a 404 for a batch.
const batchNotFound = "Check job_id, scoring_batch_id and tenant_id: batches are scoped per tenant and per environment (sandbox and production keys see different data)."

// batchSelector is the arguments of any type that reads a batch: they embed
// batchIDs, beside whatever else is the type's own.
type batchSelector interface{ ids() batchIDs }

func (ids batchIDs) ids() batchIDs { return ids }

// fetchBatch is the fetch of every type that reads a batch.
func fetchBatch[A batchSelector](ctx context.Context, c *nova.Client, a A, tenant string) (*nova.BatchResult, error) {
	ids := a.ids()
	return c.GetScoringBatch(ctx, ids.jobID, ids.batchID, tenant)
}

// batchResult is what the shared read needs to know about a batch read.
func batchResult(r *nova.BatchResult) readResult {
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
