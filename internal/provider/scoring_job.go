package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dweet/terraform-provider-nova/internal/nova"
)

// The attribute types of a scoring job, built once: every batch read maps up
// to a thousand jobs with them.
var (
	stringList = types.ListType{ElemType: types.StringType}

	assessmentAttrTypes = map[string]attr.Type{
		"verdict":         types.StringType,
		"strengths":       stringList,
		"concerns":        stringList,
		"interview_focus": stringList,
	}

	scoringJobAttrTypes = map[string]attr.Type{
		"id":                  types.StringType,
		"criteria_version_id": types.StringType,
		"job_id":              types.StringType,
		"application_id":      types.StringType,
		"status":              types.StringType,
		"is_rescore":          types.BoolType,
		"score":               types.Float64Type,
		"assessment":          types.ObjectType{AttrTypes: assessmentAttrTypes},
		"error_code":          types.StringType,
		"error_message":       types.StringType,
		"queued_at":           timetypes.RFC3339Type{},
		"started_at":          timetypes.RFC3339Type{},
		"completed_at":        timetypes.RFC3339Type{},
		"failed_at":           timetypes.RFC3339Type{},
	}

	scoringJobObjectType = types.ObjectType{AttrTypes: scoringJobAttrTypes}
)

// scoringJobAttributes is the one schema of a scoring job: the elements of
// nova_scoring_batch.scoring_jobs, and the top-level attributes of the
// single-job data sources. Everything is computed; callers that take some of
// these names as arguments replace those entries.
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
			"Without a status from the API, a job with a failure time or error code is `failed`, one with a completion time or score is `completed`, any other is `pending`."},
		"is_rescore": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether this job re-scored an application that had been scored before."},
		"score":      schema.Float64Attribute{Computed: true, MarkdownDescription: "The score, from 1 (missing fundamentals) to 10 (exceptional); null until the job completes."},
		"assessment": schema.SingleNestedAttribute{
			Computed: true,
			MarkdownDescription: "The model's written assessment of the candidate; null until the job completes, and always null when `include_assessments` is `false`. " +
				"This is candidate personal data and is stored in state.",
			Attributes: map[string]schema.Attribute{
				"verdict":         schema.StringAttribute{Computed: true, MarkdownDescription: "A two to three sentence summary with a hiring recommendation."},
				"strengths":       listOfStrings("Strengths found against the criteria."),
				"concerns":        listOfStrings("Concerns and gaps against the criteria."),
				"interview_focus": listOfStrings("Topics to probe in an interview."),
			},
		},
		"error_code":    schema.StringAttribute{Computed: true, MarkdownDescription: "Nova's error code when the job failed, such as `RESUME_FETCH_FAILED`; otherwise null."},
		"error_message": schema.StringAttribute{Computed: true, MarkdownDescription: "Nova's explanation when the job failed; otherwise null."},
		"queued_at":     timestamp("When the job was queued (RFC 3339)."),
		"started_at":    timestamp("When scoring started (RFC 3339); null until it starts."),
		"completed_at":  timestamp("When the job completed (RFC 3339); null unless it completed."),
		"failed_at":     timestamp("When the job failed (RFC 3339); null unless it failed."),
	}
}

// scoringJobValues maps one scoring job to attribute values. It is the only
// mapping of a scoring job, shared by every data source.
func scoringJobValues(j *nova.ScoringJob, includeAssessment bool) map[string]attr.Value {
	assessment := types.ObjectNull(assessmentAttrTypes)
	if a := j.Assessment; a != nil && includeAssessment {
		assessment = types.ObjectValueMust(assessmentAttrTypes, map[string]attr.Value{
			"verdict":         types.StringPointerValue(a.Verdict),
			"strengths":       stringListValue(a.Strengths),
			"concerns":        stringListValue(a.Concerns),
			"interview_focus": stringListValue(a.InterviewFocus),
		})
	}
	return map[string]attr.Value{
		"id":                  types.StringPointerValue(j.ID),
		"criteria_version_id": types.StringPointerValue(j.CriteriaVersionID),
		"job_id":              types.StringPointerValue(j.JobID),
		"application_id":      types.StringPointerValue(j.ApplicationID),
		"status":              types.StringValue(string(j.Status)),
		"is_rescore":          types.BoolPointerValue(j.IsRescore),
		"score":               types.Float64PointerValue(j.Score),
		"assessment":          assessment,
		"error_code":          types.StringPointerValue(j.ErrorCode),
		"error_message":       types.StringPointerValue(j.ErrorMessage),
		"queued_at":           timetypes.NewRFC3339TimePointerValue(j.QueuedAt),
		"started_at":          timetypes.NewRFC3339TimePointerValue(j.StartedAt),
		"completed_at":        timetypes.NewRFC3339TimePointerValue(j.CompletedAt),
		"failed_at":           timetypes.NewRFC3339TimePointerValue(j.FailedAt),
	}
}

func stringListValue(items []string) types.List {
	elems := make([]attr.Value, len(items))
	for i, s := range items {
		elems[i] = types.StringValue(s)
	}
	return types.ListValueMust(types.StringType, elems)
}
