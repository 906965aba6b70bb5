package provider

import (
	"fmt"
	"maps"
	"math/big"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/dweet/terraform-provider-nova/internal/nova"
	"github.com/dweet/terraform-provider-nova/internal/novafake"
)

const batchAddr = "data.nova_scoring_batch.test"

func batchAttr(name string, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(batchAddr, tfjsonpath.New(name), v)
}

func jobAttr(i int, name string, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(batchAddr, tfjsonpath.New("scoring_jobs").AtSliceIndex(i).AtMapKey(name), v)
}

var rfc3339 = knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`))

func TestAccScoringBatchCompleted(t *testing.T) {
	t.Parallel()
	s, url := fakeNova(t)
	id := seed(t, s, novafake.BatchSpec{
		Jobs: []novafake.JobSpec{
			{ApplicationID: "app-001", Score: 8, Assessment: &novafake.Assessment{
				Verdict: "Strong backend engineer.", Strengths: []string{"Go", "Postgres"}, Concerns: []string{}, InterviewFocus: []string{"system design"},
			}},
			{ApplicationID: "app-002", Score: 6},
		},
		Rejected: []novafake.RejectedSpec{{ApplicationID: "app-009", Reason: "RESUME_CORRUPTED", Message: "The PDF is truncated"}},
	})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: batchConfig(url, id),
			ConfigStateChecks: []statecheck.StateCheck{
				batchAttr("id", knownvalue.StringExact(id)),
				batchAttr("status", knownvalue.StringExact("completed")),
				batchAttr("api_status", knownvalue.StringExact("completed")),
				batchAttr("finished", knownvalue.Bool(true)),
				batchAttr("total_jobs", knownvalue.Int64Exact(2)),
				batchAttr("completed_jobs", knownvalue.Int64Exact(2)),
				batchAttr("failed_jobs", knownvalue.Int64Exact(0)),
				batchAttr("pending_jobs", knownvalue.Int64Exact(0)),
				batchAttr("created_at", rfc3339),
				batchAttr("completed_at", rfc3339),
				batchAttr("trace_id", knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{32}$`))),
				batchAttr("scores", knownvalue.MapExact(map[string]knownvalue.Check{
					"app-001": knownvalue.Float64Exact(8),
					"app-002": knownvalue.Float64Exact(6),
				})),
				jobAttr(0, "application_id", knownvalue.StringExact("app-001")),
				jobAttr(0, "job_id", knownvalue.StringExact(testJob)),
				jobAttr(0, "status", knownvalue.StringExact("completed")),
				jobAttr(0, "score", knownvalue.Float64Exact(8)),
				jobAttr(0, "is_rescore", knownvalue.Bool(false)),
				jobAttr(0, "error_code", knownvalue.Null()),
				jobAttr(0, "failed_at", knownvalue.Null()),
				jobAttr(0, "completed_at", rfc3339),
				jobAttr(0, "assessment", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"verdict":         knownvalue.StringExact("Strong backend engineer."),
					"strengths":       knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("Go"), knownvalue.StringExact("Postgres")}),
					"concerns":        knownvalue.ListSizeExact(0),
					"interview_focus": knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("system design")}),
				})),
				jobAttr(1, "application_id", knownvalue.StringExact("app-002")),
				batchAttr("rejected_applications", knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectExact(map[string]knownvalue.Check{
					"application_id": knownvalue.StringExact("app-009"),
					"reason":         knownvalue.StringExact("RESUME_CORRUPTED"),
					"message":        knownvalue.StringExact("The PDF is truncated"),
				})})),
			},
		}},
	})
	for _, r := range s.Requests() {
		if !strings.HasPrefix(r.UserAgent, "terraform-provider-nova/test") || !strings.Contains(r.UserAgent, "Terraform/") {
			t.Errorf("User-Agent %q does not name the provider and Terraform", r.UserAgent)
		}
	}
}

