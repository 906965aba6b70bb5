package provider

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dweet/terraform-provider-nova/internal/nova"
)

// absent leaves an attribute out of a test batch.
type absent struct{}

// toTF turns a Go value into a terraform-plugin-go value the way HCL types
// a literal: maps are objects, slices tuples, nil an untyped null.
func toTF(t *testing.T, v any) tftypes.Value {
	t.Helper()
	switch v := v.(type) {
	case nil:
		return tftypes.NewValue(tftypes.DynamicPseudoType, nil)
	case tftypes.Value:
		return v
	case string:
		return tftypes.NewValue(tftypes.String, v)
	case bool:
		return tftypes.NewValue(tftypes.Bool, v)
	case int:
		return tftypes.NewValue(tftypes.Number, int64(v))
	case float64:
		return tftypes.NewValue(tftypes.Number, v)
	case map[string]any:
		types, vals := map[string]tftypes.Type{}, map[string]tftypes.Value{}
		for k, e := range v {
			if _, skip := e.(absent); skip {
				continue
			}
			vals[k] = toTF(t, e)
			types[k] = vals[k].Type()
		}
		return tftypes.NewValue(tftypes.Object{AttributeTypes: types}, vals)
	case []map[string]any:
		elems := make([]any, len(v))
		for i := range v {
			elems[i] = v[i]
		}
		return toTF(t, elems)
	case []any:
		var types []tftypes.Type
		var vals []tftypes.Value
		for _, e := range v {
			vals = append(vals, toTF(t, e))
			types = append(types, vals[len(vals)-1].Type())
		}
		return tftypes.NewValue(tftypes.Tuple{ElementTypes: types}, vals)
	case []string:
		elems := make([]any, len(v))
		for i := range v {
			elems[i] = v[i]
		}
		return toTF(t, elems)
	default:
		t.Fatalf("toTF: %T", v)
		return tftypes.Value{}
	}
}

// gateTestBatch is a completed full batch of two jobs scored 8 and 7.5
// against cv-1, with the given attributes replaced.
func gateTestBatch(t *testing.T, with map[string]any) tftypes.Value {
	t.Helper()
	b := map[string]any{
		"id": "b-1", "status": "completed", "finished": true, "total_jobs": 2, "completed_jobs": 2, "failed_jobs": 0, "pending_jobs": 0,
		"created_at": "2026-01-05T09:00:00Z", "completed_at": "2026-01-05T09:04:00Z",
		"scores": map[string]any{"app-001": 8.0, "app-002": 7.5},
		"scoring_jobs": []map[string]any{
			{"id": "sj-001", "application_id": "app-001", "status": "completed", "score": 8.0, "criteria_version_id": "cv-1", "error_code": nil},
			{"id": "sj-002", "application_id": "app-002", "status": "completed", "score": 7.5, "criteria_version_id": "cv-1", "error_code": nil},
		},
	}
	for k, v := range with {
		b[k] = v
	}
	return toTF(t, b)
}

// gateTestSummary is a completed summary of a batch of six jobs, with
// statistics, all scored against cv-1.
func gateTestSummary(t *testing.T, with map[string]any) tftypes.Value {
	t.Helper()
	b := map[string]any{
		"id": "b-2", "status": "completed", "finished": true, "total_jobs": 6, "completed_jobs": 6, "failed_jobs": 0, "pending_jobs": 0,
		"created_at": "2026-01-05T09:00:00Z", "completed_at": "2026-01-05T09:04:00Z",
		"score_min": 7.0, "score_max": 9.0, "score_mean": 8.1, "score_counts": map[string]any{"7": 3, "9": 3},
		"criteria_version_ids": []string{"cv-1"}, "unversioned_jobs": 0, "error_codes": map[string]any{}, "rescored_jobs": 0,
	}
	for k, v := range with {
		b[k] = v
	}
	return toTF(t, b)
}

func mustPolicy(t *testing.T, p map[string]any) gatePolicy {
	t.Helper()
	got, err := parseGatePolicy(toTF(t, p))
	if err != nil {
		t.Fatalf("policy %v: %v", p, err)
	}
	return got
}

const candidateMark = "app-" // every test application id starts so; scoring job ids with sj-

