package provider

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

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

func TestAccProviderUnknownValue(t *testing.T) {
	t.Parallel()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: `
resource "terraform_data" "key" {
  input = "sk_test_from_a_resource"
}
provider "nova" {
  api_key   = terraform_data.key.output
  tenant_id = "t"
  base_url  = "http://127.0.0.1:1"
}
data "nova_scoring_batch" "test" {
  job_id           = "j"
  scoring_batch_id = "b"
}`,
			ExpectError: regexp.MustCompile(`(?s)not known until apply.*api_key`),
		}},
	})
}

// Environment variables fill in what the configuration leaves out, and a
// missing key or tenant is named when a data source needs it.
func TestAccProviderEnvironment(t *testing.T) {
	s, url := fakeNova(t)
	id := seed(t, s, novafake.BatchSpec{Jobs: []novafake.JobSpec{{ApplicationID: "app-001", Score: 5}}})
	other := seed(t, s, novafake.BatchSpec{ID: id, Tenant: "globex", Jobs: []novafake.JobSpec{{ApplicationID: "app-001", Score: 5}}})
	dataOnly := fmt.Sprintf(`
provider "nova" {}
data "nova_scoring_batch" "test" {
  job_id           = %q
  scoring_batch_id = %q
}`, testJob, id)

	t.Setenv(envBaseURL, url+"/v1/")
	t.Setenv(envAPIKey, "")
	t.Setenv(envTenantID, "")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{
			{Config: dataOnly, ExpectError: regexp.MustCompile(`(?s)Nova API key missing.*NOVA_API_KEY.*Nova tenant missing.*NOVA_TENANT_ID`)},
			{
				PreConfig:   func() { t.Setenv(envAPIKey, "sk_nope_ENVSECRET"); t.Setenv(envTenantID, testTenant) },
				Config:      dataOnly,
				ExpectError: regexp.MustCompile(`(?s)Invalid Nova API key.*NOVA_API_KEY`),
			},
			{
				PreConfig:   func() { t.Setenv(envAPIKey, testKey); t.Setenv(envTenantID, "acme\nbad") },
				Config:      dataOnly,
				ExpectError: regexp.MustCompile(`NOVA_TENANT_ID must not contain control characters`),
			},
			{
				// Never a silent switch to the real API: an empty address
				// is an error, in the environment and in the configuration.
				PreConfig:   func() { t.Setenv(envTenantID, testTenant); t.Setenv(envBaseURL, "") },
				Config:      dataOnly,
				ExpectError: regexp.MustCompile(`(?s)Empty Nova base URL.*NOVA_BASE_URL is set but empty`),
			},
			{
				Config:      strings.Replace(dataOnly, `provider "nova" {}`, `provider "nova" { base_url = "" }`, 1),
				ExpectError: regexp.MustCompile(`(?s)Invalid Nova base URL.*must be absolute`),
			},
			{
				PreConfig: func() { t.Setenv(envBaseURL, url+"/v1/") },
				Config:    dataOnly,
				ConfigStateChecks: []statecheck.StateCheck{
					batchAttr("status", knownvalue.StringExact("completed")),
				},
			},
			{
				// Configuration wins over the environment: the batch only
				// exists in the configured tenant.
				PreConfig: func() { t.Setenv(envTenantID, "tenant-from-env") },
				Config:    strings.Replace(dataOnly, `provider "nova" {}`, `provider "nova" { tenant_id = "globex" }`, 1),
				ConfigStateChecks: []statecheck.StateCheck{
					batchAttr("id", knownvalue.StringExact(other)),
				},
			},
		},
	})
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