func TestAccScoringBatchPending(t *testing.T) {
	t.Parallel()
	s, url := fakeNova(t)
	id := seed(t, s, novafake.BatchSpec{Jobs: []novafake.JobSpec{
		{ApplicationID: "app-001", Score: 7},
		{ApplicationID: "app-002", AfterPolls: 1000},
		{ApplicationID: "app-003", AfterPolls: 1000},
	}})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: batchConfig(url, id),
			ConfigStateChecks: []statecheck.StateCheck{
				batchAttr("status", knownvalue.StringExact("pending")),
				batchAttr("finished", knownvalue.Bool(false)),
				batchAttr("completed_at", knownvalue.Null()),
				batchAttr("pending_jobs", knownvalue.Int64Exact(2)),
				batchAttr("completed_jobs", knownvalue.Int64Exact(1)),
				batchAttr("scores", knownvalue.MapExact(map[string]knownvalue.Check{"app-001": knownvalue.Float64Exact(7)})),
				jobAttr(1, "status", knownvalue.StringExact("pending")),
				jobAttr(1, "score", knownvalue.Null()),
				jobAttr(1, "assessment", knownvalue.Null()),
				jobAttr(1, "completed_at", knownvalue.Null()),
				batchAttr("rejected_applications", knownvalue.ListSizeExact(0)),
			},
		}},
	})
}

func TestAccScoringBatchPartialFailure(t *testing.T) {
	t.Parallel()
	s, url := fakeNova(t)
	id := seed(t, s, novafake.BatchSpec{Jobs: []novafake.JobSpec{
		{ApplicationID: "app-001", Score: 9},
		{ApplicationID: "app-002", Fail: true, ErrorCode: "RESUME_FETCH_FAILED", ErrorMessage: "URL expired"},
	}})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: batchConfig(url, id),
			ConfigStateChecks: []statecheck.StateCheck{
				batchAttr("status", knownvalue.StringExact("failed")),
				batchAttr("finished", knownvalue.Bool(true)),
				batchAttr("failed_jobs", knownvalue.Int64Exact(1)),
				batchAttr("completed_jobs", knownvalue.Int64Exact(1)),
				batchAttr("scores", knownvalue.MapExact(map[string]knownvalue.Check{"app-001": knownvalue.Float64Exact(9)})),
				jobAttr(1, "status", knownvalue.StringExact("failed")),
				jobAttr(1, "error_code", knownvalue.StringExact("RESUME_FETCH_FAILED")),
				jobAttr(1, "error_message", knownvalue.StringExact("URL expired")),
				jobAttr(1, "failed_at", rfc3339),
				jobAttr(1, "score", knownvalue.Null()),
			},
		}},
	})
}

// Every doc generation's spelling ends up as the same normalised status,
// with the API's own spelling kept in api_status.
func TestAccScoringBatchStatusStyles(t *testing.T) {
	t.Parallel()
	tests := []struct {
		style     novafake.StatusStyle
		apiStatus knownvalue.Check
		jobStatus string
	}{
		{novafake.StatusUpper, knownvalue.StringExact("IN_PROGRESS"), "completed"},
		{novafake.StatusMissing, knownvalue.Null(), "completed"},
	}
	for _, tt := range tests {
		s, url := fakeNova(t, novafake.WithStatusStyle(tt.style))
		id := seed(t, s, novafake.BatchSpec{Jobs: []novafake.JobSpec{
			{ApplicationID: "app-001", Score: 5},
			{ApplicationID: "app-002", AfterPolls: 1000},
		}})
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6,
			Steps: []resource.TestStep{{
				Config: batchConfig(url, id),
				ConfigStateChecks: []statecheck.StateCheck{
					batchAttr("status", knownvalue.StringExact("pending")),
					batchAttr("api_status", tt.apiStatus),
					jobAttr(0, "status", knownvalue.StringExact(tt.jobStatus)),
					jobAttr(1, "status", knownvalue.StringExact("pending")),
				},
			}},
		})
	}
}

func TestAccScoringBatchUpperCaseFinished(t *testing.T) {
	t.Parallel()
	s, url := fakeNova(t, novafake.WithStatusStyle(novafake.StatusUpper))
	id := seed(t, s, novafake.BatchSpec{Jobs: []novafake.JobSpec{
		{ApplicationID: "app-001", Score: 5},
		{ApplicationID: "app-002", Fail: true},
	}})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: batchConfig(url, id),
			ConfigStateChecks: []statecheck.StateCheck{
				batchAttr("status", knownvalue.StringExact("failed")),
				batchAttr("api_status", knownvalue.StringExact("PARTIAL_FAILURE")),
				jobAttr(1, "status", knownvalue.StringExact("failed")),
			},
		}},
	})
}

