package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dweet/terraform-provider-nova/internal/nova"
)

const (
	defaultBatchPollInterval = 5 * time.Second // the API's docs ask for 5 s between batch polls
	defaultReadTimeout       = 20 * time.Minute
)

var (
	_ datasource.DataSource              = (*scoringBatchDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*scoringBatchDataSource)(nil)

	rejectedAttrTypes = map[string]attr.Type{
		"application_id": types.StringType,
		"reason":         types.StringType,
		"message":        types.StringType,
	}
)

func newScoringBatchDataSource() datasource.DataSource { return &scoringBatchDataSource{} }

type scoringBatchDataSource struct {
	data *providerData
}

type scoringBatchModel struct {
	JobID              types.String         `tfsdk:"job_id"`
	ScoringBatchID     types.String         `tfsdk:"scoring_batch_id"`
	TenantID           types.String         `tfsdk:"tenant_id"`
	WaitForCompletion  types.Bool           `tfsdk:"wait_for_completion"`
	PollInterval       timetypes.GoDuration `tfsdk:"poll_interval"`
	IncludeAssessments types.Bool           `tfsdk:"include_assessments"`
	Timeouts           timeouts.Value       `tfsdk:"timeouts"`

	ID                   types.String      `tfsdk:"id"`
	Status               types.String      `tfsdk:"status"`
	APIStatus            types.String      `tfsdk:"api_status"`
	Finished             types.Bool        `tfsdk:"finished"`
	TotalJobs            types.Int64       `tfsdk:"total_jobs"`
	CompletedJobs        types.Int64       `tfsdk:"completed_jobs"`
	FailedJobs           types.Int64       `tfsdk:"failed_jobs"`
	PendingJobs          types.Int64       `tfsdk:"pending_jobs"`
	CreatedAt            timetypes.RFC3339 `tfsdk:"created_at"`
	CompletedAt          timetypes.RFC3339 `tfsdk:"completed_at"`
	ScoringJobs          types.List        `tfsdk:"scoring_jobs"`
	RejectedApplications types.List        `tfsdk:"rejected_applications"`
	Scores               types.Map         `tfsdk:"scores"`
	TraceID              types.String      `tfsdk:"trace_id"`
}

func (d *scoringBatchDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_scoring_batch"
}

func (d *scoringBatchDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := map[string]schema.Attribute{
		"job_id": schema.StringAttribute{
			Required:            true,
			MarkdownDescription: "Your job identifier (external id) that the batch was submitted for.",
			Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
		},
		"scoring_batch_id": schema.StringAttribute{
			Required:            true,
			MarkdownDescription: "The scoring batch id Nova returned when the batch was submitted.",
			Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
		},
		"id": schema.StringAttribute{Computed: true, MarkdownDescription: "The scoring batch id, as Nova reports it."},
		"status": schema.StringAttribute{Computed: true, MarkdownDescription: "Normalised batch status: `pending` (not finished), `completed` (every job completed) or `failed` " +
			"(finished, and at least one job failed: compare `failed_jobs` with `completed_jobs` to tell partial from total failure). " +
			"Every spelling the API has used (`IN_PROGRESS`, `PARTIAL_FAILURE`, upper or lower case) is mapped to these; a missing or unknown status is derived from the counters."},
		"api_status":     schema.StringAttribute{Computed: true, MarkdownDescription: "The batch status exactly as the API sent it; null when the response had none."},
		"finished":       schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the batch is finished: `status` is `completed` or `failed`."},
		"total_jobs":     schema.Int64Attribute{Computed: true, MarkdownDescription: "Scoring jobs in the batch (accepted applications only)."},
		"completed_jobs": schema.Int64Attribute{Computed: true, MarkdownDescription: "Jobs that completed successfully."},
		"failed_jobs":    schema.Int64Attribute{Computed: true, MarkdownDescription: "Jobs that failed."},
		"pending_jobs": schema.Int64Attribute{Computed: true, MarkdownDescription: "Jobs not finished yet: `total_jobs - completed_jobs - failed_jobs`, never below 0. " +
			"Counters that disagree produce a warning."},
		"created_at":   schema.StringAttribute{Computed: true, CustomType: timetypes.RFC3339Type{}, MarkdownDescription: "When the batch was created (RFC 3339)."},
		"completed_at": schema.StringAttribute{Computed: true, CustomType: timetypes.RFC3339Type{}, MarkdownDescription: "When the batch finished (RFC 3339); null until it finishes."},
		"scoring_jobs": schema.ListNestedAttribute{
			Computed:            true,
			MarkdownDescription: "The batch's scoring jobs, in the order the API lists them; an empty list when there are none.",
			NestedObject:        schema.NestedAttributeObject{Attributes: scoringJobAttributes()},
		},
		"rejected_applications": schema.ListNestedAttribute{
			Computed:            true,
			MarkdownDescription: "Applications refused at intake (for example an unreadable resume). They have no scoring job and are not counted in `total_jobs`.",
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"application_id": schema.StringAttribute{Computed: true, MarkdownDescription: "Your application identifier."},
				"reason":         schema.StringAttribute{Computed: true, MarkdownDescription: "Nova's reason code, such as `RESUME_CORRUPTED`."},
				"message":        schema.StringAttribute{Computed: true, MarkdownDescription: "Nova's explanation."},
			}},
		},
		"scores": schema.MapAttribute{
			Computed:    true,
			ElementType: types.Float64Type,
			MarkdownDescription: "Application id to score, for completed jobs only. Handy in `for_each` and in conditions such as " +
				"`alltrue([for s in values(self.scores) : s >= 7])`.",
		},
		"trace_id": schema.StringAttribute{Computed: true, MarkdownDescription: "The `X-Trace-Id` of the response that produced this state, for Nova support and audit."},
	}
	withAttributes(attrs, commonArguments())
	withAttributes(attrs, waitArguments(ctx, defaultBatchPollInterval))
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads a Nova scoring batch and all of its scoring jobs, optionally waiting until the batch finishes. " +
			"Use it to gate a pipeline on candidate scoring and to keep the scores in the plan as an audit record.",
		Attributes: attrs,
	}
}

