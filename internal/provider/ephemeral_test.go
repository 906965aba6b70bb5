package provider

import (
	"context"
	"fmt"
	"maps"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/dweet/terraform-provider-nova/internal/nova"
	"github.com/dweet/terraform-provider-nova/internal/novafake"
)

// Ephemeral results never reach state, so these tests hand them to the
// testing framework's echo provider, whose resource stores what its
// provider block was given. Conditions on ephemeral resources are tested at
// the CLI level instead (ephemeral_cli_test.go): Terraform before 1.15
// panics in `show -json`, which the framework runs after every apply, when
// an ephemeral resource has conditions and the plan succeeds.

// ephemeralSupported skips a test on CLIs without ephemeral resources:
// Terraform before 1.10, OpenTofu before 1.11.
type ephemeralSupported struct{}

func (ephemeralSupported) CheckTerraformVersion(_ context.Context, req tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	if reason := ephemeralUnsupported(req.TerraformVersion.Core().String(), isOpenTofu()); reason != "" {
		resp.Skip = reason
	}
}

// isOpenTofu follows the variable that points the tests at OpenTofu's
// registry host; terraform-plugin-testing's version check cannot tell the
// two CLIs apart.
func isOpenTofu() bool { return strings.Contains(os.Getenv("TF_ACC_PROVIDER_HOST"), "opentofu") }

// ephemeralUnsupported says why a CLI of the given core version cannot run
// ephemeral resources, or "" when it can.
func ephemeralUnsupported(v string, openTofu bool) string {
	name, minimum := cliTerraform, ephemeralMinTerraform
	if openTofu {
		name, minimum = cliOpenTofu, ephemeralMinOpenTofu
	}
	parsed, err := version.NewVersion(v)
	if err != nil {
		return fmt.Sprintf("cannot tell the %s version from %q: %v", name, v, err)
	}
	return skipReason(cliRelease{name: name, version: parsed}, name, minimum, "support for ephemeral resources")
}

// The first releases with ephemeral resources.
const (
	ephemeralMinTerraform = "1.10.0"
	ephemeralMinOpenTofu  = "1.11.0"
)

var protoV6WithEcho = map[string]func() (tfprotov6.ProviderServer, error){
	"nova": protoV6["nova"],
	"echo": echoprovider.NewProviderServer(),
}

const echoAddr = "echo.test"

// ephemeralConfig is a provider block, one ephemeral resource of the given
// type named "test", and an echo of its result.
func ephemeralConfig(baseURL, typ string, args ...string) string {
	return providerConfig(baseURL) + fmt.Sprintf(`
ephemeral %q "test" {
  %s
}
provider "echo" {
  data = ephemeral.%s.test
}
resource "echo" "test" {}
`, typ, strings.Join(args, "\n  "), typ)
}

func batchArgs(id string, args ...string) []string {
	return append([]string{fmt.Sprintf("job_id = %q", testJob), fmt.Sprintf("scoring_batch_id = %q", id)}, args...)
}

func echoed(name string, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(echoAddr, tfjsonpath.New("data").AtMapKey(name), v)
}

func echoedJob(i int, name string, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(echoAddr, tfjsonpath.New("data").AtMapKey("scoring_jobs").AtSliceIndex(i).AtMapKey(name), v)
}

func ephemeralTest(t *testing.T, steps ...resource.TestStep) {
	t.Helper()
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{ephemeralSupported{}},
		ProtoV6ProviderFactories: protoV6WithEcho,
		Steps:                    steps,
	})
}

