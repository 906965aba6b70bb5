package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dweet/terraform-provider-nova/internal/nova"
)

// defaultJobPollInterval follows the API's advice to poll single scoring
// jobs every 3 seconds.
const defaultJobPollInterval = 3 * time.Second

// scoringJobArgs are nova_scoring_job's own arguments.
type scoringJobArgs struct {
	jobID, applicationID, scoringJobID string
	includeAssessments                 bool
}

func newScoringJobDataSource() datasource.DataSource { return newDataSource(scoringJobSpec()) }

// scoringJobSpec reads one scoring job by its id. The ephemeral
// nova_scoring_job reads the same.
func scoringJobSpec() readSpec[scoringJobArgs, *nova.ScoringJobResult] {
	return readSpec[scoringJobArgs, *nova.ScoringJobResult]{
		typeName: "_scoring_job",
		description: "Reads one Nova scoring job by its id, optionally waiting until it completes or fails. " +
			"Use it to gate a step on a single candidate's score.",
		kind: "scoring job",
		arguments: map[string]schema.Attribute{
			"job_id":              jobIDArgument(),
			"application_id":      applicationIDArgument(),
			"scoring_job_id":      idAttribute("The scoring job id Nova returned when the application was submitted.", false),
			"include_assessments": includeAssessmentsArgument(),
		},
		computed:        func() (map[string]schema.Attribute, error) { return scoringJobAttributes(), nil },
		defaultInterval: defaultJobPollInterval,
		notFound:        "Check job_id, application_id, scoring_job_id and tenant_id: scoring jobs are scoped per tenant and per environment.",
		args: func(ctx context.Context, config tfsdk.Config) (scoringJobArgs, diag.Diagnostics) {
			r := newArgumentReader(ctx, config)
			a := scoringJobArgs{
				jobID:              r.string("job_id"),
				applicationID:      r.string("application_id"),
				scoringJobID:       r.string("scoring_job_id"),
				includeAssessments: readIncludeAssessments(r),
			}
			return a, r.diags
		},
		subject: func(a scoringJobArgs) string {
			return fmt.Sprintf("scoring job %q of application %q of job %q", a.scoringJobID, a.applicationID, a.jobID)
		},
		fetch: func(ctx context.Context, c *nova.Client, a scoringJobArgs, tenant string) (*nova.ScoringJobResult, error) {
			return c.GetScoringJob(ctx, a.jobID, a.applicationID, a.scoringJobID, tenant)
		},
		result: scoringJobResult,
		state: func(a scoringJobArgs, r *nova.ScoringJobResult, schemaType tftypes.Object) (map[string]tftypes.Value, error) {
			return singleScoringJobValues(r, a.includeAssessments, schemaType)
		},
	}
}