func TestAccScoringBatchWithoutAssessments(t *testing.T) {
	t.Parallel()
	s, url := fakeNova(t)
	id := seed(t, s, novafake.BatchSpec{Jobs: []novafake.JobSpec{{ApplicationID: "app-001", Score: 8}, {ApplicationID: "app-002", Score: 4}}})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: batchConfig(url, id, "include_assessments = false"),
			ConfigStateChecks: []statecheck.StateCheck{
				jobAttr(0, "assessment", knownvalue.Null()),
				jobAttr(1, "assessment", knownvalue.Null()),
				jobAttr(0, "score", knownvalue.Float64Exact(8)),
			},
		}},
	})
}

func TestAccScoringBatchTenantOverride(t *testing.T) {
	t.Parallel()
	s, url := fakeNova(t)
	id := seed(t, s, novafake.BatchSpec{Tenant: "globex", Jobs: []novafake.JobSpec{{ApplicationID: "app-001", Score: 3}}})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{
			{
				// The provider's tenant (acme-corp) does not have it...
				Config:      batchConfig(url, id),
				ExpectError: regexp.MustCompile(`(?s)not found.*tenant\s+"acme-corp"`),
			},
			{
				// ...the data source's own tenant does.
				Config: batchConfig(url, id, `tenant_id = "globex"`),
				ConfigStateChecks: []statecheck.StateCheck{
					batchAttr("status", knownvalue.StringExact("completed")),
					batchAttr("tenant_id", knownvalue.StringExact("globex")),
				},
			},
		},
	})
	var tenants []string
	for _, r := range s.Requests() {
		tenants = append(tenants, r.Tenant)
	}
	if !slices.Contains(tenants, "globex") || !slices.Contains(tenants, testTenant) {
		t.Errorf("tenants sent: %v", tenants)
	}
}

func TestAccScoringBatchOddIDs(t *testing.T) {
	t.Parallel()
	s, url := fakeNova(t)
	const jobID, batchID = "job/ü ?#", "a/../b c?d#e"
	seed(t, s, novafake.BatchSpec{JobID: jobID, ID: batchID, Jobs: []novafake.JobSpec{{ApplicationID: "app-001", Score: 5}}})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: providerConfig(url) + fmt.Sprintf(`
data "nova_scoring_batch" "test" {
  job_id           = %q
  scoring_batch_id = %q
}`, jobID, batchID),
			ConfigStateChecks: []statecheck.StateCheck{batchAttr("id", knownvalue.StringExact(batchID))},
		}},
	})
	const wantURI = "/v1/jobs/job%2F%C3%BC%20%3F%23/scoring-batches/a%2F..%2Fb%20c%3Fd%23e"
	for _, r := range s.Requests() {
		if r.RequestURI != wantURI {
			t.Errorf("request line path %q, want %q", r.RequestURI, wantURI)
		}
	}
}

func TestAccScoringBatchUnauthorized(t *testing.T) {
	t.Parallel()
	_, url := fakeNova(t, novafake.WithAPIKeys("sk_test_some_other_key"))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config:      batchConfig(url, "b1"),
			ExpectError: regexp.MustCompile(`(?s)Nova rejected the API key.*HTTP status: 401.*UNAUTHORIZED.*Trace id: [0-9a-f]{32}.*api_key\s+\(or\s+NOVA_API_KEY\)\s+is\s+a\s+sandbox\s+key`),
		}},
	})
}

func TestAccScoringBatchForbidden(t *testing.T) {
	t.Parallel()
	_, url := fakeNova(t, novafake.WithForbiddenKeys(testKey))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config:      batchConfig(url, "b1"),
			ExpectError: regexp.MustCompile(`(?s)lacks permission.*HTTP status: 403.*FORBIDDEN`),
		}},
	})
}

func TestAccScoringBatchNotFound(t *testing.T) {
	t.Parallel()
	_, url := fakeNova(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: batchConfig(url, "no-such-batch"),
			ExpectError: regexp.MustCompile(`(?s)Nova scoring batch not found.*scoring\s+batch\s+"no-such-batch"\s+of\s+job\s+"job-123"\s+in\s+tenant\s+"acme-corp"\s+\(sandbox\).*` +
				`HTTP status: 404.*BATCH_NOT_FOUND.*Trace id: [0-9a-f]{32}`),
		}},
	})
}

