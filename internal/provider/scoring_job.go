package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dweet/terraform-provider-nova/internal/nova"
)

// scoringJobAttributes is the one schema of a scoring job: the elements of
// nova_scoring_batch.scoring_jobs, and the top-level attributes of the
// single-job types. Everything is computed; a type that takes some of these
// names as arguments replaces those entries (readSpec.arguments).
func scoringJobAttributes() map[string]schema.Attribute {
	listOfStrings := func(desc string) schema.ListAttribute {
		return schema.ListAttribute{ElementType: types.StringType, Computed: true, MarkdownDescription: desc}
	}
	timestamp := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{CustomType: timetypes.RFC3339Type{}, Computed: true, MarkdownDescription: desc}
	}
	return map[string]schema.Attribute{
		"id":                  schema.StringAttribute{Computed: true, MarkdownDescription: "Nova's id of the scoring job."},
		"criteria_version_id": schema.StringAttribute{Computed: true, MarkdownDescription: "The criteria version the application was scored against; null when Nova did not send one."},
		"job_id":              schema.StringAttribute{Computed: true, MarkdownDescription: "Your job identifier (external id) the scoring job belongs to."},
		"application_id":      schema.StringAttribute{Computed: true, MarkdownDescription: "Your application identifier (external id) that was scored."},
		"status": schema.StringAttribute{Computed: true, MarkdownDescription: "Normalised status: `pending`, `completed` or `failed`, whichever spelling the API used. " +
			"`completed` means Nova positively said the job finished with a score, and nothing said otherwise: its status is absent or a spelling of completed, " +
			"it has a score from 1 to 10, it has a valid completion time when it has no status, every field it sent has its documented type, " +
			"and it carries no sign of failure in any form (an error code, an error message that is not blank, or a failure time, even one that cannot be parsed). " +
			"A job with a sign of failure whose status is absent, completed or failed is `failed`; an unknown status word (`running`, `cancelled`) keeps it `pending`, " +
			"with a warning that names the word, as does anything else. The batch, single-job data sources and ephemeral resources all use this rule."},
		"is_rescore": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether this job re-scored an application that had been scored before."},
		"score":      schema.Float64Attribute{Computed: true, MarkdownDescription: "The score, from 1 (missing fundamentals) to 10 (exceptional); null until the job completes."},
		"assessment": schema.SingleNestedAttribute{
			Computed: true,
			MarkdownDescription: "The model's written assessment of the candidate; null until the job completes, and always null when `include_assessments` is `false`. " +
				"This is candidate personal data: the data source stores it in state, the ephemeral resource does not.",
			Attributes: map[string]schema.Attribute{
				"verdict":         schema.StringAttribute{Computed: true, MarkdownDescription: "A two to three sentence summary with a hiring recommendation."},
				"strengths":       listOfStrings("Strengths found against the criteria."),
				"concerns":        listOfStrings("Concerns and gaps against the criteria."),
				"interview_focus": listOfStrings("Topics to probe in an interview."),
			},
		},
		"error_code":    schema.StringAttribute{Computed: true, MarkdownDescription: "Nova's error code when the job failed, such as `RESUME_FETCH_FAILED`; otherwise null."},
		"error_message": schema.StringAttribute{Computed: true, MarkdownDescription: "Nova's explanation when the job failed; otherwise null."},
		"queued_at":     timestamp("When the job was queued (RFC 3339). Every timestamp of a job is null, with a warning, when the API sent an empty or malformed value."),
		"started_at":    timestamp("When scoring started (RFC 3339); null until it starts."),
		"completed_at":  timestamp("When the job completed (RFC 3339); null unless it completed."),
		"failed_at":     timestamp("When the job failed (RFC 3339); null unless it failed."),
	}
}

// jobIDArgument and applicationIDArgument select the scoring jobs of one
// application: the single-job types' ids.
func jobIDArgument() schema.StringAttribute {
	return idAttribute("Your job identifier (external id).", false)
}

