package provider

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/dweet/terraform-provider-nova/internal/novafake"
)

// gateCLIDeploy gates terraform_data.deploy on local.gate, which the case
// defines, and outputs the decision.
const gateCLIDeploy = `
resource "terraform_data" "deploy" {
  input = "deploy"
  lifecycle {
    precondition {
      condition     = local.gate.passed
      error_message = "Gate: ${join(" | ", local.gate.reasons)} |"
    }
  }
}
output "passed" {
  value = local.gate.passed
}
output "first_reason" {
  value = length(local.gate.reasons) > 0 ? local.gate.reasons[0] : "(none)"
}
`

// gateCLIBatch is a full batch data source named "b" and the gate on it.
func gateCLIBatch(batchID, policy string) string {
	return fmt.Sprintf(`
data "nova_scoring_batch" "b" {
  job_id              = %q
  scoring_batch_id    = %q
  include_assessments = false
}
locals {
  gate = provider::nova::gate(data.nova_scoring_batch.b, %s)
}
`, testJob, batchID, policy) + gateCLIDeploy
}

// The gate on the CLI under test, case by case: what it decides and the
// first reason it gives, with how the plan or apply ends. A null batch or
// policy, in any form, is an error on both CLIs: never a pass, and never an
// unknown result that a precondition would skip. The log is the table of
// the gate's closing note.
func TestCLIGateTable(t *testing.T) {
	skipWithoutFunctions(t)
	s, url := fakeNova(t)
	if _, err := s.AddCriteriaVersion(novafake.CriteriaVersionSpec{Tenant: testTenant, JobID: testJob, ID: s.DefaultCriteriaVersionID()}); err != nil {
		t.Fatal(err)
	}
	current := s.DefaultCriteriaVersionID()
	completed := seed(t, s, novafake.BatchSpec{ID: "b-completed", Jobs: []novafake.JobSpec{{ApplicationID: "app-001", Score: 8.5}, {ApplicationID: "app-002", Score: 7}}})
	failed := seed(t, s, novafake.BatchSpec{ID: "b-failed", Jobs: []novafake.JobSpec{{ApplicationID: "app-001", Score: 9}, {ApplicationID: "app-002", Fail: true, ErrorCode: "RESUME_FETCH_FAILED"}}})
	low := seed(t, s, novafake.BatchSpec{ID: "b-low", Jobs: []novafake.JobSpec{{ApplicationID: "app-001", Score: 9}, {ApplicationID: "app-002", Score: 4.25}}})
	staleUnversioned := seed(t, s, novafake.BatchSpec{ID: "b-stale", Jobs: []novafake.JobSpec{
		{ApplicationID: "app-001", Score: 9},
		{ApplicationID: "app-002", Score: 8, CriteriaVersionID: "cv-before"},
		{ApplicationID: "app-003", Score: 8, NoCriteriaVersion: true},
	}})
	fresh := `{ min_score = 7, criteria_version_id = data.nova_criteria_version.current.id }`
	criteria := `
data "nova_criteria_version" "current" {
  job_id = "` + testJob + `"
}
`
	type gateCase struct {
		name, config string
		deferred     bool   // the batch id is unknown until apply
		passed       string // true, false, or error
		reason       string // the first reason, or the error's text
	}
	cases := []gateCase{
		{name: "completed batch", config: criteria + gateCLIBatch(completed, fresh), passed: "true", reason: "(none)"},
		{name: "failed batch", config: gateCLIBatch(failed, "{}"), passed: "false",
			reason: "Scoring batch b-failed has 1 failed job, more than the 0 allowed (by error code: RESUME_FETCH_FAILED: 1)."},
		{name: "low score", config: criteria + gateCLIBatch(low, fresh), passed: "false",
			reason: "Scoring batch b-low has 1 of 2 scored applications below the minimum score 7."},
		{name: "stale and unversioned criteria", config: criteria + gateCLIBatch(staleUnversioned, fresh), passed: "false",
			reason: "Scoring batch b-stale has 1 job naming no criteria version, which cannot be shown to be scored against criteria " + current + "."},
		{name: "summary with withheld statistics", passed: "false", config: fmt.Sprintf(`
data "nova_scoring_batch_summary" "b" {
  job_id           = %q
  scoring_batch_id = %q
}
locals {
  gate = provider::nova::gate(data.nova_scoring_batch_summary.b, { min_score = 7 })
}
`, testJob, completed) + gateCLIDeploy,
			reason: "Scoring batch b-completed has its score statistics withheld (score_min is null: fewer than min_group_size scored applications, or the batch is not finished), so the summary cannot show that every score is at least 7. Gate on the nova_scoring_batch data source, or the ephemeral nova_scoring_batch with require."},
		{name: "null batch (literal)", passed: "error", config: `
locals {
  gate = provider::nova::gate(null, {})
}
` + gateCLIDeploy, reason: `Invalid value for "batch" parameter: argument must not be null.`},
		{name: "null batch (untyped variable)", passed: "error", config: `
variable "batch" {
  default = null
}
locals {
  gate = provider::nova::gate(var.batch, {})
}
` + gateCLIDeploy, reason: `Invalid value for "batch" parameter: argument must not be null.`},
		{name: "null policy", passed: "error", config: `
locals {
  gate = provider::nova::gate(data.nova_scoring_batch.b, null)
}
data "nova_scoring_batch" "b" {
  job_id           = "` + testJob + `"
  scoring_batch_id = "` + failed + `"
}
` + gateCLIDeploy, reason: `Invalid value for "policy" parameter: argument must not be null.`},
		{name: "misspelled key", passed: "error", config: gateCLIBatch(failed, "{ min_scor = 7 }"),
			reason: `Invalid value for "policy" parameter: Invalid gate policy: the policy has unknown key "min_scor"; the keys are min_score, max_failed_jobs, criteria_version_id, max_age, now.`},
		{name: "deferred read", deferred: true, passed: "false", config: `
resource "terraform_data" "batch_id" {
  input = "` + failed + `"
}
data "nova_scoring_batch" "b" {
  job_id           = "` + testJob + `"
  scoring_batch_id = terraform_data.batch_id.output
}
locals {
  gate = provider::nova::gate(data.nova_scoring_batch.b, {})
}
` + gateCLIDeploy, reason: "Scoring batch b-failed has 1 failed job, more than the 0 allowed (by error code: RESUME_FETCH_FAILED: 1)."},
	}
	rows := []string{"| case | passed | first reason (or error) | how the run ends |", "|---|---|---|---|"}
	errorText := regexp.MustCompile(`(?s)Error: Invalid function argument.*?while calling provider::nova::gate\(batch, policy\).*?\n\n(Invalid value for .*?)(?:\n\n|$)`)
	gateText := regexp.MustCompile(`(?s)Gate: (.*?) \|`)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newCLIWorkspace(t, providerConfig(url)+tc.config)
			var passed, reason, ends string
			if tc.deferred {
				out, err := w.run("plan", "-input=false")
				if err != nil {
					t.Fatalf("plan failed: %v\n%s", err, out)
				}
				// The gate is unknown at plan and the deployment is
				// planned; the precondition is checked at apply.
				if !strings.Contains(string(out), "terraform_data.deploy will be created") || !regexp.MustCompile(`passed\s+= \(known after apply\)`).Match(out) {
					t.Fatalf("the plan does not defer the gate:\n%s", out)
				}
				ends = "plan: passed (known after apply), deploy planned; apply: "
			}
			out, err := w.run("apply", "-auto-approve", "-input=false")
			flat := strings.Join(strings.Fields(string(out)), " ")
			switch {
			case err == nil:
				var outputs map[string]struct{ Value any }
				o, oerr := w.command("output", "-json").Output()
				if oerr != nil || json.Unmarshal(o, &outputs) != nil {
					t.Fatalf("output -json: %v\n%s", oerr, o)
				}
				passed, reason = fmt.Sprint(outputs["passed"].Value), fmt.Sprint(outputs["first_reason"].Value)
				ends += "deploy created"
				if !strings.Contains(string(w.state()), `"terraform_data"`) {
					t.Errorf("apply succeeded without creating the deployment:\n%s", out)
				}
			case gateText.MatchString(flat):
				passed, reason = "false", gateText.FindStringSubmatch(flat)[1]
				ends += "precondition failed, nothing created"
			case errorText.MatchString(string(out)):
				passed = "error"
				reason = strings.Join(strings.Fields(errorText.FindStringSubmatch(string(out))[1]), " ")
				ends += "function error, nothing created"
			default:
				t.Fatalf("apply failed, but not at the gate: %v\n%s", err, out)
			}
			if err != nil && strings.Contains(string(out), "terraform_data.deploy: Creation complete") {
				t.Errorf("the deployment was created:\n%s", out)
			}
			if passed != tc.passed || reason != tc.reason {
				t.Errorf("passed %s, first reason %q; want %s, %q\n%s", passed, reason, tc.passed, tc.reason, out)
			}
			for _, secret := range []string{"app-00", "4.25"} {
				if strings.Contains(reason, secret) {
					t.Errorf("the reason names a candidate or a score (%s): %q", secret, reason)
				}
			}
			rows = append(rows, fmt.Sprintf("| %s | %s | %s | %s |", tc.name, passed, reason, ends))
		})
	}

	t.Run("ephemeral require", func(t *testing.T) {
		skipWithoutEphemeral(t)
		w := newCLIWorkspace(t, providerConfig(url)+criteria+fmt.Sprintf(`
ephemeral "nova_scoring_batch" "b" {
  job_id           = %q
  scoring_batch_id = %q
  require          = { min_score = 7, criteria_version_id = data.nova_criteria_version.current.id }
}
resource "terraform_data" "deploy" {
  lifecycle {
    precondition {
      condition     = ephemeral.nova_scoring_batch.b.status == "completed"
      error_message = "not completed"
    }
  }
}
`, testJob, low))
		out, err := w.run("plan", "-input=false")
		if err == nil {
			t.Fatalf("plan succeeded:\n%s", out)
		}
		m := regexp.MustCompile(`(?s)Error: Nova scoring batch did not pass the gate.*?\n\s*[│ ]*- (.*?)(?:\n[│ ]*\n|$)`).FindSubmatch(out)
		if m == nil {
			t.Fatalf("the open did not fail at require:\n%s", out)
		}
		reason := strings.Join(strings.Fields(strings.ReplaceAll(string(m[1]), "│", "")), " ")
		if want := "Scoring batch b-low has 1 of 2 scored applications below the minimum score 7."; reason != want {
			t.Errorf("first reason %q, want %q", reason, want)
		}
		rows = append(rows, fmt.Sprintf("| ephemeral require | false | %s | open failed: Nova scoring batch did not pass the gate |", reason))
	})
	t.Logf("%s:\n%s", testedCLI(t), strings.Join(rows, "\n"))
}