func TestGateDecisions(t *testing.T) {
	fresh := map[string]any{"min_score": 7, "criteria_version_id": "cv-1"}
	for _, c := range []struct {
		name   string
		batch  tftypes.Value
		policy map[string]any
		want   string // the first reason; empty: passes
	}{
		{"completed", gateTestBatch(t, nil), map[string]any{}, ""},
		{"completed, fresh, above the bar", gateTestBatch(t, nil), fresh, ""},
		{"failed", gateTestBatch(t, map[string]any{"status": "failed", "failed_jobs": 1, "scoring_jobs": []map[string]any{
			{"status": "completed", "score": 8.0, "criteria_version_id": "cv-1"}, {"status": "failed", "error_code": "RESUME_FETCH_FAILED", "criteria_version_id": "cv-1"},
		}}), map[string]any{}, "Scoring batch b-1 has 1 failed job, more than the 0 allowed (by error code: RESUME_FETCH_FAILED: 1)."},
		{"failed within max_failed_jobs", gateTestBatch(t, map[string]any{"status": "failed", "failed_jobs": 1}), map[string]any{"max_failed_jobs": 1}, ""},
		{"failed within max_failed_jobs, not finished", gateTestBatch(t, map[string]any{"status": "failed", "failed_jobs": 1, "finished": false}), map[string]any{"max_failed_jobs": 1}, "Scoring batch b-1 has status failed but does not say it finished."},
		{"failed without a failed job", gateTestBatch(t, map[string]any{"status": "failed"}), map[string]any{"max_failed_jobs": 3}, "Scoring batch b-1 is failed but counts no failed job."},
		{"pending", gateTestBatch(t, map[string]any{"status": "pending", "finished": false, "pending_jobs": 1}), map[string]any{}, "Scoring batch b-1 is not finished (status pending, 1 of 2 jobs pending)"},
		{"pending, max_failed_jobs", gateTestBatch(t, map[string]any{"status": "pending", "finished": false}), map[string]any{"max_failed_jobs": 100}, "is not finished"},
		{"status null", gateTestBatch(t, map[string]any{"status": nil}), map[string]any{}, "Scoring batch b-1 has no status"},
		{"status absent", gateTestBatch(t, map[string]any{"status": absent{}}), map[string]any{}, "has no status"},
		{"status not a string", gateTestBatch(t, map[string]any{"status": true}), map[string]any{}, "has no status"},
		{"status in another spelling", gateTestBatch(t, map[string]any{"status": "COMPLETED"}), map[string]any{}, `has status "COMPLETED", which is not completed or failed`},
		{"finished null", gateTestBatch(t, map[string]any{"finished": nil}), map[string]any{}, "has status completed but does not say it finished"},
		{"failed_jobs absent", gateTestBatch(t, map[string]any{"failed_jobs": absent{}}), map[string]any{}, "does not say how many jobs failed"},
		{"failed_jobs a string", gateTestBatch(t, map[string]any{"failed_jobs": "0"}), map[string]any{}, "does not say how many jobs failed"},
		{"low score", gateTestBatch(t, map[string]any{"scores": map[string]any{"app-001": 8.0, "app-002": 4.0}}), fresh, "Scoring batch b-1 has 1 of 2 scored applications below the minimum score 7."},
		{"low score in the jobs only", gateTestBatch(t, map[string]any{"scoring_jobs": []map[string]any{{"status": "completed", "score": 4.0, "criteria_version_id": "cv-1"}}}), fresh, "below the minimum score 7"},
		{"scores null", gateTestBatch(t, map[string]any{"scores": nil}), fresh, "has no readable scores"},
		{"no scores", gateTestBatch(t, map[string]any{"scores": map[string]any{}, "scoring_jobs": []map[string]any{{"status": "failed", "criteria_version_id": "cv-1"}}}), map[string]any{"min_score": 7}, "has no scored application to compare with the minimum score 7"},
		{"completed job without a score", gateTestBatch(t, map[string]any{"scoring_jobs": []map[string]any{{"status": "completed", "score": nil, "criteria_version_id": "cv-1"}}}), fresh, "has 1 completed job without a score"},
		{"stale criteria", gateTestBatch(t, nil), map[string]any{"criteria_version_id": "cv-2"}, "Scoring batch b-1 has 2 jobs scored against criteria cv-1, not the current cv-2: re-score it before deploying."},
		{"unversioned criteria", gateTestBatch(t, map[string]any{"scoring_jobs": []map[string]any{
			{"status": "completed", "score": 8.0, "criteria_version_id": "cv-1"}, {"status": "completed", "score": 8.0, "criteria_version_id": nil},
			{"status": "completed", "score": 8.0, "criteria_version_id": ""}, {"status": "completed", "score": 8.0, "criteria_version_id": absent{}},
		}}), fresh, "Scoring batch b-1 has 3 jobs naming no criteria version, which cannot be shown to be scored against criteria cv-1."},
		{"stale and unversioned", gateTestBatch(t, map[string]any{"scoring_jobs": []map[string]any{
			{"status": "completed", "score": 8.0, "criteria_version_id": "cv-0"}, {"status": "completed", "score": 8.0, "criteria_version_id": nil},
		}}), fresh, "has 1 job naming no criteria version"},
		{"no jobs listed", gateTestBatch(t, map[string]any{"scoring_jobs": []map[string]any{}}), map[string]any{"criteria_version_id": "cv-1"}, "lists no scoring jobs"},
		{"jobs null", gateTestBatch(t, map[string]any{"scoring_jobs": nil}), map[string]any{"criteria_version_id": "cv-1"}, "does not say which criteria versions"},
		{"too old", gateTestBatch(t, nil), map[string]any{"max_age": "24h", "now": "2026-01-07T09:00:00Z"}, "Scoring batch b-1 was created at 2026-01-05T09:00:00Z, more than 24h before now (2026-01-07T09:00:00Z)."},
		{"young enough", gateTestBatch(t, nil), map[string]any{"max_age": "72h", "now": "2026-01-07T09:00:00Z"}, ""},
		{"created_at malformed", gateTestBatch(t, map[string]any{"created_at": "yesterday"}), map[string]any{"max_age": "72h", "now": "2026-01-07T09:00:00Z"}, "has no usable created_at"},
		{"summary", gateTestSummary(t, nil), fresh, ""},
		{"summary, statistics withheld", gateTestSummary(t, map[string]any{"score_min": nil}), fresh, "Scoring batch b-2 has its score statistics withheld"},
		{"summary, low band", gateTestSummary(t, map[string]any{"score_min": 5.0}), fresh, "Scoring batch b-2's lowest score band is below the minimum score 7."},
		{"summary, unversioned jobs", gateTestSummary(t, map[string]any{"unversioned_jobs": 4}), fresh, "Scoring batch b-2 has 4 jobs naming no criteria version"},
		{"summary without unversioned_jobs", gateTestSummary(t, map[string]any{"unversioned_jobs": absent{}}), fresh, "does not say how many of its jobs name no criteria version"},
		{"summary without unversioned_jobs, no criteria policy", gateTestSummary(t, map[string]any{"unversioned_jobs": absent{}}), map[string]any{"min_score": 7}, ""},
		{"summary, stale", gateTestSummary(t, map[string]any{"criteria_version_ids": []string{"cv-0", "cv-1"}}), fresh, "Scoring batch b-2 was scored against criteria cv-0, not the current cv-1"},
		{"summary, no versions", gateTestSummary(t, map[string]any{"criteria_version_ids": []string{}}), fresh, "names no criteria version"},
		{"summary, failed by code", gateTestSummary(t, map[string]any{"status": "failed", "failed_jobs": 2, "error_codes": map[string]any{"TIMEOUT": 2}}), map[string]any{}, "has 2 failed jobs, more than the 0 allowed (by error code: TIMEOUT: 2)"},
		{"not a batch", toTF(t, map[string]any{"id": "cv-1", "version": 2}), map[string]any{}, "Scoring batch cv-1 is not a nova_scoring_batch or nova_scoring_batch_summary object"},
		{"a string", toTF(t, "b-1"), map[string]any{}, "The scoring batch is not a nova_scoring_batch"},
	} {
		t.Run(c.name, func(t *testing.T) {
			reasons := evaluateGate(gateBatchFromValue(c.batch), mustPolicy(t, c.policy))
			if c.want == "" {
				if len(reasons) > 0 {
					t.Fatalf("does not pass: %q", reasons)
				}
				return
			}
			if len(reasons) == 0 {
				t.Fatalf("passes, want %q", c.want)
			}
			if !strings.Contains(reasons[0], c.want) {
				t.Errorf("first reason %q, want %q (all: %q)", reasons[0], c.want, reasons)
			}
			for _, r := range reasons {
				if strings.Contains(r, candidateMark) || strings.Contains(r, "sj-") {
					t.Errorf("a reason names a candidate: %q", r)
				}
			}
		})
	}
}