func applicationIDArgument() schema.StringAttribute {
	return idAttribute("Your application identifier (external id).", false)
}

// includeAssessmentsArgument is the switch of every type that keeps a
// scoring job's assessment.
func includeAssessmentsArgument() schema.BoolAttribute {
	return schema.BoolAttribute{
		Optional: true,
		MarkdownDescription: "Whether to keep the written `assessment`. Default `true`. Assessments are candidate personal data, which a data source stores in state and plans; " +
			"`false` leaves every `assessment` null, so the text never reaches state or plans. (The provider never logs assessment text, whatever this says.)",
	}
}

// readIncludeAssessments is include_assessments, true unless set to false.
func readIncludeAssessments(r *argumentReader) bool {
	var v types.Bool
	r.get("include_assessments", &v)
	return v.IsNull() || v.IsUnknown() || v.ValueBool()
}

// scoringJobObjectType is the type of an element of
// nova_scoring_batch.scoring_jobs: the attributes of the single-job data
// sources, as one object type.
func scoringJobObjectType() types.ObjectType { return objectType(scoringJobAttributes()) }

// scoringJobValues is the one mapping of a scoring job to state values,
// shared by every data source. assessmentType is the terraform type of the
// assessment attribute, taken from the schema.
func scoringJobValues(j *nova.ScoringJob, includeAssessment bool, assessmentType tftypes.Type) (map[string]tftypes.Value, error) {
	assessment := tftypes.NewValue(assessmentType, nil)
	if a := j.Assessment; a != nil && includeAssessment {
		var err error
		assessment, err = tfValue(assessmentType, map[string]tftypes.Value{
			"verdict":         tfStringPtr(a.Verdict),
			"strengths":       tfStringList(a.Strengths),
			"concerns":        tfStringList(a.Concerns),
			"interview_focus": tfStringList(a.InterviewFocus),
		})
		if err != nil {
			return nil, fmt.Errorf("assessment: %w", err)
		}
	}
	return map[string]tftypes.Value{
		"id":                  tfStringPtr(j.ID),
		"criteria_version_id": tfStringPtr(j.CriteriaVersionID),
		"job_id":              tfStringPtr(j.JobID),
		"application_id":      tfStringPtr(j.ApplicationID),
		"status":              tfString(string(j.Status)),
		"is_rescore":          tfBoolPtr(j.IsRescore),
		"score":               tfNumberPtr(j.Score),
		"assessment":          assessment,
		"error_code":          tfStringPtr(j.ErrorCode),
		"error_message":       tfStringPtr(j.ErrorMessage),
		"queued_at":           tfTime(j.QueuedAt),
		"started_at":          tfTime(j.StartedAt),
		"completed_at":        tfTime(j.CompletedAt),
		"failed_at":           tfTime(j.FailedAt),
	}, nil
}

// scoringJobResult is what the shared read needs to know about a read of
// one scoring job.
func scoringJobResult(r *nova.ScoringJobResult) readResult {
	j := r.ScoringJob
	return readResult{
		finished: j.Status.Finished(),
		summary:  "status " + string(j.Status),
		// No scoring job id: nova_application_score learns it from the
		// response, and logs carry no candidate data.
		fields:   map[string]any{"status": string(j.Status), "trace_id": r.TraceID},
		warnings: r.Warnings,
		unknown:  r.UnknownStatuses,
	}
}

// singleScoringJobValues is the state of the single-job types: the job's
// attributes, and trace_id.
func singleScoringJobValues(r *nova.ScoringJobResult, includeAssessment bool, schemaType tftypes.Object) (map[string]tftypes.Value, error) {
	assessmentType, err := attributeType(schemaType, "assessment")
	if err != nil {
		return nil, err
	}
	values, err := scoringJobValues(r.ScoringJob, includeAssessment, assessmentType)
	if err != nil {
		return nil, err
	}
	values["trace_id"] = tfNonEmpty(r.TraceID)
	return values, nil
}
