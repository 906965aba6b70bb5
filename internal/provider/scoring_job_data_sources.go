package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dweet/terraform-provider-nova/internal/nova"
)

// defaultJobPollInterval follows the API's advice to poll single scoring
// jobs every 3 seconds.
const defaultJobPollInterval = 3 * time.Second

// scoringJobDataSource reads one scoring job: nova_scoring_job by its id, or
// nova_application_score as an application's latest. Both carry the shared
// scoring-job schema and mapping; they differ only in ids, endpoint and
// whether they can wait.
type scoringJobDataSource struct {
	typeName    string
	kind        string // what a diagnostic calls the object read
	description string
	ids         []idArgument // in path order
	canWait     bool
	notFound    string
	fetch       func(ctx context.Context, c *nova.Client, ids []string, tenant string) (*nova.ScoringJobResult, error)

	data *providerData
}

type idArgument struct {
	name, label, description string
}

var (
	jobIDArgument         = idArgument{"job_id", "job", "Your job identifier (external id)."}
	applicationIDArgument = idArgument{"application_id", "application", "Your application identifier (external id)."}
)

func newScoringJobDataSource() datasource.DataSource {
	return &scoringJobDataSource{
		typeName: "_scoring_job",
		kind:     "scoring job",
		description: "Reads one Nova scoring job by its id, optionally waiting until it completes or fails. " +
			"Use it to gate a step on a single candidate's score.",
		ids: []idArgument{jobIDArgument, applicationIDArgument,
			{"scoring_job_id", "scoring job", "The scoring job id Nova returned when the application was submitted."}},
		canWait:  true,
		notFound: "Check job_id, application_id, scoring_job_id and tenant_id: scoring jobs are scoped per tenant and per environment.",
		fetch: func(ctx context.Context, c *nova.Client, ids []string, tenant string) (*nova.ScoringJobResult, error) {
			return c.GetScoringJob(ctx, ids[0], ids[1], ids[2], tenant)
		},
	}
}

func newApplicationScoreDataSource() datasource.DataSource {
	return &scoringJobDataSource{
		typeName: "_application_score",
		kind:     "application score",
		description: "Reads the latest scoring job of an application: its status, score and assessment. " +
			"Use it where an applicant-tracking system scores candidates one at a time.",
		ids:      []idArgument{jobIDArgument, applicationIDArgument},
		notFound: "The application has no scoring job yet, or its submission was rejected at intake. Check job_id, application_id and tenant_id.",
		fetch: func(ctx context.Context, c *nova.Client, ids []string, tenant string) (*nova.ScoringJobResult, error) {
			return c.GetApplicationScore(ctx, ids[0], ids[1], tenant)
		},
	}
}

func (d *scoringJobDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + d.typeName
}

func (d *scoringJobDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := scoringJobAttributes()
	for _, id := range d.ids {
		// job_id and application_id are also attributes of a scoring job:
		// here they are the arguments that select it.
		delete(attrs, id.name)
	}
	for _, id := range d.ids {
		withAttributes(attrs, map[string]schema.Attribute{id.name: schema.StringAttribute{
			Required:            true,
			MarkdownDescription: id.description,
			Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
		}})
	}
	withAttributes(attrs, commonArguments())
	withAttributes(attrs, map[string]schema.Attribute{
		"trace_id": schema.StringAttribute{Computed: true, MarkdownDescription: "The `X-Trace-Id` of the response that produced this state, for Nova support and audit."},
	})
	if d.canWait {
		withAttributes(attrs, waitArguments(ctx, defaultJobPollInterval))
	}
	resp.Schema = schema.Schema{MarkdownDescription: d.description, Attributes: attrs}
}

func (d *scoringJobDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (d *scoringJobDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config types.Object
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	args := config.Attributes()
	ids := make([]string, len(d.ids))
	description := ""
	for i, id := range d.ids {
		ids[i] = stringArgument(args, id.name).ValueString()
		description += fmt.Sprintf("%s %q ", id.label, ids[i])
	}
	tenant := d.data.tenant(stringArgument(args, "tenant_id"))
	r := readRequest{
		target: target{
			kind:        d.kind,
			description: description[:len(description)-1],
			tenant:      tenant,
			environment: keyEnvironment(d.data.apiKey),
			notFound:    d.notFound,
		},
	}
	if d.canWait {
		r.wait = boolArgument(args, "wait_for_completion").ValueBool()
		var interval timetypes.GoDuration
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("poll_interval"), &interval)...)
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("timeouts"), &r.timeouts)...)
		r.interval = durationOr(interval, defaultJobPollInterval)
	}
	read := func(ctx context.Context) (*nova.ScoringJobResult, error) {
		res, err := d.fetch(ctx, d.data.client, ids, tenant)
		if err == nil {
			tflog.Info(ctx, "Read Nova scoring job", map[string]any{"status": string(res.ScoringJob.Status), "trace_id": res.TraceID})
		}
		return res, err
	}
	res, ok := readOrWait(ctx, d.data, r, &resp.Diagnostics, read,
		func(res *nova.ScoringJobResult) bool { return res.ScoringJob.Status.Finished() },
		func(res *nova.ScoringJobResult) string { return "status " + string(res.ScoringJob.Status) })
	if !ok {
		return
	}
	for _, w := range res.Warnings {
		resp.Diagnostics.AddWarning("Unexpected data from Nova", fmt.Sprintf("Reading %s: %s.", r.target.where(), w))
	}

	state := make(map[string]attr.Value, len(args))
	for name, v := range scoringJobValues(res.ScoringJob, includeAssessments(boolArgument(args, "include_assessments"))) {
		state[name] = v
	}
	for name, v := range args {
		if _, computed := state[name]; !computed || isID(d.ids, name) {
			state[name] = v // arguments keep their configured values
		}
	}
	state["trace_id"] = types.StringValue(res.TraceID)
	obj, diags := types.ObjectValue(config.AttributeTypes(ctx), state)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, obj)...)
}

func isID(ids []idArgument, name string) bool {
	for _, id := range ids {
		if id.name == name {
			return true
		}
	}
	return false
}

// stringArgument and boolArgument read an argument from the configuration;
// the schema fixes their types, so a mismatch is a null.
func stringArgument(args map[string]attr.Value, name string) types.String {
	if v, ok := args[name].(types.String); ok {
		return v
	}
	return types.StringNull()
}

func boolArgument(args map[string]attr.Value, name string) types.Bool {
	if v, ok := args[name].(types.Bool); ok {
		return v
	}
	return types.BoolNull()
}
