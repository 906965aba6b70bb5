package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dweet/terraform-provider-nova/internal/nova"
)

// scoringBatchArgs are nova_scoring_batch's own arguments.
type scoringBatchArgs struct {
	batchIDs
	includeAssessments bool
}

func newScoringBatchDataSource() datasource.DataSource { return newDataSource(scoringBatchSpec()) }

// scoringBatchSpec is the full record of a batch: every candidate's scoring
// job, rejection and score. The ephemeral nova_scoring_batch reads the same.
func scoringBatchSpec() readSpec[scoringBatchArgs, *nova.BatchResult] {
	arguments := batchIDArguments()
	arguments["include_assessments"] = includeAssessmentsArgument()
	return readSpec[scoringBatchArgs, *nova.BatchResult]{
		typeName: "_scoring_batch",
		description: "Reads a Nova scoring batch and all of its scoring jobs, optionally waiting until the batch finishes. " +
			"Use it to gate a pipeline on candidate scoring and to keep the scores in the plan as an audit record: the full record, " +
			"with every candidate's application id and score (and assessment, unless `include_assessments = false`) in the plan and the state. " +
			"`nova_scoring_batch_summary` keeps an aggregate record without them, and the ephemeral `nova_scoring_batch` keeps none.",
		kind:            "scoring batch",
		arguments:       arguments,
		computed:        scoringBatchAttributes,
		defaultInterval: defaultBatchPollInterval,
		notFound:        batchNotFound,
		args: func(ctx context.Context, config tfsdk.Config) (scoringBatchArgs, diag.Diagnostics) {
			r := newArgumentReader(ctx, config)
			a := scoringBatchArgs{batchIDs: readBatchIDs(r), includeAssessments: readIncludeAssessments(r)}
			return a, r.diags
		},
		subject: scoringBatchArgs.subject,
		fetch:   fetchBatch[scoringBatchArgs],
		result:  batchResult,
		state:   scoringBatchValues,
	}
}

// scoringBatchAttributes are the full record's: the batch's, and every
// candidate's scoring job, rejection and score.
func scoringBatchAttributes() (map[string]schema.Attribute, error) {
	attrs := batchAttributes()
	err := withAttributes(attrs, map[string]schema.Attribute{
		// One attribute holding a list of objects, not nested attributes:
		// the framework walks nested attributes' schema for every value it
		// sends (BENCHMARKS.md, "Large batches"). Terraform sees the same type and
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
	return attrs, err
}

// scoringBatchValues is the one mapping from a batch read to state.
func scoringBatchValues(a scoringBatchArgs, r *nova.BatchResult, schemaType tftypes.Object) (map[string]tftypes.Value, error) {
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
		values, err := scoringJobValues(j, a.includeAssessments, assessmentType)
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
