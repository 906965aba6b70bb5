package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dweet/terraform-provider-nova/internal/nova"
)

// applicationScoreArgs are nova_application_score's own arguments.
type applicationScoreArgs struct {
	jobID, applicationID string
	includeAssessments   bool
}

// newApplicationScoreDataSource reads an application's latest scoring job.
// It reads once: it offers no wait.
func newApplicationScoreDataSource() datasource.DataSource {
	return newDataSource(readSpec[applicationScoreArgs, *nova.ScoringJobResult]{
		typeName: "_application_score",
		description: "Reads the latest scoring job of an application: its status, score and assessment. " +
			"Use it where an applicant-tracking system scores candidates one at a time.",
		kind: "application score",
		arguments: map[string]schema.Attribute{
			"job_id":              jobIDArgument(),
			"application_id":      applicationIDArgument(),
			"include_assessments": includeAssessmentsArgument(),
		},
		computed: func() (map[string]schema.Attribute, error) { return scoringJobAttributes(), nil },
		notFound: "The application has no scoring job yet, or its submission was rejected at intake. Check job_id, application_id and tenant_id.",
		args: func(ctx context.Context, config tfsdk.Config) (applicationScoreArgs, diag.Diagnostics) {
			r := newArgumentReader(ctx, config)
			a := applicationScoreArgs{jobID: r.string("job_id"), applicationID: r.string("application_id"), includeAssessments: readIncludeAssessments(r)}
			return a, r.diags
		},
		subject: func(a applicationScoreArgs) string {
			return fmt.Sprintf("latest score of application %q of job %q", a.applicationID, a.jobID)
		},
		fetch: func(ctx context.Context, c *nova.Client, a applicationScoreArgs, tenant string) (*nova.ScoringJobResult, error) {
			return c.GetApplicationScore(ctx, a.jobID, a.applicationID, tenant)
		},
		result: scoringJobResult,
		state: func(a applicationScoreArgs, r *nova.ScoringJobResult, schemaType tftypes.Object) (map[string]tftypes.Value, error) {
			return singleScoringJobValues(r, a.includeAssessments, schemaType)
		},
	})
}
