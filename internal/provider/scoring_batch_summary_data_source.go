package provider

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dweet/terraform-provider-nova/internal/nova"
)

// defaultMinGroupSize is k of the threshold rule the summary follows (see
// discloseScores): every published statistic rests on at least this many
// distinct applications. Five is the smallest group official statistics
// commonly publish a figure for, so it is also the floor.
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
		"and the statistics follow the threshold rule of official statistics: every published value rests on at least `min_group_size` (default 5) distinct applications, " +
		"and only a finished batch has statistics. So the record can be kept for audit and read by everyone who reads the state. It gates as well: " +
		"`status == \"completed\"`, `coalesce(score_min, 0) >= 7`, and fresh criteria with `nova_criteria_version` and `unversioned_jobs == 0`."
	d.defaultGroupSize = defaultMinGroupSize
	d.anonymousWarnings = true
	d.computed = scoringBatchSummaryAttributes
	d.state = scoringBatchSummaryValues
	return d
}

func minGroupSizeArgument(defaultSize int64) schema.Int64Attribute {
	return schema.Int64Attribute{
		Optional: true,
		MarkdownDescription: fmt.Sprintf("*k* of the threshold rule: the fewest distinct applications with a completed score that any published statistic rests on. "+
			"Default `%[1]d`; values below `%[1]d` are refused at plan time. "+
			"With fewer such applications, or before the batch has finished, `score_min`, `score_max`, `score_mean` and `score_counts` are all null, "+
			"and a gate that uses `coalesce(score_min, 0)` stays closed. Raise it for a stricter record; gate on every candidate's exact score with the ephemeral `nova_scoring_batch`, which keeps no record.", defaultSize),
		Validators: []validator.Int64{int64validator.AtLeast(defaultSize)},
	}
}