// The ephemeral batch carries the data source's values, built by the same
// mapping.
func TestAccEphemeralBatchValues(t *testing.T) {
	t.Parallel()
	s, url := fakeNova(t)
	id := seed(t, s, novafake.BatchSpec{
		Jobs: []novafake.JobSpec{
			{ApplicationID: "app-001", Score: 8, Assessment: &novafake.Assessment{Verdict: "Strong.", Strengths: []string{"Go"}, Concerns: []string{}, InterviewFocus: []string{}}},
			{ApplicationID: "app-002", Score: 6},
		},
		Rejected: []novafake.RejectedSpec{{ApplicationID: "app-009", Reason: "RESUME_CORRUPTED", Message: "truncated"}},
	})
	ephemeralTest(t, resource.TestStep{
		Config: ephemeralConfig(url, "nova_scoring_batch", batchArgs(id, "require_completed = true")...),
		ConfigStateChecks: []statecheck.StateCheck{
			echoed("id", knownvalue.StringExact(id)),
			echoed("job_id", knownvalue.StringExact(testJob)),
			echoed("status", knownvalue.StringExact("completed")),
			echoed("finished", knownvalue.Bool(true)),
			echoed("total_jobs", knownvalue.Int64Exact(2)),
			echoed("completed_at", rfc3339),
			echoed("require_completed", knownvalue.Bool(true)),
			echoed("trace_id", knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{32}$`))),
			echoed("scores", knownvalue.MapExact(map[string]knownvalue.Check{"app-001": knownvalue.Float64Exact(8), "app-002": knownvalue.Float64Exact(6)})),
			echoedJob(0, "application_id", knownvalue.StringExact("app-001")),
			echoedJob(0, "assessment", knownvalue.ObjectPartial(map[string]knownvalue.Check{"verdict": knownvalue.StringExact("Strong.")})),
			echoedJob(1, "application_id", knownvalue.StringExact("app-002")),
			echoed("rejected_applications", knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectPartial(map[string]knownvalue.Check{
				"application_id": knownvalue.StringExact("app-009"), "reason": knownvalue.StringExact("RESUME_CORRUPTED"),
			})})),
		},
	})
}

func TestAccEphemeralBatchWithoutAssessments(t *testing.T) {
	t.Parallel()
	s, url := fakeNova(t)
	id := seed(t, s, novafake.BatchSpec{Jobs: []novafake.JobSpec{{ApplicationID: "app-001", Score: 8}}})
	ephemeralTest(t, resource.TestStep{
		Config: ephemeralConfig(url, "nova_scoring_batch", batchArgs(id, "include_assessments = false")...),
		ConfigStateChecks: []statecheck.StateCheck{
			echoedJob(0, "score", knownvalue.Float64Exact(8)),
			echoedJob(0, "assessment", knownvalue.Null()),
		},
	})
}

// require_completed fails the open on a failed batch, naming the batch,
// tenant, status, counts and the failed jobs by code, but no candidate.
func TestAccEphemeralBatchRequireCompletedFails(t *testing.T) {
	t.Parallel()
	s, url := fakeNova(t)
	id := seed(t, s, novafake.BatchSpec{ID: "batch-bad", Jobs: []novafake.JobSpec{
		{ApplicationID: "app-001", Score: 8},
		{ApplicationID: "app-002", Fail: true, ErrorCode: "RESUME_FETCH_FAILED", AfterPolls: 2},
		{ApplicationID: "app-003", Fail: true, ErrorCode: "RESUME_ENCRYPTED"},
	}})
	ephemeralTest(t, resource.TestStep{
		Config: ephemeralConfig(url, "nova_scoring_batch", batchArgs(id, "wait_for_completion = true", `poll_interval = "1s"`, "require_completed = true")...),
		ExpectError: regexp.MustCompile(`(?s)Nova scoring batch did not pass the gate.*The\s+scoring\s+batch\s+in\s+tenant\s+"acme-corp"\s+\(sandbox\)\s+did\s+not\s+pass\s+the\s+gate\s+\(status\s+failed,\s+1\s+completed,\s+2\s+failed,\s+0\s+pending\s+of\s+3\s+jobs\).*` +
			`Scoring\s+batch\s+batch-bad\s+has\s+2\s+failed\s+jobs,\s+more\s+than\s+the\s+0\s+allowed\s+\(by\s+error\s+code:\s+RESUME_ENCRYPTED:\s+1,\s+RESUME_FETCH_FAILED:\s+1\)`),
	})
}

// require takes the gate's policy and stops the open with the gate's
// reasons (TestGateDecisions shows they name no candidate); a misspelt key
// is an error.
func TestAccEphemeralBatchRequirePolicy(t *testing.T) {
	t.Parallel()
	s, url := fakeNova(t)
	current := s.DefaultCriteriaVersionID()
	good := seed(t, s, novafake.BatchSpec{ID: "batch-good", Jobs: []novafake.JobSpec{{ApplicationID: "app-001", Score: 8}, {ApplicationID: "app-002", Score: 7.5}}})
	low := seed(t, s, novafake.BatchSpec{ID: "batch-low", Jobs: []novafake.JobSpec{{ApplicationID: "app-001", Score: 8}, {ApplicationID: "app-002", Score: 4.25}}})
	policy := fmt.Sprintf("require = { min_score = 7, criteria_version_id = %q }", current)
	ephemeralTest(t,
		resource.TestStep{
			Config:      ephemeralConfig(url, "nova_scoring_batch", batchArgs(low, policy)...),
			ExpectError: regexp.MustCompile(`(?s)Nova scoring batch did not pass the gate.*Scoring\s+batch\s+batch-low\s+has\s+1\s+of\s+2\s+scored\s+applications\s+below\s+the\s+minimum\s+score\s+7\.`),
		},
		resource.TestStep{
			Config:      ephemeralConfig(url, "nova_scoring_batch", batchArgs(good, `require = { criteria_version_id = "cv-retired" }`)...),
			ExpectError: regexp.MustCompile(`Scoring\s+batch\s+batch-good\s+has\s+2\s+jobs\s+scored\s+against\s+criteria\s+` + regexp.QuoteMeta(current) + `,\s+not\s+the\s+current\s+cv-retired`),
		},
		resource.TestStep{
			Config:      ephemeralConfig(url, "nova_scoring_batch", batchArgs(good, "require = { min_scor = 7 }")...),
			ExpectError: regexp.MustCompile(`Invalid gate policy(?s:.*)unknown\s+key\s+"min_scor"`),
		},
		resource.TestStep{
			Config:            ephemeralConfig(url, "nova_scoring_batch", batchArgs(good, policy)...),
			ConfigStateChecks: []statecheck.StateCheck{echoed("status", knownvalue.StringExact("completed"))},
		},
	)
}

// Without a wait, require_completed refuses a batch that is still scoring.
func TestAccEphemeralBatchRequireCompletedPending(t *testing.T) {
	t.Parallel()
	s, url := fakeNova(t)
	id := seed(t, s, novafake.BatchSpec{Jobs: []novafake.JobSpec{{ApplicationID: "app-001", AfterPolls: 1000}}})
	ephemeralTest(t, resource.TestStep{
		Config:      ephemeralConfig(url, "nova_scoring_batch", batchArgs(id, "require_completed = true")...),
		ExpectError: regexp.MustCompile(`(?s)status\s+pending,\s+0\s+completed,\s+0\s+failed,\s+1\s+pending\s+of\s+1\s+jobs.*wait_for_completion\s+=\s+true`),
	})
}

// Failing steps come first: the framework's closing destroy opens the last
// step's ephemeral resource again, since the echo provider's block uses it.

// The wait and its timeout are the data source's: timeouts keeps the
// data source's { read } shape.
func TestAccEphemeralBatchWaits(t *testing.T) {
	t.Parallel()
	s, url := fakeNova(t)
	done := seed(t, s, novafake.BatchSpec{ID: "slow", Jobs: []novafake.JobSpec{{ApplicationID: "app-001", Score: 7, AfterPolls: 3}}})
	stuck := seed(t, s, novafake.BatchSpec{ID: "stuck", Jobs: []novafake.JobSpec{{ApplicationID: "app-001", AfterPolls: 1000}}})
	wait := []string{"wait_for_completion = true", `poll_interval = "1s"`, "require_completed = true"}
	ephemeralTest(t,
		resource.TestStep{
			Config:      ephemeralConfig(url, "nova_scoring_batch", batchArgs(stuck, append(wait, `timeouts = { read = "2s" }`)...)...),
			ExpectError: regexp.MustCompile(`(?s)Timed out waiting for scoring batch to finish.*"stuck".*timeouts.read\s+is\s+2s`),
		},
		resource.TestStep{
			Config:            ephemeralConfig(url, "nova_scoring_batch", batchArgs(done, wait...)...),
			ConfigStateChecks: []statecheck.StateCheck{echoed("status", knownvalue.StringExact("completed")), echoed("pending_jobs", knownvalue.Int64Exact(0))},
		},
	)
}

func TestAccEphemeralScoringJob(t *testing.T) {
	t.Parallel()
	s, url := fakeNova(t)
	seed(t, s, singleJobSpec())
	job := func(app, id string, args ...string) []string {
		return append([]string{`job_id = "job-123"`, fmt.Sprintf("application_id = %q", app), fmt.Sprintf("scoring_job_id = %q", id)}, args...)
	}
	ephemeralTest(t,
		resource.TestStep{
			Config: ephemeralConfig(url, "nova_scoring_job", job("app-002", "sj-002", "require_completed = true")...),
			ExpectError: regexp.MustCompile(`(?s)Nova scoring job did not pass the gate.*The\s+scoring\s+job\s+in\s+tenant\s+"acme-corp"\s+\(sandbox\)\s+did\s+not\s+pass\s+the\s+gate\s+\(status\s+failed\).*` +
				`The\s+scoring\s+job\s+has\s+1\s+failed\s+job,\s+more\s+than\s+the\s+0\s+allowed\s+\(by\s+error\s+code:\s+RESUME_ENCRYPTED:\s+1\)`),
		},
		resource.TestStep{
			Config: ephemeralConfig(url, "nova_scoring_job", job("app-001", "sj-001", "wait_for_completion = true", `poll_interval = "1s"`, "require_completed = true")...),
			ConfigStateChecks: []statecheck.StateCheck{
				echoed("status", knownvalue.StringExact("completed")),
				echoed("score", knownvalue.Float64Exact(8)),
				echoed("assessment", knownvalue.ObjectPartial(map[string]knownvalue.Check{"verdict": knownvalue.StringExact("Hire.")})),
			},
		},
	)
}

// Provider readiness is checked as for data sources.
func TestAccEphemeralBatchNeedsTenant(t *testing.T) {
	t.Parallel()
	_, url := fakeNova(t)
	ephemeralTest(t, resource.TestStep{
		Config: fmt.Sprintf(`
provider "nova" {
  api_key  = %q
  base_url = %q
}
ephemeral "nova_scoring_batch" "test" {
  job_id           = "job-123"
  scoring_batch_id = "b"
}
provider "echo" {
  data = ephemeral.nova_scoring_batch.test
}
resource "echo" "test" {}
`, testKey, url),
		ExpectError: regexp.MustCompile(`Nova tenant missing`),
	})
}

func TestEphemeralUnsupported(t *testing.T) {
	for _, c := range []struct {
		version string
		tofu    bool
		want    string
	}{
		{"1.5.7", false, "support for ephemeral resources needs Terraform 1.10.0 or later; the CLI under test is Terraform 1.5.7"},
		{"1.9.8", false, "needs Terraform 1.10.0"},
		{"1.10.0-beta1", false, "needs Terraform 1.10.0"},
		{"1.10.0", false, ""},
		{"1.11.4", false, ""},
		{"2.0.0", false, ""},
		{"1.10.5", true, "needs OpenTofu 1.11.0"},
		{"1.12.0", true, ""},
	} {
		got := ephemeralUnsupported(c.version, c.tofu)
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("ephemeralUnsupported(%s, tofu=%v) = %q, want %q", c.version, c.tofu, got, c.want)
		}
	}
}

// A large failed batch is reported by error code with counts: the
// diagnostic stays short, however many distinct codes a hostile answer
// holds, and names no candidate.
func TestGateFailedDiagnosticCountsByCode(t *testing.T) {
	jobs := make([]map[string]any, 0, 205)
	for i := range 205 {
		code := fmt.Sprintf("CODE_%02d", i%40)
		if i == 0 {
			code = ""
		}
		jobs = append(jobs, map[string]any{"id": fmt.Sprintf("sj-%03d", i), "application_id": fmt.Sprintf("app-%03d", i), "status": "failed", "error_code": code})
	}
	b := gateBatchFromValue(gateTestBatch(t, map[string]any{"status": "failed", "failed_jobs": 205, "scoring_jobs": jobs}))
	tg := target{kind: "scoring batch", description: `scoring batch "b" of job "j"`, tenant: "t", environment: "sandbox"}
	d := gateFailedDiagnostic(tg, "status failed", true, b, evaluateGate(b, gatePolicy{}))
	detail := d.Detail()
	for _, want := range []string{"has 205 failed jobs, more than the 0 allowed (by error code: (none): 1, CODE_00: 5, CODE_01: 6,", "CODE_08: 5 and 31 more)", `in tenant "t" (sandbox)`, "Nova Embed Portal", "nova_scoring_batch data source"} {
		if !strings.Contains(detail, want) {
			t.Errorf("detail lacks %q:\n%s", want, detail)
		}
	}
	if strings.Contains(detail, "app-") || strings.Contains(detail, "sj-") || strings.Contains(detail, "CODE_09") || len(detail) > 1000 {
		t.Errorf("names a candidate or grows with the batch:\n%s", detail)
	}
}

// The data source's configuration warnings apply to the ephemeral resource.
func TestEphemeralValidateConfigWarnsLikeDataSource(t *testing.T) {
	e, ok := newScoringBatchEphemeral().(ephemeral.EphemeralResourceWithValidateConfig)
	if !ok {
		t.Fatal("the ephemeral resource does not validate its configuration")
	}
	s := ephemeralSchemaOf(t, e)
	typ, ok := s.Type().TerraformType(t.Context()).(tftypes.Object)
	if !ok {
		t.Fatal("schema type is not an object")
	}
	vals := make(map[string]tftypes.Value, len(typ.AttributeTypes))
	for name, at := range typ.AttributeTypes {
		vals[name] = tftypes.NewValue(at, nil)
	}
	vals["poll_interval"] = tftypes.NewValue(tftypes.String, "2s")
	var resp ephemeral.ValidateConfigResponse
	e.ValidateConfig(t.Context(), ephemeral.ValidateConfigRequest{Config: tfsdk.Config{Schema: s, Raw: tftypes.NewValue(typ, vals)}}, &resp)
	if len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Summary() != "poll_interval without wait_for_completion" {
		t.Errorf("diagnostics: %v", resp.Diagnostics)
	}
}

// An open never skips a gate it cannot read: a require not known when the
// resource is opened is an error (while validating it is not checked yet),
// and require_completed is the empty policy.
func TestEphemeralRequiredPolicy(t *testing.T) {
	e, ok := newScoringBatchEphemeral().(*ephemeralResource[scoringBatchArgs, *nova.BatchResult])
	if !ok {
		t.Fatal("not a *ephemeralResource")
	}
	s := ephemeralSchemaOf(t, e)
	typ, ok := s.Type().TerraformType(t.Context()).(tftypes.Object)
	if !ok {
		t.Fatal("schema type is not an object")
	}
	config := func(set map[string]tftypes.Value) tfsdk.Config {
		vals := make(map[string]tftypes.Value, len(typ.AttributeTypes))
		for name, at := range typ.AttributeTypes {
			vals[name] = tftypes.NewValue(at, nil)
		}
		maps.Copy(vals, set)
		return tfsdk.Config{Schema: s, Raw: tftypes.NewValue(typ, vals)}
	}
	unknown := config(map[string]tftypes.Value{"require": tftypes.NewValue(tftypes.DynamicPseudoType, tftypes.UnknownValue)})
	if p, err := e.requiredPolicy(t.Context(), unknown, true); err == nil {
		t.Errorf("opening with an unknown require: policy %+v, no error", p)
	}
	if p, err := e.requiredPolicy(t.Context(), unknown, false); err != nil || p != nil {
		t.Errorf("validating with an unknown require: policy %+v, error %v", p, err)
	}
	completed := config(map[string]tftypes.Value{"require_completed": tftypes.NewValue(tftypes.Bool, true)})
	if p, err := e.requiredPolicy(t.Context(), completed, true); err != nil || p == nil || *p != (gatePolicy{}) {
		t.Errorf("require_completed = true: policy %+v, error %v", p, err)
	}
	if p, err := e.requiredPolicy(t.Context(), config(nil), true); err != nil || p != nil {
		t.Errorf("no gate asked for: policy %+v, error %v", p, err)
	}
}
