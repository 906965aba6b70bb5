package provider

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dweet/terraform-provider-nova/internal/nova"
)

// defaultMinGroupSize is the fewest scored jobs the summary gives score
// statistics for. Below it, a minimum or a mean is close to one person's
// score; five is the smallest group that official statistics commonly
// publish a figure for.
const defaultMinGroupSize = 5

// noValue is the map key for a failed job without an error code, or a
// rejection without a reason.
const noValue = "(none)"

// newScoringBatchSummaryDataSource is the aggregate record of a batch: the
// batch's own attributes and statistics over its jobs, with nothing that
// names or scores one candidate. It is the batch data source's read (same
// arguments, request, wait and status) with a different mapping.
func newScoringBatchSummaryDataSource() datasource.DataSource {
	d := batchDataSource()
	d.typeName = "_scoring_batch_summary"
	d.description = "Reads a Nova scoring batch like `nova_scoring_batch`, optionally waiting until it finishes, but keeps only an aggregate record: " +
		"the batch's status and counters, score statistics, the criteria versions, error codes and rejection reasons, with counts. " +
		"No application id, scoring job id, per-candidate score, assessment or error message reaches the plan or the state, " +
		"so the record can be kept for audit and read by everyone who reads the state. It gates as well: " +
		"`status == \"completed\"`, `coalesce(score_min, 0) >= 7`, and fresh criteria with `nova_criteria_version`."
	d.defaultGroupSize = defaultMinGroupSize
	d.anonymousWarnings = true
	d.computed = scoringBatchSummaryAttributes
	d.state = scoringBatchSummaryValues
	return d
}

func minGroupSizeArgument(defaultSize int64) schema.Int64Attribute {
	return schema.Int64Attribute{
		Optional: true,
		MarkdownDescription: fmt.Sprintf("The fewest scored jobs for which `score_min`, `score_max`, `score_mean` and `score_counts` are given. Default `%d`; at least `1`. "+
			"With fewer jobs that have a score, all four are null: a minimum, maximum or mean over one or two candidates is their score, and the summary names no one's score. "+
			"Lower it only knowingly (`1` gives statistics for any batch); a gate that uses `coalesce(score_min, 0)` stays closed while they are null.", defaultSize),
		Validators: []validator.Int64{int64validator.AtLeast(1)},
	}
}

func scoringBatchSummaryAttributes() map[string]schema.Attribute {
	stat := func(what string) schema.Float64Attribute {
		return schema.Float64Attribute{Computed: true, MarkdownDescription: what + " over the jobs that have a score; null when fewer than `min_group_size` jobs have one."}
	}
	countMap := func(desc string) schema.MapAttribute {
		return schema.MapAttribute{Computed: true, ElementType: types.Int64Type, MarkdownDescription: desc}
	}
	attrs := batchAttributes()
	withAttributes(attrs, map[string]schema.Attribute{
		"score_min":  stat("The lowest score"),
		"score_max":  stat("The highest score"),
		"score_mean": stat("The mean score"),
		"score_counts": countMap("How many jobs have each score, keyed by the score as a string (`\"7\"`, `\"7.5\"`), over the jobs that have a score; " +
			"null when fewer than `min_group_size` jobs have one."),
		"criteria_version_ids": schema.ListAttribute{
			Computed: true, ElementType: types.StringType,
			MarkdownDescription: "The distinct criteria versions the batch's jobs were scored against, sorted; empty when Nova named none. " +
				"Compare them with `nova_criteria_version`'s `id` to tell whether the scores are stale: " +
				"`alltrue([for v in self.criteria_version_ids : v == data.nova_criteria_version.current.id])`.",
		},
		"rescored_jobs": schema.Int64Attribute{Computed: true, MarkdownDescription: "How many of the batch's jobs re-scored an application that had been scored before."},
		"error_codes": countMap("Failed jobs by Nova error code, such as `{ RESUME_FETCH_FAILED = 2 }`; `" + noValue + "` counts failed jobs without a code. " +
			"Empty when no job failed. The error messages, which may describe a candidate, are not kept."),
		"rejection_reasons": countMap("Applications refused at intake by Nova's reason code, such as `{ RESUME_CORRUPTED = 1 }`; `" + noValue + "` counts those without one. " +
			"Empty when none was refused."),
	})
	return attrs
}

// scoringBatchSummaryValues is the one mapping from a batch read to the
// aggregate record. Only counts and statistics leave this function: no value
// of it is one job's.
func scoringBatchSummaryValues(r *nova.BatchResult, m mapping, schemaType tftypes.Object) (map[string]tftypes.Value, error) {
	var errs []error
	typeOf := func(name string) tftypes.Type {
		t, err := attributeType(schemaType, name)
		errs = append(errs, err)
		return t
	}
	countsType, codesType, reasonsType := typeOf("score_counts"), typeOf("error_codes"), typeOf("rejection_reasons")
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}

	var scores []float64
	versions := []string{}
	codes := map[string]int64{}
	var rescored int64
	for i := range r.ScoringJobs {
		j := &r.ScoringJobs[i]
		if j.Status == nova.StatusCompleted && j.Score != nil {
			scores = append(scores, *j.Score)
		}
		if v := deref(j.CriteriaVersionID); v != "" {
			versions = append(versions, v)
		}
		if j.Status == nova.StatusFailed {
			codes[cmp.Or(deref(j.ErrorCode), noValue)]++
		}
		if j.IsRescore != nil && *j.IsRescore {
			rescored++
		}
	}
	slices.Sort(versions)
	versions = slices.Compact(versions)
	reasons := map[string]int64{}
	for _, ra := range r.RejectedApplications {
		reasons[cmp.Or(deref(ra.Error.Reason), noValue)]++
	}

	values := batchValues(r)
	values["score_min"], values["score_max"], values["score_mean"] = tfNull(tftypes.Number), tfNull(tftypes.Number), tfNull(tftypes.Number)
	values["score_counts"] = tfNull(countsType)
	if len(scores) > 0 && int64(len(scores)) >= m.minGroupSize {
		minScore, maxScore, sum := scores[0], scores[0], 0.0
		perScore := map[string]int64{}
		for _, s := range scores {
			minScore, maxScore, sum = min(minScore, s), max(maxScore, s), sum+s
			perScore[strconv.FormatFloat(s, 'f', -1, 64)]++
		}
		mean := sum / float64(len(scores))
		values["score_min"], values["score_max"], values["score_mean"] = tfNumber(minScore), tfNumber(maxScore), tfNumber(mean)
		var err error
		if values["score_counts"], err = tfValue(countsType, tfCounts(perScore)); err != nil {
			return nil, fmt.Errorf("score_counts: %w", err)
		}
	}
	var err error
	values["criteria_version_ids"] = tfStringList(versions)
	if values["error_codes"], err = tfValue(codesType, tfCounts(codes)); err != nil {
		return nil, fmt.Errorf("error_codes: %w", err)
	}
	if values["rejection_reasons"], err = tfValue(reasonsType, tfCounts(reasons)); err != nil {
		return nil, fmt.Errorf("rejection_reasons: %w", err)
	}
	values["rescored_jobs"] = tfInt(rescored)
	return values, nil
}

func tfNull(t tftypes.Type) tftypes.Value { return tftypes.NewValue(t, nil) }

func tfCounts(counts map[string]int64) map[string]tftypes.Value {
	out := make(map[string]tftypes.Value, len(counts))
	for k, n := range counts {
		out[k] = tfInt(n)
	}
	return out
}