func TestAccScoringBatchPlanTimeValidation(t *testing.T) {
	t.Parallel()
	const url = "http://127.0.0.1:1" // never contacted: every case fails before any request
	tests := []struct {
		config string
		want   string
	}{
		{batchConfig(url, ""), `scoring_batch_id.*at least 1`},
		{providerConfig(url) + `data "nova_scoring_batch" "test" {
  job_id = ""
  scoring_batch_id = "b"
}`, `job_id.*at least 1`},
		{batchConfig(url, "b", `tenant_id = "acme\r\nX-Injected: 1"`), `control characters`},
		{batchConfig(url, "b", `poll_interval = "500ms"`), `at\s+least\s+1s`},
		{batchConfig(url, "b", `poll_interval = "often"`), `(?i)duration`},
		{`provider "nova" {
  api_key  = "pk_wrong_key_material_42"
  base_url = "http://127.0.0.1:1"
}
data "nova_scoring_batch" "test" {
  job_id = "j"
  scoring_batch_id = "b"
}`, `Invalid Nova API key(?s).*sk_test_`},
		{`provider "nova" {
  api_key  = "sk_test_has space"
  base_url = "http://127.0.0.1:1"
}
data "nova_scoring_batch" "test" {
  job_id = "j"
  scoring_batch_id = "b"
}`, `whitespace`},
		{`provider "nova" {
  api_key  = "sk_test_abc"
  base_url = "http://nova.example.com"
}
data "nova_scoring_batch" "test" {
  job_id = "j"
  scoring_batch_id = "b"
}`, `only\s+allowed\s+for\s+loopback`},
		{providerConfig(url, "max_retries = 99") + `data "nova_scoring_batch" "test" {
  job_id = "j"
  scoring_batch_id = "b"
}`, `max_retries.*between\s+0\s+and\s+10`},
	}
	steps := make([]resource.TestStep, len(tests))
	for i, tt := range tests {
		steps[i] = resource.TestStep{Config: tt.config, PlanOnly: true, ExpectError: regexp.MustCompile(tt.want)}
	}
	resource.UnitTest(t, resource.TestCase{ProtoV6ProviderFactories: protoV6, Steps: steps})
}

// A batch id known at plan time is read, and waited for, during plan; the
// plan already knows the final status.
func TestAccScoringBatchWaitDuringPlan(t *testing.T) {
	t.Parallel()
	s, url := fakeNova(t)
	id := seed(t, s, novafake.BatchSpec{Jobs: []novafake.JobSpec{
		{ApplicationID: "app-001", Score: 8, AfterPolls: 3},
		{ApplicationID: "app-002", Score: 7, AfterPolls: 2},
	}})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: batchConfig(url, id, "wait_for_completion = true", `poll_interval = "1s"`) + `
output "status" { value = data.nova_scoring_batch.test.status }`,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectKnownOutputValue("status", knownvalue.StringExact("completed")),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				batchAttr("status", knownvalue.StringExact("completed")),
				batchAttr("scores", knownvalue.MapSizeExact(2)),
			},
		}},
	})
}

// A batch id unknown at plan time defers the read, and the wait, to apply.
func TestAccScoringBatchWaitDeferredToApply(t *testing.T) {
	t.Parallel()
	s, url := fakeNova(t)
	id := seed(t, s, novafake.BatchSpec{Jobs: []novafake.JobSpec{{ApplicationID: "app-001", Score: 8, AfterPolls: 2}}})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: providerConfig(url) + fmt.Sprintf(`
resource "terraform_data" "submission" {
  input = %q
}
data "nova_scoring_batch" "test" {
  job_id              = %q
  scoring_batch_id    = terraform_data.submission.output
  wait_for_completion = true
  poll_interval       = "1s"
}`, id, testJob),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(batchAddr, plancheck.ResourceActionRead),
				plancheck.ExpectUnknownValue(batchAddr, tfjsonpath.New("status")),
			}},
			ConfigStateChecks: []statecheck.StateCheck{batchAttr("status", knownvalue.StringExact("completed"))},
		}},
	})
}

