package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dweet/terraform-provider-nova/internal/nova"
)

// criteriaVersionArgs are nova_criteria_version's own arguments.
type criteriaVersionArgs struct {
	jobID string
	// versionID is "" for the job's current version.
	versionID string
}

// newCriteriaVersionDataSource reads a job's criteria version, once.
func newCriteriaVersionDataSource() datasource.DataSource {
	return newDataSource(readSpec[criteriaVersionArgs, *nova.CriteriaVersionResult]{
		typeName: "_criteria_version",
		description: "Reads a job's criteria version: the current one, or the one `criteria_version_id` names. " +
			"When the hiring team changes a job's criteria, a new version becomes current, and scores computed against the old one are stale: " +
			"compare its `id` with a batch's `criteria_version_ids` (`nova_scoring_batch_summary`) to gate on fresh scores.",
		kind: "criteria version",
		arguments: map[string]schema.Attribute{
			"job_id": idAttribute("Your job identifier (external id) whose criteria to read.", false),
			"criteria_version_id": idAttribute("The criteria version to read, such as an element of a batch's `criteria_version_ids`. "+
				"Default: the job's current version (`GET /v1/jobs/{jobId}/criteria/versions/current`).", true),
		},
		computed: func() (map[string]schema.Attribute, error) { return criteriaVersionAttributes(), nil },
		notFound: "Check job_id and tenant_id: criteria are scoped per tenant and per environment (sandbox and production keys see different data), " +
			"and criteria_version_id when it is set.",
		notFoundCodes: map[string]string{
			"CRITERIA_NOT_FOUND": "The job has no criteria in this tenant and environment. Check job_id and tenant_id, " +
				"or create the job's criteria (generate or set them in the Nova Embed Portal or through the API) before reading or scoring against them.",
			"CRITERIA_VERSION_NOT_FOUND": "Check criteria_version_id (a batch's criteria_version_ids lists the versions its jobs were scored against) and job_id, " +
				"or remove criteria_version_id to read the job's current version.",
		},
		args: func(ctx context.Context, config tfsdk.Config) (criteriaVersionArgs, diag.Diagnostics) {
			r := newArgumentReader(ctx, config)
			a := criteriaVersionArgs{jobID: r.string("job_id"), versionID: r.string("criteria_version_id")}
			return a, r.diags
		},
		subject: criteriaVersionSubject,
		fetch: func(ctx context.Context, c *nova.Client, a criteriaVersionArgs, tenant string) (*nova.CriteriaVersionResult, error) {
			return c.GetCriteriaVersion(ctx, a.jobID, a.versionID, tenant)
		},
		result: func(r *nova.CriteriaVersionResult) readResult {
			v := r.Version
			return readResult{
				finished: true,
				summary:  fmt.Sprintf("criteria version %s, status %s", apiText(v.ID), apiText(v.Status)),
				fields:   map[string]any{"criteria_version_id": apiText(v.ID), "status": apiText(v.Status), "criteria": len(v.Criteria), "trace_id": r.TraceID},
				warnings: r.Warnings,
			}
		},
		state: criteriaVersionValues,
	})
}

func criteriaVersionSubject(a criteriaVersionArgs) string {
	if a.versionID == "" {
		return fmt.Sprintf("current criteria version of job %q", a.jobID)
	}
	return fmt.Sprintf("criteria version %q of job %q", a.versionID, a.jobID)
}

func criteriaVersionAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id":          schema.StringAttribute{Computed: true, MarkdownDescription: "The criteria version's id, as the jobs of a batch name it in `criteria_version_id`."},
		"version":     schema.Int64Attribute{Computed: true, MarkdownDescription: "The version's number: 1 for the job's first criteria, one more for each change."},
		"status":      schema.StringAttribute{Computed: true, MarkdownDescription: "The version's status exactly as Nova sent it, such as `ACTIVE` (the current version) or `ARCHIVED`."},
		"created_at":  schema.StringAttribute{Computed: true, CustomType: timetypes.RFC3339Type{}, MarkdownDescription: "When the version was created (RFC 3339)."},
		"archived_at": schema.StringAttribute{Computed: true, CustomType: timetypes.RFC3339Type{}, MarkdownDescription: "When the version was archived (RFC 3339); null while it is active."},
		"criteria": schema.ListNestedAttribute{
			Computed:            true,
			MarkdownDescription: "The version's criteria, in the order Nova lists them; an empty list when there are none.",
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"id":         schema.StringAttribute{Computed: true, MarkdownDescription: "The criterion's id."},
				"text":       schema.StringAttribute{Computed: true, MarkdownDescription: "What the criterion asks for, such as `Five years of backend development in Go`."},
				"importance": schema.StringAttribute{Computed: true, MarkdownDescription: "How much it weighs, as Nova sent it: `MUST_HAVE`, `PREFERRED` or `NICE_TO_HAVE`."},
				"order":      schema.Int64Attribute{Computed: true, MarkdownDescription: "The criterion's position in the version, from 1."},
			}},
		},
	}
}

// criteriaVersionValues is the one mapping from a criteria version read to
// state.
func criteriaVersionValues(_ criteriaVersionArgs, r *nova.CriteriaVersionResult, schemaType tftypes.Object) (map[string]tftypes.Value, error) {
	listType, err := attributeType(schemaType, "criteria")
	if err != nil {
		return nil, err
	}
	objectType, err := elementType(listType)
	if err != nil {
		return nil, err
	}
	v := r.Version
	criteria := make([]tftypes.Value, len(v.Criteria))
	for i, c := range v.Criteria {
		if criteria[i], err = tfValue(objectType, map[string]tftypes.Value{
			"id":         tfStringPtr(c.ID),
			"text":       tfStringPtr(c.Text),
			"importance": tfStringPtr(c.Importance),
			"order":      tfIntPtr(c.Order),
		}); err != nil {
			return nil, fmt.Errorf("criteria[%d]: %w", i, err)
		}
	}
	list, err := tfValue(listType, criteria)
	if err != nil {
		return nil, fmt.Errorf("criteria: %w", err)
	}
	return map[string]tftypes.Value{
		"id":          tfStringPtr(v.ID),
		"version":     tfIntPtr(v.Version),
		"status":      tfStringPtr(v.Status),
		"created_at":  tfTime(v.CreatedAt),
		"archived_at": tfTime(v.ArchivedAt),
		"criteria":    list,
		"trace_id":    tfNonEmpty(r.TraceID),
	}, nil
}