func TestGatePolicyErrors(t *testing.T) {
	for _, c := range []struct {
		policy any
		want   string
	}{
		{map[string]any{"min_scor": 7}, `unknown key "min_scor"; the keys are min_score, max_failed_jobs, criteria_version_id, max_age, now`},
		{map[string]any{"min_score": 7, "MaxAge": "1h", "zz": 1}, `unknown key "MaxAge", "zz"`},
		{nil, "the policy is null"},
		{"min_score=7", "must be an object"},
		{map[string]any{"min_score": nil}, "policy key min_score is null"},
		{map[string]any{"min_score": "7"}, "min_score must be a number, not a string"},
		{map[string]any{"max_failed_jobs": -1}, "max_failed_jobs must be a whole number"},
		{map[string]any{"max_failed_jobs": 1.5}, "max_failed_jobs must be a whole number"},
		{map[string]any{"criteria_version_id": ""}, "criteria_version_id must be a non-empty string"},
		{map[string]any{"max_age": "24h"}, "max_age needs now"},
		{map[string]any{"now": "2026-01-01T00:00:00Z"}, "now is only used with max_age"},
		{map[string]any{"max_age": "1d", "now": "2026-01-01T00:00:00Z"}, "max_age must be a positive Go duration"},
		{map[string]any{"max_age": "1h", "now": "today"}, "now must be an RFC 3339 timestamp"},
	} {
		_, err := parseGatePolicy(toTF(t, c.policy))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("policy %v: error %v, want %q", c.policy, err, c.want)
		}
	}
}