func TestAccScoringBatchWaitTimeout(t *testing.T) {
	t.Parallel()
	s, url := fakeNova(t)
	id := seed(t, s, novafake.BatchSpec{Jobs: []novafake.JobSpec{
		{ApplicationID: "app-001", Score: 8},
		{ApplicationID: "app-002", AfterPolls: 1000},
	}})
	start := time.Now()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config:      batchConfig(url, id, "wait_for_completion = true", `poll_interval = "1s"`, `timeouts = { read = "2s" }`),
			ExpectError: regexp.MustCompile(`(?s)Timed out waiting for scoring batch.*last\s+seen:\s+status\s+pending,\s+1\s+completed,\s+0\s+failed,\s+1\s+pending\s+of\s+2\s+jobs`),
		}},
	})
	if took := time.Since(start); took > 30*time.Second {
		t.Errorf("a 2s read timeout took %v", took)
	}
}

// TestBatchMapping checks the one batch mapping on a body with every kind
// of gap: a pending job without result, a failed job, no rejected
// applications, empty assessment lists, and the assessments switch.
func TestBatchMapping(t *testing.T) {
	spec := scoringBatchSpec()
	config := batchConfigValue(t, newDataSource(spec), "job-123", "b1")
	res, err := nova.DecodeBatch([]byte(`{"batch":{"id":"b1","jobId":"job-123","status":"PENDING","totalJobs":3,"completedJobs":1,"failedJobs":1,"createdAt":"2025-12-14T10:30:45Z"},
	  "scoringJobs":[
	    {"id":"s1","applicationId":"app-1","status":"COMPLETED","score":7.5,"assessment":{"verdict":"ok","strengths":[],"concerns":null,"interviewFocus":["x"]}},
	    {"id":"s2","applicationId":"app-2","status":"FAILED","errorCode":"RESUME_EMPTY"},
	    {"id":"s3","applicationId":"app-3"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, include := range []bool{true, false} {
		raw, err := spec.stateValue(t.Context(), config, scoringBatchArgs{includeAssessments: include}, res)
		if err != nil {
			t.Fatal(err)
		}
		var state map[string]tftypes.Value
		if err := raw.As(&state); err != nil {
			t.Fatal(err)
		}
		var scores map[string]tftypes.Value
		if err := state["scores"].As(&scores); err != nil || len(scores) != 1 {
			t.Fatalf("scores = %v, %v: only completed jobs have one", scores, err)
		}
		var score big.Float
		if err := scores["app-1"].As(&score); err != nil || score.String() != "7.5" {
			t.Errorf("score = %v", score.String())
		}
		var rejected, jobs []tftypes.Value
		if err := state["rejected_applications"].As(&rejected); err != nil || state["rejected_applications"].IsNull() || len(rejected) != 0 {
			t.Errorf("rejected_applications must be an empty list, not null")
		}
		if err := state["scoring_jobs"].As(&jobs); err != nil || len(jobs) != 3 {
			t.Fatalf("scoring_jobs = %v", err)
		}
		var first, pending map[string]tftypes.Value
		_ = jobs[0].As(&first)
		_ = jobs[2].As(&pending)
		if first["assessment"].IsNull() == include {
			t.Errorf("include_assessments = %v but assessment null = %v", include, first["assessment"].IsNull())
		}
		if include {
			var a map[string]tftypes.Value
			_ = first["assessment"].As(&a)
			if a["concerns"].IsNull() || a["strengths"].IsNull() {
				t.Error("assessment lists must be empty, not null")
			}
		}
		for _, name := range []string{"score", "assessment", "completed_at", "error_code", "criteria_version_id", "is_rescore"} {
			if !pending[name].IsNull() {
				t.Errorf("pending job %s = %v, want null", name, pending[name])
			}
		}
		for name, want := range map[string]string{"status": "pending", "api_status": "PENDING", "job_id": "job-123", "scoring_batch_id": "b1"} {
			var got string
			if err := state[name].As(&got); err != nil || got != want {
				t.Errorf("%s = %q, want %q", name, got, want)
			}
		}
		if !state["completed_at"].IsNull() || !state["tenant_id"].IsNull() {
			t.Error("completed_at and an unset tenant_id must stay null")
		}
	}
}

// The representation chosen in BENCHMARKS.md (Large batches) sends Terraform exactly the state
// that the nested attributes sent: the same type, and the same value (the
// msgpack bytes differ only in the order of the scores map, which tftypes
// encodes in Go's map order).
func TestSchemaVariantsSendTheSameState(t *testing.T) {
	ctx := t.Context()
	ts, _ := staticBatchServer(t, 30)
	old := newBatchHarness(ctx, t, ts.URL, "nested")
	want, err := old.read(ctx, t).Unmarshal(old.stateType)
	if err != nil {
		t.Fatal(err)
	}
	for _, variant := range append([]string{""}, variantNames()...) {
		h := newBatchHarness(ctx, t, ts.URL, variant)
		if !h.stateType.Equal(old.stateType) {
			t.Errorf("schema variant %q has type %s, the nested attributes %s", variant, h.stateType, old.stateType)
			continue
		}
		got, err := h.read(ctx, t).Unmarshal(h.stateType)
		if err != nil {
			t.Fatal(err)
		}
		if diffs, err := got.Diff(want); err != nil || len(diffs) > 0 {
			t.Errorf("schema variant %q sends a different state: %v %v", variant, err, diffs)
		}
	}
}

func variantNames() []string {
	var names []string
	for _, v := range schemaVariants() {
		names = append(names, v.name)
	}
	return names
}

// driftedVariants are batch schemas that no longer match the mapping, as
// an edit to one side only would leave them.
func driftedVariants() []schemaVariant {
	job := func(edit func(map[string]schema.Attribute)) func() map[string]schema.Attribute {
		return func() map[string]schema.Attribute {
			attrs := shippedBatchAttributes()
			jobAttrs := scoringJobAttributes()
			edit(jobAttrs)
			attrs["scoring_jobs"] = schema.ListAttribute{Computed: true, ElementType: objectType(jobAttrs)}
			return attrs
		}
	}
	return []schemaVariant{
		{"drift_job_attribute_added", job(func(a map[string]schema.Attribute) {
			a["reviewer"] = schema.StringAttribute{Computed: true}
		})},
		{"drift_job_attribute_type", job(func(a map[string]schema.Attribute) {
			a["score"] = schema.StringAttribute{Computed: true}
		})},
		{"drift_assessment_renamed", job(func(a map[string]schema.Attribute) {
			assessment, _ := a["assessment"].(schema.SingleNestedAttribute)
			assessment.Attributes = maps.Clone(assessment.Attributes)
			assessment.Attributes["summary"] = assessment.Attributes["verdict"]
			delete(assessment.Attributes, "verdict")
			a["assessment"] = assessment
		})},
		{"drift_rejected", func() map[string]schema.Attribute {
			attrs := shippedBatchAttributes()
			attrs["rejected_applications"] = schema.ListAttribute{Computed: true, ElementType: types.ObjectType{AttrTypes: map[string]attr.Type{"application_id": types.StringType}}}
			return attrs
		}},
		{"drift_scores", func() map[string]schema.Attribute {
			attrs := shippedBatchAttributes()
			attrs["scores"] = schema.MapAttribute{Computed: true, ElementType: types.StringType}
			return attrs
		}},
	}
}

// A schema that drifted from the mapping fails the read with a diagnostic;
// tftypes.NewValue would have panicked and killed the provider process.
func TestSchemaDriftIsADiagnosticNotAPanic(t *testing.T) {
	ctx := t.Context()
	s := novafake.New()
	spec := sampleSpec(3)
	spec.Rejected = []novafake.RejectedSpec{{ApplicationID: "app-r", Reason: "RESUME_CORRUPTED", Message: "unreadable"}}
	if _, err := s.AddBatch(spec); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	defer ts.Close()
	for _, v := range driftedVariants() {
		t.Run(v.name, func(t *testing.T) {
			resp := newBatchHarness(ctx, t, ts.URL, v.name).readResponse(ctx, t)
			if len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Severity != tfprotov6.DiagnosticSeverityError ||
				resp.Diagnostics[0].Summary != "Could not build the result" || !strings.Contains(resp.Diagnostics[0].Detail, "batch-bench") {
				t.Fatalf("diagnostics = %+v, want one error about building the state of batch-bench", resp.Diagnostics)
			}
			t.Log(resp.Diagnostics[0].Detail)
		})
	}
}

const (
	batchTemplate   = "../../templates/data-sources/scoring_batch.md.tmpl"
	jobFieldsBegin  = "<!-- scoring job attributes: generated from scoringJobAttributes, see TestBatchTemplateDescribesJobAttributes -->\n"
	jobFieldsEnd    = "<!-- end of scoring job attributes -->\n"
	updateTemplates = "UPDATE_TEMPLATES"
)

// scoring_jobs is one attribute whose type is a list of objects, and the
// Registry docs of such a type list the fields with their types only. The
// batch template therefore carries the descriptions, and this test keeps
// them equal to the schema's (scoringJobAttributes, which the single-job
// data sources use as their top-level attributes). Run with
// UPDATE_TEMPLATES=1 to rewrite the template's block, then `make docs`.
func TestBatchTemplateDescribesJobAttributes(t *testing.T) {
	raw, err := os.ReadFile(batchTemplate)
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	begin, end := strings.Index(text, jobFieldsBegin), strings.Index(text, jobFieldsEnd)
	if begin < 0 || end < begin {
		t.Fatalf("%s lacks the block between %q and %q", batchTemplate, jobFieldsBegin, jobFieldsEnd)
	}
	want := jobAttributesMarkdown(scoringJobAttributes(), "")
	got := text[begin+len(jobFieldsBegin) : end]
	if got == want {
		return
	}
	if os.Getenv(updateTemplates) != "" {
		text = text[:begin+len(jobFieldsBegin)] + want + text[end:]
		if err := os.WriteFile(batchTemplate, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("rewrote %s: run make docs", batchTemplate)
		return
	}
	t.Errorf("%s describes the scoring job attributes differently from the schema; rerun with %s=1 and then make docs.\n\nwant:\n%s", batchTemplate, updateTemplates, want)
}

// jobAttributesMarkdown lists attributes as tfplugindocs lists nested
// attributes: sorted, with their type and description.
func jobAttributesMarkdown(attrs map[string]schema.Attribute, indent string) string {
	var b strings.Builder
	for _, name := range slices.Sorted(maps.Keys(attrs)) {
		a := attrs[name]
		fmt.Fprintf(&b, "%s- `%s` (%s) %s\n", indent, name, docType(a), a.GetMarkdownDescription())
		if n, ok := a.(schema.SingleNestedAttribute); ok {
			b.WriteString(jobAttributesMarkdown(n.Attributes, indent+"  "))
		}
	}
	return b.String()
}

func docType(a schema.Attribute) string {
	switch a := a.(type) {
	case schema.StringAttribute:
		return "String"
	case schema.BoolAttribute:
		return "Boolean"
	case schema.Float64Attribute:
		return "Number"
	case schema.SingleNestedAttribute:
		return "Object"
	case schema.ListAttribute:
		if a.ElementType.Equal(types.StringType) {
			return "List of String"
		}
	}
	return fmt.Sprintf("%T", a)
}

// The newest docs' sample has no status, and a batch being set up has zero
// counters: with a job still running, the batch is pending, not completed,
// and a postcondition on "completed" does not open. With nothing at all to
// go on (no status, no counters, no jobs) it is pending too, with a
// warning: the step that fails if the rule's no-evidence branch is made
// optimistic (the running job alone keeps the first steps pending).
func TestAccScoringBatchWithoutStatusOrCountersIsPending(t *testing.T) {
	t.Parallel()
	s, url := fakeNova(t)
	id := seed(t, s, novafake.BatchSpec{Jobs: []novafake.JobSpec{
		{ApplicationID: "app-001", Score: 8},
		{ApplicationID: "app-002", AfterPolls: 1_000_000},
	}})
	repeatFault(s, novafake.FaultNoStatusZeroCounters, 100)
	nothing := serveBody(t, 200, batchBody(obj{}))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: batchConfig(url, id),
			ConfigStateChecks: []statecheck.StateCheck{
				batchAttr("status", knownvalue.StringExact("pending")),
				batchAttr("finished", knownvalue.Bool(false)),
				batchAttr("api_status", knownvalue.Null()),
			},
		}, {
			Config: batchConfig(url, id, `lifecycle {
    postcondition {
      condition     = self.status == "completed"
      error_message = "Gate closed: batch is ${self.status}."
    }
  }`),
			ExpectError: regexp.MustCompile(`Gate closed: batch is pending\.`),
		}, {
			Config:      batchConfig(url, id, "wait_for_completion = true", `poll_interval = "1s"`, `timeouts = { read = "2s" }`),
			ExpectError: regexp.MustCompile(`Timed out waiting for scoring batch`),
		}, {
			Config: batchConfig(nothing, "b1", `lifecycle {
    postcondition {
      condition     = !self.finished && self.status == "pending"
      error_message = "Gate open on no evidence: batch is ${self.status}."
    }
  }`),
			ConfigStateChecks: []statecheck.StateCheck{
				batchAttr("status", knownvalue.StringExact("pending")),
				batchAttr("total_jobs", knownvalue.Int64Exact(0)),
			},
		}},
	})
}

func TestAccScoringBatchReadTimeoutMustBePositive(t *testing.T) {
	t.Parallel()
	_, url := fakeNova(t)
	for _, bad := range []string{"0s", "-5m", "500ms"} {
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6,
			Steps: []resource.TestStep{{
				Config:      batchConfig(url, "b1", "wait_for_completion = true", `timeouts = { read = "`+bad+`" }`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Duration too short(?s:.*)must\s+be\s+at\s+least\s+1s`),
			}},
		})
	}
}

