package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dweet/terraform-provider-nova/internal/nova"
)

// defaultJobPollInterval follows the API's advice to poll single scoring
// jobs every 3 seconds.
const defaultJobPollInterval = 3 * time.Second

var (
	jobIDArgument         = idArgument{name: "job_id", description: "Your job identifier (external id)."}
	applicationIDArgument = idArgument{name: "application_id", description: "Your application identifier (external id)."}
)

func newScoringJobDataSource() datasource.DataSource {
	return &novaDataSource[*nova.ScoringJobResult]{
		typeName: "_scoring_job",
		description: "Reads one Nova scoring job by its id, optionally waiting until it completes or fails. " +
			"Use it to gate a step on a single candidate's score.",
		ids: []idArgument{jobIDArgument, applicationIDArgument,
			{name: "scoring_job_id", description: "The scoring job id Nova returned when the application was submitted."}},
		assessments:     true,
		defaultInterval: defaultJobPollInterval,
		kind:            "scoring job",
		subject: func(ids []string) string {
			return fmt.Sprintf("scoring job %q of application %q of job %q", ids[2], ids[1], ids[0])
		},
		notFound: "Check job_id, application_id, scoring_job_id and tenant_id: scoring jobs are scoped per tenant and per environment.",
		computed: scoringJobAttributes,
		fetch: func(ctx context.Context, c *nova.Client, ids []string, tenant string) (*nova.ScoringJobResult, error) {
			return c.GetScoringJob(ctx, ids[0], ids[1], ids[2], tenant)
		},
		result: scoringJobResult,
		state:  singleScoringJobValues,
	}
}

func newApplicationScoreDataSource() datasource.DataSource {
	return &novaDataSource[*nova.ScoringJobResult]{
		typeName: "_application_score",
		description: "Reads the latest scoring job of an application: its status, score and assessment. " +
			"Use it where an applicant-tracking system scores candidates one at a time.",
		ids:         []idArgument{jobIDArgument, applicationIDArgument},
		assessments: true,
		kind:        "application score",
		subject: func(ids []string) string {
			return fmt.Sprintf("latest score of application %q of job %q", ids[1], ids[0])
		},
		notFound: "The application has no scoring job yet, or its submission was rejected at intake. Check job_id, application_id and tenant_id.",
		computed: scoringJobAttributes,
		fetch: func(ctx context.Context, c *nova.Client, ids []string, tenant string) (*nova.ScoringJobResult, error) {
			return c.GetApplicationScore(ctx, ids[0], ids[1], tenant)
		},
		result: scoringJobResult,
		state:  singleScoringJobValues,
	}
}

func scoringJobResult(r *nova.ScoringJobResult) readResult {
	j := r.ScoringJob
	return readResult{
		finished: j.Status.Finished(),
		summary:  "status " + string(j.Status),
		// No scoring job id: nova_application_score learns it from the
		// response, and logs carry no candidate data (issue 19).
		fields:   map[string]any{"status": string(j.Status), "trace_id": r.TraceID},
		warnings: r.Warnings,
		unknown:  r.UnknownStatuses,
	}
}

func singleScoringJobValues(r *nova.ScoringJobResult, m mapping, schemaType tftypes.Object) (map[string]tftypes.Value, error) {
	assessmentType, err := attributeType(schemaType, "assessment")
	if err != nil {
		return nil, err
	}
	values, err := scoringJobValues(r.ScoringJob, m.includeAssessments, assessmentType)
	if err != nil {
		return nil, err
	}
	values["trace_id"] = tfNonEmpty(r.TraceID)
	return values, nil
}

// deref is an optional API string as it goes into state: unchanged, since
// state holds what Nova sent (apiText is for diagnostics and logs).
func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// apiText is an optional API string made safe for a diagnostic or a log
// line (nova.Sanitize); "" when absent.
func apiText(s *string) string {
	if s == nil {
		return ""
	}
	return nova.Sanitize(*s, nova.ShortText)
}