func (d *scoringBatchDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (d *scoringBatchDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m scoringBatchModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	tenant := d.data.tenant(m.TenantID)
	t := target{
		kind:        "scoring batch",
		description: fmt.Sprintf("scoring batch %q of job %q", m.ScoringBatchID.ValueString(), m.JobID.ValueString()),
		tenant:      tenant,
		environment: keyEnvironment(d.data.apiKey),
		notFound:    "Check job_id, scoring_batch_id and tenant_id: batches are scoped per tenant and per environment (sandbox and production keys see different data).",
	}
	r := readRequest{
		wait:     m.WaitForCompletion.ValueBool(),
		interval: durationOr(m.PollInterval, defaultBatchPollInterval),
		timeouts: m.Timeouts,
		target:   t,
	}
	read := func(ctx context.Context) (*nova.BatchResult, error) {
		res, err := d.data.client.GetScoringBatch(ctx, m.JobID.ValueString(), m.ScoringBatchID.ValueString(), tenant)
		if err == nil {
			b := res.Batch
			tflog.Info(ctx, "Read Nova scoring batch", map[string]any{
				"scoring_batch_id": b.ID, "status": string(b.Status), "total_jobs": b.TotalJobs,
				"completed_jobs": b.CompletedJobs, "failed_jobs": b.FailedJobs, "pending_jobs": b.PendingJobs, "trace_id": res.TraceID,
			})
		}
		return res, err
	}
	res, ok := readOrWait(ctx, d.data, r, &resp.Diagnostics, read,
		func(res *nova.BatchResult) bool { return res.Batch.Status.Finished() },
		func(res *nova.BatchResult) string {
			b := res.Batch
			return fmt.Sprintf("status %s, %d completed, %d failed, %d pending of %d jobs", b.Status, b.CompletedJobs, b.FailedJobs, b.PendingJobs, b.TotalJobs)
		})
	if !ok {
		return
	}
	for _, w := range res.Warnings {
		resp.Diagnostics.AddWarning("Unexpected data from Nova", fmt.Sprintf("Reading %s: %s.", t.where(), w))
	}
	m.setBatch(res, includeAssessments(m.IncludeAssessments))
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// setBatch is the one mapping from a batch read to the model.
func (m *scoringBatchModel) setBatch(res *nova.BatchResult, includeAssessment bool) {
	b := res.Batch
	m.ID = types.StringValue(b.ID)
	m.Status = types.StringValue(string(b.Status))
	m.APIStatus = types.StringPointerValue(b.APIStatus)
	m.Finished = types.BoolValue(b.Status.Finished())
	m.TotalJobs = types.Int64Value(b.TotalJobs)
	m.CompletedJobs = types.Int64Value(b.CompletedJobs)
	m.FailedJobs = types.Int64Value(b.FailedJobs)
	m.PendingJobs = types.Int64Value(b.PendingJobs)
	m.CreatedAt = timetypes.NewRFC3339TimePointerValue(b.CreatedAt)
	m.CompletedAt = timetypes.NewRFC3339TimePointerValue(b.CompletedAt)
	m.TraceID = types.StringValue(res.TraceID)

	jobs := make([]attr.Value, len(res.ScoringJobs))
	scores := make(map[string]attr.Value)
	for i := range res.ScoringJobs {
		j := &res.ScoringJobs[i]
		jobs[i] = types.ObjectValueMust(scoringJobAttrTypes, scoringJobValues(j, includeAssessment))
		if j.Status == nova.StatusCompleted && j.Score != nil && j.ApplicationID != nil {
			scores[*j.ApplicationID] = types.Float64Value(*j.Score)
		}
	}
	m.ScoringJobs = types.ListValueMust(scoringJobObjectType, jobs)
	m.Scores = types.MapValueMust(types.Float64Type, scores)

	rejected := make([]attr.Value, len(res.RejectedApplications))
	for i, ra := range res.RejectedApplications {
		rejected[i] = types.ObjectValueMust(rejectedAttrTypes, map[string]attr.Value{
			"application_id": types.StringValue(ra.ApplicationID),
			"reason":         types.StringPointerValue(ra.Error.Reason),
			"message":        types.StringPointerValue(ra.Error.Message),
		})
	}
	m.RejectedApplications = types.ListValueMust(types.ObjectType{AttrTypes: rejectedAttrTypes}, rejected)
}

func includeAssessments(v types.Bool) bool {
	return v.IsNull() || v.IsUnknown() || v.ValueBool()
}

// readRequest is what every read of Nova shares: whether to wait, how often
// to poll, how long the read may take, and what is being read.
type readRequest struct {
	wait     bool
	interval time.Duration
	timeouts timeouts.Value
	target   target
}

// readOrWait reads once, or waits until finished, within the read timeout,
// and turns every failure into a diagnostic. describe summarises the last
// state for a timeout message.
func readOrWait[T any](ctx context.Context, data *providerData, r readRequest, diags *diag.Diagnostics,
	read func(context.Context) (T, error), finished func(T) bool, describe func(T) string,
) (T, bool) {
	var zero T
	if !data.ready(r.target, diags) {
		return zero, false
	}
	timeout, d := r.timeouts.Read(ctx, defaultReadTimeout)
	diags.Append(d...)
	if diags.HasError() {
		return zero, false
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	if !r.wait {
		v, err := read(ctx)
		if err != nil {
			diags.Append(readErrorDiagnostic(r.target, err))
			return zero, false
		}
		return v, true
	}

	v, err := wait(ctx, newPoller(r.interval), read, finished)
	var we *waitError
	if errors.As(err, &we) {
		last := "no read succeeded"
		if any(v) != any(zero) {
			last = "last seen: " + describe(v)
		}
		switch {
		case errors.Is(we.Cause, context.DeadlineExceeded):
			diags.AddError("Timed out waiting for "+r.target.kind+" to finish",
				fmt.Sprintf("Timed out waiting for %s to finish after %s (timeouts.read is %s; %d reads); %s.%s\n\n"+
					"Raise timeouts.read if the batch is still making progress, or check it in the Nova Embed Portal.",
					r.target.where(), we.Elapsed.Round(time.Second), timeout, we.Polls, last, lastError(we)))
		case errors.Is(we.Cause, context.Canceled):
			diags.AddError("Waiting for "+r.target.kind+" cancelled",
				fmt.Sprintf("Stopped waiting for %s after %s because the run was cancelled; %s.", r.target.where(), we.Elapsed.Round(time.Second), last))
		default:
			diags.AddError("Gave up waiting for "+r.target.kind,
				fmt.Sprintf("Gave up waiting for %s after %s: %v; %s.\n\nNova or the network is failing repeatedly; retry later.",
					r.target.where(), we.Elapsed.Round(time.Second), we, last))
		}
		return zero, false
	}
	if err != nil {
		diags.Append(readErrorDiagnostic(r.target, err))
		return zero, false
	}
	return v, true
}

func lastError(we *waitError) string {
	if we.LastError == nil {
		return ""
	}
	return fmt.Sprintf(" The last transient error was: %v.", we.LastError)
}