// The gating patterns the docs teach, each proved against the fake: they
// are the reason people use this data source.

const postcondition = `
  wait_for_completion = true
  poll_interval       = "1s"
  lifecycle {
    postcondition {
      condition     = self.status == "completed" && self.failed_jobs == 0
      error_message = "Batch ${self.id}: ${self.failed_jobs} of ${self.total_jobs} jobs failed."
    }
  }`

func TestAccGatePostconditionFailsOnFailedBatch(t *testing.T) {
	t.Parallel()
	s, url := fakeNova(t)
	id := seed(t, s, novafake.BatchSpec{ID: "batch-bad", Jobs: []novafake.JobSpec{
		{ApplicationID: "app-001", Score: 8},
		{ApplicationID: "app-002", Fail: true, AfterPolls: 2},
	}})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config:      batchConfig(url, id, postcondition),
			ExpectError: regexp.MustCompile(`Batch batch-bad: 1 of 2 jobs failed\.`),
		}},
	})
}

func TestAccGatePostconditionPassesOnCompletedBatch(t *testing.T) {
	t.Parallel()
	s, url := fakeNova(t)
	id := seed(t, s, novafake.BatchSpec{Jobs: []novafake.JobSpec{{ApplicationID: "app-001", Score: 8, AfterPolls: 2}}})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config:            batchConfig(url, id, postcondition),
			ConfigStateChecks: []statecheck.StateCheck{batchAttr("status", knownvalue.StringExact("completed"))},
		}},
	})
}