// scoringBatchObject is a batch answer as the nova_scoring_batch data
// source holds it: decoded, decided and mapped by the provider's own code.
func scoringBatchObject(t *testing.T, r *nova.BatchResult) tftypes.Value {
	t.Helper()
	var ds datasource.SchemaResponse
	spec := scoringBatchSpec()
	newDataSource(spec).Schema(t.Context(), datasource.SchemaRequest{}, &ds)
	typ, ok := ds.Schema.Type().TerraformType(t.Context()).(tftypes.Object)
	if !ok {
		t.Fatal("schema type is not an object")
	}
	vals, err := spec.state(scoringBatchArgs{includeAssessments: false}, r, typ)
	if err != nil {
		t.Fatal(err)
	}
	for name, at := range typ.AttributeTypes {
		if _, ok := vals[name]; !ok {
			vals[name] = tftypes.NewValue(at, nil)
		}
	}
	return tftypes.NewValue(typ, vals)
}

// randomBatchAnswer is a batch-status body built from pieces every API
// doc version uses, and pieces none does, in random combinations.
func randomBatchAnswer(rng *rand.Rand) []byte {
	pick := func(xs ...any) any { return xs[rng.IntN(len(xs))] }
	if rng.IntN(3) == 0 {
		return cleanBatchAnswer(rng, pick)
	}
	jobs := []map[string]any{}
	for i := range rng.IntN(5) {
		j := map[string]any{"id": fmt.Sprintf("sj-%d", i), "applicationId": fmt.Sprintf("app-%d", i)}
		for k, v := range map[string]any{
			"status":            pick("completed", "COMPLETED", "failed", "pending", "PROCESSING", "done", nil, ""),
			"score":             pick(8, 4, 9.5, nil, -1, 11),
			"criteriaVersionId": pick("cv-1", "cv-0", nil),
			"errorCode":         pick(nil, "RESUME_FETCH_FAILED", ""),
			"completedAt":       pick("2026-01-05T09:04:00Z", nil, "soon"),
			"failedAt":          pick(nil, nil, "2026-01-05T09:04:00Z"),
		} {
			if rng.IntN(4) > 0 {
				j[k] = v
			}
		}
		jobs = append(jobs, j)
	}
	batch := map[string]any{"id": "b-r", "jobId": "job-123", "createdAt": "2026-01-05T09:00:00Z"}
	for k, v := range map[string]any{
		"status":        pick("completed", "COMPLETED", "failed", "PARTIAL_FAILURE", "pending", "IN_PROGRESS", "finished", nil),
		"totalJobs":     pick(len(jobs), len(jobs)+1, 0, -1),
		"completedJobs": pick(len(jobs), 0, 1),
		"failedJobs":    pick(0, 1, len(jobs)),
		"completedAt":   pick("2026-01-05T09:04:00Z", nil, ""),
	} {
		if rng.IntN(4) > 0 {
			batch[k] = v
		}
	}
	b, _ := json.Marshal(map[string]any{"batch": batch, "scoringJobs": jobs})
	return b
}