func scoringBatchSummaryAttributes() map[string]schema.Attribute {
	countMap := func(desc string) schema.MapAttribute {
		return schema.MapAttribute{Computed: true, ElementType: types.Int64Type, MarkdownDescription: desc}
	}
	const withheld = " Null before the batch has finished, and when fewer than `min_group_size` distinct applications have a completed score."
	attrs := batchAttributes()
	withAttributes(attrs, map[string]schema.Attribute{
		"score_min": schema.Float64Attribute{Computed: true, MarkdownDescription: "The lower bound of the score band that holds the lowest score (`1`, `3`, `5`, `7` or `9`), never a candidate's exact score; " +
			"`score_min >= 7` holds exactly when every scored application scored 7 or more. Null when that band holds fewer than `min_group_size` applications." + withheld},
		"score_max": schema.Float64Attribute{Computed: true, MarkdownDescription: "The upper bound of the score band that holds the highest score (`2`, `4`, `6`, `8` or `10`), never a candidate's exact score. " +
			"Null when that band holds fewer than `min_group_size` applications." + withheld},
		"score_mean": schema.Float64Attribute{Computed: true, MarkdownDescription: "The mean score over the distinct applications with a completed score (an application listed more than once counts once, with its lowest score), rounded to one decimal." + withheld},
		"score_counts": countMap("How many distinct applications have a score in each of Nova's score bands, keyed `\"1-2\"`, `\"3-4\"`, `\"5-6\"`, `\"7-8\"` and `\"9-10\"`. " +
			"A score belongs to the band of its whole part (6.5 is in `5-6`; 10 is in `9-10`). A band with 1 to `min_group_size - 1` applications is left out (suppressed), " +
			"and when exactly one band is left out so, the smallest other band with applications is left out too, so that the first cannot be worked out from the total; " +
			"a band with none is `0`. So a missing key means \"not published\", never \"none\": look bands up with `lookup(self.score_counts, \"1-2\", null)`." + withheld),
		"criteria_version_ids": schema.ListAttribute{
			Computed: true, ElementType: types.StringType,
			MarkdownDescription: "The distinct criteria versions the batch's jobs name, sorted; empty when Nova named none. " +
				"Jobs that name none are not listed here: they are counted in `unversioned_jobs`. The batch is fresh when `unversioned_jobs == 0`, the list is not empty, " +
				"and every entry equals `nova_criteria_version`'s `id`: " +
				"`self.unversioned_jobs == 0 && length(self.criteria_version_ids) > 0 && alltrue([for v in self.criteria_version_ids : v == data.nova_criteria_version.current.id])`.",
		},
		"unversioned_jobs": schema.Int64Attribute{Computed: true, MarkdownDescription: "How many of the batch's listed scoring jobs name no criteria version (null or blank `criteriaVersionId`). " +
			"Nothing shows that such a job was scored against the current criteria, so every freshness gate must require `unversioned_jobs == 0`."},
		"rescored_jobs": schema.Int64Attribute{Computed: true, MarkdownDescription: "How many of the batch's jobs re-scored an application that had been scored before."},
		"error_codes": countMap("Failed jobs by Nova error code, such as `{ RESUME_FETCH_FAILED = 2 }`; `" + noValue + "` counts failed jobs without a code. " +
			"Empty when no job failed. The error messages, which may describe a candidate, are not kept. Codes are kept at any count: they say what went wrong in processing, not how a candidate was judged."),
		"rejection_reasons": countMap("Applications refused at intake by Nova's reason code, such as `{ RESUME_CORRUPTED = 1 }`; `" + noValue + "` counts those without one. " +
			"Empty when none was refused. Kept at any count, like `error_codes`: a reason describes a file or a submission, not a candidate's merit."),
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

	versions := []string{}
	codes := map[string]int64{}
	var rescored, unversioned int64
	for i := range r.ScoringJobs {
		j := &r.ScoringJobs[i]
		if v := deref(j.CriteriaVersionID); strings.TrimSpace(v) != "" {
			versions = append(versions, v)
		} else {
			unversioned++
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
	if scores, ok := applicationScores(r); ok {
		d := discloseScores(scores, max(m.minGroupSize, defaultMinGroupSize))
		values["score_min"], values["score_max"], values["score_mean"] = tfNumberPtr(d.min), tfNumberPtr(d.max), tfNumberPtr(d.mean)
		if d.counts != nil {
			var err error
			if values["score_counts"], err = tfValue(countsType, tfCounts(d.counts)); err != nil {
				return nil, fmt.Errorf("score_counts: %w", err)
			}
		}
	}
	var err error
	values["criteria_version_ids"] = tfStringList(versions)
	values["unversioned_jobs"] = tfInt(unversioned)
	if values["error_codes"], err = tfValue(codesType, tfCounts(codes)); err != nil {
		return nil, fmt.Errorf("error_codes: %w", err)
	}
	if values["rejection_reasons"], err = tfValue(reasonsType, tfCounts(reasons)); err != nil {
		return nil, fmt.Errorf("rejection_reasons: %w", err)
	}
	values["rescored_jobs"] = tfInt(rescored)
	return values, nil
}

// applicationScores are the scores the statistics may rest on, one per
// distinct application (its lowest, as in nova_scoring_batch's scores), and
// whether statistics may be given at all. They may not before the batch has
// finished: a running batch read twice would give away the newest
// candidate's score as the difference of two sums. Nor when a completed job
// names no application, which could then be counted as nobody or twice, or
// when a score lies outside Nova's scale: both are doubt, and doubt withholds.
func applicationScores(r *nova.BatchResult) ([]float64, bool) {
	if r.Batch == nil || !r.Batch.Status.Finished() {
		return nil, false
	}
	for i := range r.ScoringJobs {
		if j := &r.ScoringJobs[i]; j.Status == nova.StatusCompleted && strings.TrimSpace(deref(j.ApplicationID)) == "" {
			return nil, false
		}
	}
	scores := make([]float64, 0, len(r.Scores))
	for _, s := range r.Scores {
		if s < nova.MinScore || s > nova.MaxScore || math.IsNaN(s) {
			return nil, false
		}
		scores = append(scores, s)
	}
	return scores, true
}

// scoreBands are Nova's documented score bands (GEN-D), lowest first: 1-2
// missing fundamentals, 3-4 significant gaps, 5-6 mixed, 7-8 strong fit,
// 9-10 exceptional.
var scoreBands = [...]struct{ low, high int }{{1, 2}, {3, 4}, {5, 6}, {7, 8}, {9, 10}}

// bandOf is the index in scoreBands of the band that holds score: the band
// of its whole part, so 6.5 is in 5-6 and 10 in 9-10. Scores are in
// [MinScore, MaxScore] (applicationScores); the clamp keeps the index valid
// whatever comes in.
func bandOf(score float64) int {
	whole := int(math.Floor(score))
	return min(max((whole-scoreBands[0].low)/2, 0), len(scoreBands)-1)
}

func bandKey(i int) string { return fmt.Sprintf("%d-%d", scoreBands[i].low, scoreBands[i].high) }

// disclosure is what the summary publishes about the scores; nil is null.
type disclosure struct {
	min, max, mean *float64
	counts         map[string]int64
}

// discloseScores applies the threshold rule of official statistics to the
// scores of distinct applications: every published value rests on at least
// k of them.
//   - Fewer than k scores: nothing is published.
//   - score_counts by band: a band with 1..k-1 applications is suppressed
//     (primary suppression). When exactly one band is suppressed so, its
//     count would be the total minus the published bands, so the smallest
//     other band with applications is suppressed too (secondary
//     suppression). Empty bands are published as 0: a missing band then
//     always means "suppressed", which a gate cannot mistake for none.
//   - The minimum and maximum are coded to the bounds of their bands (the
//     lower bound for the minimum, the upper for the maximum), and are null
//     when their band holds fewer than k applications.
//   - The mean is rounded to one decimal.
func discloseScores(scores []float64, k int64) disclosure {
	if int64(len(scores)) < k || len(scores) == 0 {
		return disclosure{}
	}
	var cells [len(scoreBands)]int64
	lowest, highest, sum := scores[0], scores[0], 0.0
	for _, s := range scores {
		cells[bandOf(s)]++
		lowest, highest, sum = min(lowest, s), max(highest, s), sum+s
	}
	var suppressed [len(scoreBands)]bool
	primary := 0
	for i, n := range cells {
		if n > 0 && n < k {
			suppressed[i] = true
			primary++
		}
	}
	if primary == 1 {
		second := -1
		for i, n := range cells {
			if !suppressed[i] && n > 0 && (second < 0 || n < cells[second]) {
				second = i
			}
		}
		if second >= 0 {
			suppressed[second] = true
		}
	}
	d := disclosure{counts: map[string]int64{}}
	for i, n := range cells {
		if !suppressed[i] {
			d.counts[bandKey(i)] = n
		}
	}
	if b := bandOf(lowest); cells[b] >= k {
		v := float64(scoreBands[b].low)
		d.min = &v
	}
	if b := bandOf(highest); cells[b] >= k {
		v := float64(scoreBands[b].high)
		d.max = &v
	}
	mean := math.Round(sum/float64(len(scores))*10) / 10
	d.mean = &mean
	return d
}

func tfNull(t tftypes.Type) tftypes.Value { return tftypes.NewValue(t, nil) }

func tfCounts(counts map[string]int64) map[string]tftypes.Value {
	out := make(map[string]tftypes.Value, len(counts))
	for k, n := range counts {
		out[k] = tfInt(n)
	}
	return out
}