func TestAccGatePreconditionOnScores(t *testing.T) {
	t.Parallel()
	s, url := fakeNova(t)
	good := seed(t, s, novafake.BatchSpec{ID: "good", Jobs: []novafake.JobSpec{{ApplicationID: "app-001", Score: 8}, {ApplicationID: "app-002", Score: 7}}})
	weak := seed(t, s, novafake.BatchSpec{ID: "weak", Jobs: []novafake.JobSpec{{ApplicationID: "app-001", Score: 8}, {ApplicationID: "app-002", Score: 3}}})
	gate := `
resource "terraform_data" "promote" {
  input = keys(data.nova_scoring_batch.test.scores)
  lifecycle {
    precondition {
      condition     = alltrue([for s in values(data.nova_scoring_batch.test.scores) : s >= 5])
      error_message = "Some candidates scored below 5: ${jsonencode(data.nova_scoring_batch.test.scores)}."
    }
  }
}`
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{
			{
				Config: batchConfig(url, good) + gate,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("terraform_data.promote", tfjsonpath.New("output"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("app-001"), knownvalue.StringExact("app-002")})),
				},
			},
			{
				Config:      batchConfig(url, weak) + gate,
				ExpectError: regexp.MustCompile(`Some candidates scored below 5: \{"app-001":8,"app-002":3\}\.`),
			},
		},
	})
}

// A check block reports a failed batch as a warning; the run goes on.
func TestAccGateCheckBlockWarnsOnly(t *testing.T) {
	t.Parallel()
	s, url := fakeNova(t)
	id := seed(t, s, novafake.BatchSpec{Jobs: []novafake.JobSpec{{ApplicationID: "app-001", Fail: true}}})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: batchConfig(url, id) + `
check "scoring" {
  assert {
    condition     = data.nova_scoring_batch.test.failed_jobs == 0
    error_message = "Scoring batch has failed jobs."
  }
}
resource "terraform_data" "after" {
  input = data.nova_scoring_batch.test.status
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("terraform_data.after", tfjsonpath.New("output"), knownvalue.StringExact("failed")),
			},
		}},
	})
}