// The function as an acceptance test sees it: the object it returns, for a
// batch that passes and one that does not.
func TestAccGateFunction(t *testing.T) {
	t.Parallel()
	s, url := fakeNova(t)
	good := seed(t, s, novafake.BatchSpec{ID: "b-good", Jobs: []novafake.JobSpec{{ApplicationID: "app-001", Score: 8}}})
	bad := seed(t, s, novafake.BatchSpec{ID: "b-bad", Jobs: []novafake.JobSpec{{ApplicationID: "app-001", Score: 8}, {ApplicationID: "app-002", Fail: true, ErrorCode: "TIMEOUT"}}})
	config := func(id string) string {
		return batchConfig(url, id) + `
output "gate" {
  value = provider::nova::gate(data.nova_scoring_batch.test, { min_score = 7 })
}
`
	}
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{
			{
				Config: config(good),
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownOutputValue("gate", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"passed": knownvalue.Bool(true), "reasons": knownvalue.ListExact([]knownvalue.Check{}),
				}))},
			},
			{
				Config: config(bad),
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownOutputValue("gate", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"passed": knownvalue.Bool(false),
					"reasons": knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringExact("Scoring batch b-bad has 1 failed job, more than the 0 allowed (by error code: TIMEOUT: 1)."),
					}),
				}))},
			},
		},
	})
}
