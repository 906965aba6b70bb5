package provider

import (
	"fmt"
	"math/big"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/dweet/terraform-provider-nova/internal/nova"
	"github.com/dweet/terraform-provider-nova/internal/novafake"
)

const summaryAddr = "data.nova_scoring_batch_summary.test"

func summaryAttr(name string, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(summaryAddr, tfjsonpath.New(name), v)
}

func summaryConfig(baseURL, batchID string, args ...string) string {
	return providerConfig(baseURL) + fmt.Sprintf(`
data "nova_scoring_batch_summary" "test" {
  job_id           = %q
  scoring_batch_id = %q
  %s
}
`, testJob, batchID, strings.Join(args, "\n  "))
}

func TestAccSummaryStatistics(t *testing.T) {
	t.Parallel()
	s, url := fakeNova(t)
	id := seed(t, s, novafake.BatchSpec{
		Jobs: []novafake.JobSpec{
			{ApplicationID: "app-001", Score: 8, CriteriaVersionID: "cv-b"},
			{ApplicationID: "app-002", Score: 7.5, CriteriaVersionID: "cv-b"},
			{ApplicationID: "app-003", Score: 7, CriteriaVersionID: "cv-b", IsRescore: true},
			{ApplicationID: "app-004", Score: 7, CriteriaVersionID: "cv-a"},
			{ApplicationID: "app-005", Score: 8.5, CriteriaVersionID: "cv-b"},
			{ApplicationID: "app-006", Fail: true, ErrorCode: "RESUME_FETCH_FAILED", CriteriaVersionID: "cv-b"},
			{ApplicationID: "app-007", Fail: true, ErrorCode: "RESUME_FETCH_FAILED", CriteriaVersionID: "cv-b"},
			{ApplicationID: "app-008", Fail: true, ErrorCode: "RESUME_PARSE_FAILED", CriteriaVersionID: "cv-b"},
		},
		Rejected: []novafake.RejectedSpec{
			{ApplicationID: "app-009", Reason: "RESUME_CORRUPTED"},
			{ApplicationID: "app-010", Reason: "RESUME_CORRUPTED"},
			{ApplicationID: "app-011", Reason: "RESUME_EMPTY"},
		},
	})
	batchChecks := []statecheck.StateCheck{
		summaryAttr("id", knownvalue.StringExact(id)),
		summaryAttr("status", knownvalue.StringExact("failed")),
		summaryAttr("api_status", knownvalue.StringExact("failed")),
		summaryAttr("finished", knownvalue.Bool(true)),
		summaryAttr("total_jobs", knownvalue.Int64Exact(8)),
		summaryAttr("completed_jobs", knownvalue.Int64Exact(5)),
		summaryAttr("failed_jobs", knownvalue.Int64Exact(3)),
		summaryAttr("pending_jobs", knownvalue.Int64Exact(0)),
		summaryAttr("created_at", rfc3339),
		summaryAttr("completed_at", rfc3339),
		summaryAttr("trace_id", knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{32}$`))),
		summaryAttr("criteria_version_ids", knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("cv-a"), knownvalue.StringExact("cv-b")})),
		summaryAttr("unversioned_jobs", knownvalue.Int64Exact(0)),
		summaryAttr("rescored_jobs", knownvalue.Int64Exact(1)),
		summaryAttr("error_codes", knownvalue.MapExact(map[string]knownvalue.Check{
			"RESUME_FETCH_FAILED": knownvalue.Int64Exact(2), "RESUME_PARSE_FAILED": knownvalue.Int64Exact(1),
		})),
		summaryAttr("rejection_reasons", knownvalue.MapExact(map[string]knownvalue.Check{
			"RESUME_CORRUPTED": knownvalue.Int64Exact(2), "RESUME_EMPTY": knownvalue.Int64Exact(1),
		})),
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{
			{
				// Five applications have a score, all in the 7-8 band: as
				// many as the default min_group_size.
				Config: summaryConfig(url, id),
				ConfigStateChecks: append([]statecheck.StateCheck{
					summaryAttr("min_group_size", knownvalue.Null()),
					summaryAttr("score_min", knownvalue.Float64Exact(7)),
					summaryAttr("score_max", knownvalue.Float64Exact(8)),
					summaryAttr("score_mean", knownvalue.Float64Exact(7.6)),
					summaryAttr("score_counts", knownvalue.MapExact(map[string]knownvalue.Check{
						"1-2": knownvalue.Int64Exact(0), "3-4": knownvalue.Int64Exact(0), "5-6": knownvalue.Int64Exact(0),
						"7-8": knownvalue.Int64Exact(5), "9-10": knownvalue.Int64Exact(0),
					})),
				}, batchChecks...),
			},
			{
				// One more than have a score: no statistics, everything else kept.
				Config: summaryConfig(url, id, "min_group_size = 6"),
				ConfigStateChecks: append([]statecheck.StateCheck{
					summaryAttr("min_group_size", knownvalue.Int64Exact(6)),
					summaryAttr("score_min", knownvalue.Null()),
					summaryAttr("score_max", knownvalue.Null()),
					summaryAttr("score_mean", knownvalue.Null()),
					summaryAttr("score_counts", knownvalue.Null()),
				}, batchChecks...),
			},
		},
	})
}

// The summary and the full record read the same batch the same way: the
// same status and counters, whatever spelling Nova used, pending included.
func TestAccSummaryStatusIsTheBatchStatus(t *testing.T) {
	t.Parallel()
	for _, style := range []novafake.StatusStyle{novafake.StatusLower, novafake.StatusUpper, novafake.StatusMissing} {
		s, url := fakeNova(t, novafake.WithStatusStyle(style))
		id := seed(t, s, novafake.BatchSpec{Jobs: []novafake.JobSpec{
			{ApplicationID: "app-001", Score: 5},
			{ApplicationID: "app-002", AfterPolls: 1000},
		}})
		var pairs []resource.TestCheckFunc
		for _, name := range []string{"id", "status", "api_status", "finished", "total_jobs", "completed_jobs", "failed_jobs", "pending_jobs", "created_at", "completed_at"} {
			pairs = append(pairs, resource.TestCheckResourceAttrPair(summaryAddr, name, batchAddr, name))
		}
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6,
			Steps: []resource.TestStep{{
				Config: summaryConfig(url, id) + fmt.Sprintf(`
data "nova_scoring_batch" "test" {
  job_id           = %q
  scoring_batch_id = %q
}
`, testJob, id),
				Check: resource.ComposeAggregateTestCheckFunc(pairs...),
				ConfigStateChecks: []statecheck.StateCheck{
					summaryAttr("status", knownvalue.StringExact("pending")),
					summaryAttr("score_min", knownvalue.Null()),
				},
			}},
		})
	}
}

func TestAccSummaryWaitsLikeTheBatch(t *testing.T) {
	t.Parallel()
	s, url := fakeNova(t)
	var jobs []novafake.JobSpec
	for i := range 5 {
		jobs = append(jobs, novafake.JobSpec{ApplicationID: fmt.Sprintf("app-%03d", i), Score: 7 + float64(i%3)/2, AfterPolls: 2})
	}
	id := seed(t, s, novafake.BatchSpec{Jobs: jobs})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: summaryConfig(url, id, "wait_for_completion = true", `poll_interval = "1s"`, `timeouts = { read = "1m" }`),
			ConfigStateChecks: []statecheck.StateCheck{
				summaryAttr("status", knownvalue.StringExact("completed")),
				summaryAttr("score_min", knownvalue.Float64Exact(7)),
			},
		}},
	})
}

func TestAccSummaryPlanTimeValidation(t *testing.T) {
	t.Parallel()
	const url = "http://127.0.0.1:1" // never contacted
	resource.UnitTest(t, resource.TestCase{ProtoV6ProviderFactories: protoV6, Steps: []resource.TestStep{
		{Config: summaryConfig(url, "b", "min_group_size = 4"), PlanOnly: true, ExpectError: regexp.MustCompile(`min_group_size(?s).*at\s+least\s+5`)},
		{Config: summaryConfig(url, "b", "min_group_size = 1"), PlanOnly: true, ExpectError: regexp.MustCompile(`min_group_size(?s).*at\s+least\s+5`)},
		{Config: summaryConfig(url, "b", "include_assessments = false"), PlanOnly: true, ExpectError: regexp.MustCompile(`include_assessments(?s).*not expected`)},
	}})
}

// The mapping keeps counts for what Nova left out, under "(none)", and
// gives no statistics without scores, whatever min_group_size says.
func TestSummaryMappingGaps(t *testing.T) {
	ds, _ := newScoringBatchSummaryDataSource().(*dataSource[scoringBatchSummaryArgs, *nova.BatchResult])
	config := batchConfigValue(t, ds, testJob, "b1")
	res, err := nova.DecodeBatch([]byte(`{"batch":{"id":"b1","status":"failed","totalJobs":2,"completedJobs":0,"failedJobs":2},
	  "scoringJobs":[{"id":"s1","applicationId":"app-1","status":"failed"},{"id":"s2","applicationId":"app-2","status":"failed","errorCode":"TIMEOUT"}],
	  "rejectedApplications":[{"applicationId":"app-3","error":{"message":"no reason given"}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := ds.spec.stateValue(t.Context(), config, scoringBatchSummaryArgs{minGroupSize: defaultMinGroupSize}, res)
	if err != nil {
		t.Fatal(err)
	}
	var state map[string]tftypes.Value
	if err := raw.As(&state); err != nil {
		t.Fatal(err)
	}
	counts := func(name string) map[string]string {
		var m map[string]tftypes.Value
		if err := state[name].As(&m); err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for k, v := range m {
			var n big.Float
			_ = v.As(&n)
			out[k] = n.String()
		}
		return out
	}
	if got := fmt.Sprint(counts("error_codes")); got != "map[(none):1 TIMEOUT:1]" {
		t.Errorf("error_codes = %s", got)
	}
	if got := fmt.Sprint(counts("rejection_reasons")); got != "map[(none):1]" {
		t.Errorf("rejection_reasons = %s", got)
	}
	for _, name := range []string{"score_min", "score_max", "score_mean", "score_counts"} {
		if !state[name].IsNull() {
			t.Errorf("%s = %v without any score", name, state[name])
		}
	}
	var versions []tftypes.Value
	if err := state["criteria_version_ids"].As(&versions); err != nil || state["criteria_version_ids"].IsNull() || len(versions) != 0 {
		t.Errorf("criteria_version_ids must be an empty list: %v", state["criteria_version_ids"])
	}
}

// summaryOf maps a batch body as the summary would, with min_group_size k.
func summaryOf(t *testing.T, body string, k int64) map[string]tftypes.Value {
	t.Helper()
	ds, _ := newScoringBatchSummaryDataSource().(*dataSource[scoringBatchSummaryArgs, *nova.BatchResult])
	res, err := nova.DecodeBatch([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := ds.spec.stateValue(t.Context(), batchConfigValue(t, ds, testJob, "b1"), scoringBatchSummaryArgs{minGroupSize: k}, res)
	if err != nil {
		t.Fatal(err)
	}
	var state map[string]tftypes.Value
	if err := raw.As(&state); err != nil {
		t.Fatal(err)
	}
	return state
}

func number(t *testing.T, v tftypes.Value) string {
	t.Helper()
	if v.IsNull() {
		return "null"
	}
	var n big.Float
	if err := v.As(&n); err != nil {
		t.Fatal(err)
	}
	return n.Text('g', -1)
}

// scoredJob is a completed job of a hand-written answer.
func scoredJob(id, app string, score float64) string {
	return fmt.Sprintf(`{"id":%q,"applicationId":%q,"status":"completed","score":%g,"completedAt":"2025-12-14T10:31:20Z","criteriaVersionId":"cv-1"}`,
		id, app, score)
}

func batchAnswer(status string, total int, jobs ...string) string {
	return fmt.Sprintf(`{"batch":{"id":"b1","status":%q,"totalJobs":%d},"scoringJobs":[%s],"rejectedApplications":[]}`, status, total, strings.Join(jobs, ","))
}

// The review's shapes, through the mapping: none of them gives statistics.
func TestSummaryWithholdsStatistics(t *testing.T) {
	five := []string{scoredJob("s1", "a1", 7.5), scoredJob("s2", "a2", 7.5), scoredJob("s3", "a3", 8), scoredJob("s4", "a4", 7), scoredJob("s5", "a5", 8)}
	pendingFive := append(append([]string{}, five...), `{"id":"s6","applicationId":"a6","status":"pending"}`)
	var alice []string
	for i := range 5 {
		alice = append(alice, scoredJob(fmt.Sprintf("sj-%d", i), "app-alice", 3.5))
	}
	for _, tc := range []struct {
		name, body string
	}{
		{"one applicant listed five times and one other", batchAnswer("completed", 6, append(alice, scoredJob("sj-bob", "app-bob", 9))...)},
		{"a batch still running, five scored", batchAnswer("pending", 6, pendingFive...)},
		{"a completed job without an application id", batchAnswer("completed", 6, append(append([]string{}, five...),
			`{"id":"s7","status":"completed","score":2,"completedAt":"2025-12-14T10:31:20Z"}`)...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			state := summaryOf(t, tc.body, defaultMinGroupSize)
			for _, name := range []string{"score_min", "score_max", "score_mean", "score_counts"} {
				if !state[name].IsNull() {
					t.Errorf("%s = %v, want null", name, state[name])
				}
			}
		})
	}
	// The control: the same five scored applications, finished, give statistics.
	state := summaryOf(t, batchAnswer("completed", 5, five...), defaultMinGroupSize)
	if got := number(t, state["score_min"]) + " " + number(t, state["score_max"]) + " " + number(t, state["score_mean"]); got != "7 8 7.6" {
		t.Errorf("score_min, score_max, score_mean = %s, want 7 8 7.6", got)
	}
	// A mapping asked for a smaller group than the floor still uses the floor.
	if state := summaryOf(t, batchAnswer("completed", 4, five[:4]...), 1); !state["score_min"].IsNull() {
		t.Errorf("four applications gave score_min %v with k = 1", state["score_min"])
	}
}

func TestSummaryUnversionedJobs(t *testing.T) {
	body := batchAnswer("completed", 5,
		scoredJob("s1", "a1", 8),
		strings.Replace(scoredJob("s2", "a2", 8), `,"criteriaVersionId":"cv-1"`, `,"criteriaVersionId":null`, 1),
		strings.Replace(scoredJob("s3", "a3", 8), `,"criteriaVersionId":"cv-1"`, ``, 1),
		strings.Replace(scoredJob("s4", "a4", 8), `,"criteriaVersionId":"cv-1"`, `,"criteriaVersionId":""`, 1),
		strings.Replace(scoredJob("s5", "a5", 8), `,"criteriaVersionId":"cv-1"`, `,"criteriaVersionId":"  "`, 1),
	)
	state := summaryOf(t, body, defaultMinGroupSize)
	if got := number(t, state["unversioned_jobs"]); got != "4" {
		t.Errorf("unversioned_jobs = %s, want 4", got)
	}
	var ids []tftypes.Value
	if err := state["criteria_version_ids"].As(&ids); err != nil || len(ids) != 1 || !ids[0].Equal(tftypes.NewValue(tftypes.String, "cv-1")) {
		t.Errorf("criteria_version_ids = %v, want [cv-1]", state["criteria_version_ids"])
	}
}
