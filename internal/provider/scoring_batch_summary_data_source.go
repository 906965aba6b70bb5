package provider

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dweet/terraform-provider-nova/internal/nova"
)

// scoringBatchSummaryArgs are nova_scoring_batch_summary's own arguments.
type scoringBatchSummaryArgs struct {
	batchIDs
	// minGroupSize is k of the threshold rule (disclosure.go).
	minGroupSize int64
}

// newScoringBatchSummaryDataSource is the aggregate record of a batch: the
// batch's own attributes and statistics over its jobs, with nothing that
// names or scores one candidate. It reads a batch as nova_scoring_batch
// does (same ids, request, wait and status) and keeps less.
func newScoringBatchSummaryDataSource() datasource.DataSource {
	arguments := batchIDArguments()
	arguments["min_group_size"] = minGroupSizeArgument()
	return newDataSource(readSpec[scoringBatchSummaryArgs, *nova.BatchResult]{
		typeName: "_scoring_batch_summary",
		description: "Reads a Nova scoring batch like `nova_scoring_batch`, optionally waiting until it finishes, but keeps only an aggregate record: " +
			"the batch's status and counters, score statistics, the criteria versions, error codes and rejection reasons, with counts. " +
			"No application id, scoring job id, per-candidate score, assessment or error message reaches the plan or the state, " +
			"and the statistics follow the threshold rule of official statistics: every published value rests on at least `min_group_size` (default 5) distinct applications, " +
			"and only a finished batch has statistics. So the record can be kept for audit and read by everyone who reads the state. It gates as well: " +
			"`status == \"completed\"`, `coalesce(score_min, 0) >= 7`, and fresh criteria with `nova_criteria_version` and `unversioned_jobs == 0`.",
		kind:            "scoring batch",
		arguments:       arguments,
		computed:        scoringBatchSummaryAttributes,
		defaultInterval: defaultBatchPollInterval,
		anonymous:       true,
		notFound:        batchNotFound,
		args: func(ctx context.Context, config tfsdk.Config) (scoringBatchSummaryArgs, diag.Diagnostics) {
			r := newArgumentReader(ctx, config)
			a := scoringBatchSummaryArgs{batchIDs: readBatchIDs(r), minGroupSize: defaultMinGroupSize}
			var k types.Int64
			r.get("min_group_size", &k)
			if !k.IsNull() && !k.IsUnknown() {
				a.minGroupSize = k.ValueInt64()
			}
			return a, r.diags
		},
		subject: scoringBatchSummaryArgs.subject,
		fetch:   fetchBatch[scoringBatchSummaryArgs],
		result:  batchResult,
		state:   scoringBatchSummaryValues,
	})
}

// minGroupSizeArgument is k of the threshold rule, at least its default.
func minGroupSizeArgument() schema.Int64Attribute {
	return schema.Int64Attribute{
		Optional: true,
		MarkdownDescription: fmt.Sprintf("*k* of the threshold rule: the fewest distinct applications with a completed score that any published statistic rests on. "+
			"Default `%[1]d`; values below `%[1]d` are refused at plan time. "+
			"With fewer such applications, or before the batch has finished, `score_min`, `score_max`, `score_mean` and `score_counts` are all null, "+
			"and a gate that uses `coalesce(score_min, 0)` stays closed. Raise it for a stricter record; gate on every candidate's exact score with the ephemeral `nova_scoring_batch`, which keeps no record.", defaultMinGroupSize),
		Validators: []validator.Int64{int64validator.AtLeast(defaultMinGroupSize)},
	}
}

func scoringBatchSummaryAttributes() (map[string]schema.Attribute, error) {
	countMap := func(desc string) schema.MapAttribute {
		return schema.MapAttribute{Computed: true, ElementType: types.Int64Type, MarkdownDescription: desc}
	}
	const withheld = " Null before the batch has finished, and when fewer than `min_group_size` distinct applications have a completed score."
	attrs := batchAttributes()
	err := withAttributes(attrs, map[string]schema.Attribute{
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
	return attrs, err
}

// scoringBatchSummaryValues is the one mapping from a batch read to the
// aggregate record. Only counts and statistics leave this function: no value
// of it is one job's.
func scoringBatchSummaryValues(a scoringBatchSummaryArgs, r *nova.BatchResult, schemaType tftypes.Object) (map[string]tftypes.Value, error) {
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
		d := discloseScores(scores, max(a.minGroupSize, defaultMinGroupSize))
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