// cleanBatchAnswer is an answer in which Nova says every job completed, in
// one of the documented spellings, so that the property also sees batches
// the gate may pass (and the scores and criteria decide).
func cleanBatchAnswer(rng *rand.Rand, pick func(...any) any) []byte {
	n := 1 + rng.IntN(5)
	jobs := make([]map[string]any, n)
	for i := range jobs {
		jobs[i] = map[string]any{"id": fmt.Sprintf("sj-%d", i), "applicationId": fmt.Sprintf("app-%d", i),
			"score": pick(8, 4, 9.5), "criteriaVersionId": pick("cv-1", "cv-1", "cv-0", nil), "completedAt": "2026-01-05T09:04:00Z"}
		if status := pick("completed", "COMPLETED", nil); status != nil {
			jobs[i]["status"] = status
		}
	}
	batch := map[string]any{"id": "b-r", "jobId": "job-123", "createdAt": "2026-01-05T09:00:00Z", "completedAt": "2026-01-05T09:04:00Z"}
	if status := pick("completed", "COMPLETED", nil); status != nil {
		batch["status"] = status
	}
	if rng.IntN(2) == 0 {
		batch["totalJobs"], batch["completedJobs"], batch["failedJobs"] = n, n, 0
	}
	b, _ := json.Marshal(map[string]any{"batch": batch, "scoringJobs": jobs})
	return b
}

// Property: whatever Nova answers, the gate with the default
// max_failed_jobs never passes a batch whose decided status is not
// completed, and with any max_failed_jobs never one that is not finished.
// The answers are decoded, decided and mapped by the provider's own code,
// then gated as a configuration would gate the data source.
func TestGateNeverPassesUncompletedBatch(t *testing.T) {
	rng := rand.New(rand.NewPCG(26, 1))
	policies := []map[string]any{{}, {"min_score": 1}, {"criteria_version_id": "cv-1"}, {"min_score": 1, "criteria_version_id": "cv-1"}, {"max_failed_jobs": 0}}
	decided := map[nova.Status]int{}
	passedCompleted := 0
	for range 3000 {
		body := randomBatchAnswer(rng)
		r, err := nova.DecodeBatch(body)
		if err != nil {
			t.Fatalf("decoding %s: %v", body, err)
		}
		decided[r.Batch.Status]++
		b := gateBatchFromValue(scoringBatchObject(t, r))
		for _, p := range policies {
			passed := len(evaluateGate(b, mustPolicy(t, p))) == 0
			if passed && r.Batch.Status != nova.StatusCompleted {
				t.Fatalf("passed a %s batch under %v:\n%s", r.Batch.Status, p, body)
			}
			if passed {
				passedCompleted++
			}
		}
		if r.Batch.Status == nova.StatusPending && len(evaluateGate(b, mustPolicy(t, map[string]any{"max_failed_jobs": 1000}))) == 0 {
			t.Fatalf("passed a pending batch with max_failed_jobs = 1000:\n%s", body)
		}
	}
	// The generator must reach every decision, and the gate must pass
	// some completed batches, or the property says nothing.
	keys := make([]string, 0, len(decided))
	for s := range decided {
		keys = append(keys, string(s))
	}
	sort.Strings(keys)
	if !slices.Equal(keys, []string{"completed", "failed", "pending"}) || decided[nova.StatusCompleted] < 20 || passedCompleted == 0 {
		t.Errorf("decisions reached: %v; gate passes: %d", decided, passedCompleted)
	}
}
