package clitest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

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
// the cases.
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

func TestCLIGateForEachOverScores(t *testing.T) {
	s, url := fakeNova(t)
	id := seed(t, s, novafake.BatchSpec{Jobs: []novafake.JobSpec{
		{ApplicationID: "app-001", Score: 8}, {ApplicationID: "app-002", Score: 6}, {ApplicationID: "app-003", Fail: true},
	}})
	w := newCLIWorkspace(t, providerConfig(url)+`
data "nova_scoring_batch" "test" {
  job_id           = "job-123"
  scoring_batch_id = "`+id+`"
}
resource "terraform_data" "notify" {
  for_each = data.nova_scoring_batch.test.scores
  input    = "${each.key} scored ${each.value}"
}
output "notified" {
  value = { for k, r in terraform_data.notify : k => r.output }
}`)
	out, err := w.run("apply", "-auto-approve", "-input=false")
	if err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	for _, want := range []string{`terraform_data.notify["app-001"]: Creation complete`, `terraform_data.notify["app-002"]: Creation complete`,
		`"app-001" = "app-001 scored 8"`, `"app-002" = "app-002 scored 6"`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("apply output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(string(out), "app-003") {
		t.Errorf("a failed job has no score and gets no instance:\n%s", out)
	}
}

// routedNova answers each request with what answer returns for its path,
// with a trace id, as a server the project does not control would: the
// bodies are written out by the test.
func routedNova(t *testing.T, answer func(path string) (int, string)) string {
	t.Helper()
	var served atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := served.Add(1)
		status, body := answer(r.URL.EscapedPath())
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Trace-Id", fmt.Sprintf("%032x", 0xfeed0000+n))
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(ts.Close)
	return ts.URL
}

var (
	batchPath    = regexp.MustCompile(`^/v1/jobs/[^/]+/scoring-batches/([^/]+)$`)
	criteriaPath = regexp.MustCompile(`^/v1/jobs/[^/]+/criteria/versions/current$`)
)

// freshnessNova serves a current criteria version cv-1, and batch "b1" with
// five scored jobs, the first on cv-1 and the others with criteriaVersionId
// null (all five on cv-1 when allVersioned).
func freshnessNova(t *testing.T, allVersioned bool) string {
	var jobs []string
	for i := range 5 {
		version := "null"
		if i == 0 || allVersioned {
			version = `"cv-1"`
		}
		jobs = append(jobs, fmt.Sprintf(`{"id":"sj-%d","jobId":"job-123","applicationId":"app-%d","status":"completed","score":%g,`+
			`"completedAt":"2025-12-14T10:31:20Z","criteriaVersionId":%s}`, i, i, 7.25+float64(i)/4, version))
	}
	batch := fmt.Sprintf(`{"batch":{"id":"b1","jobId":"job-123","status":"completed","totalJobs":5,"completedJobs":5,"failedJobs":0,`+
		`"createdAt":"2025-12-14T10:00:00Z","completedAt":"2025-12-14T10:31:20Z"},"scoringJobs":[%s],"rejectedApplications":[]}`, strings.Join(jobs, ","))
	url := routedNova(t, func(path string) (int, string) {
		switch {
		case batchPath.MatchString(path):
			return http.StatusOK, batch
		case criteriaPath.MatchString(path):
			return http.StatusOK, `{"id":"cv-1","version":1,"status":"ACTIVE","createdAt":"2025-12-01T00:00:00Z","archivedAt":null,"criteria":[]}`
		}
		return http.StatusNotFound, `{"code":"NOT_FOUND","message":"no such path"}`
	})
	return url
}

// documentedFreshnessConditions are the freshness conditions of every page
// and example a user copies: each one-line `condition = ...` on
// criteria_version_ids under templates/, examples/ and the README (the
// multi-line one of examples/pipeline-gate is run with its module), with
// the files that hold it.
func documentedFreshnessConditions(t *testing.T) map[string][]string {
	t.Helper()
	line := regexp.MustCompile(`(?m)^\s*condition\s*=\s*(.*self\.criteria_version_ids.*[^(\[])\s*$`)
	found := map[string][]string{}
	var files []string
	for _, root := range []string{"../../templates", "../../examples"} {
		err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && (strings.HasSuffix(path, ".tmpl") || strings.HasSuffix(path, ".tf")) {
				files = append(files, path)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	files = append(files, "../../README.md")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range line.FindAllStringSubmatch(string(b), -1) {
			found[m[1]] = append(found[m[1]], strings.TrimPrefix(f, "../../"))
		}
	}
	return found
}

// One job on the current criteria version and four that name none: every
// documented freshness gate stops the batch, and each opens when all five
// name the current version (a gate that never opens proves nothing).
func TestCLIFreshnessStopsUnversionedJobs(t *testing.T) {
	conditions := documentedFreshnessConditions(t)
	var files []string
	for _, fs := range conditions {
		files = append(files, fs...)
	}
	// The summary's example (shown on its page), the criteria version's
	// page, the gating, auditing and privacy guides, and the demo.
	if len(files) < 6 {
		t.Fatalf("found the freshness condition in only %d places: %v", len(files), conditions)
	}
	t.Logf("documented freshness conditions: %d distinct, in %s", len(conditions), strings.Join(files, ", "))
	unversioned, versioned := freshnessNova(t, false), freshnessNova(t, true)
	i := 0
	for cond, in := range conditions {
		i++
		file := strings.Join(in, ", ")
		t.Run(fmt.Sprintf("condition %d", i), func(t *testing.T) {
			t.Parallel()
			config := fmt.Sprintf(`
data "nova_criteria_version" "current" {
  job_id = "job-123"
}

data "nova_scoring_batch_summary" "gate" {
  job_id           = "job-123"
  scoring_batch_id = "b1"

  lifecycle {
    postcondition {
      condition     = %s
      error_message = "Freshness gate closed."
    }
  }
}
`, cond)
			out, err := newCLIWorkspace(t, providerConfig(unversioned)+config).run("plan", "-input=false")
			if err == nil || !wrappedText("Freshness gate closed.").Match(out) {
				t.Errorf("the condition of %s let four unversioned jobs through (%v):\n  %s\n%s", file, err, cond, out)
			}
			if out, err := newCLIWorkspace(t, providerConfig(versioned)+config).run("plan", "-input=false"); err != nil {
				t.Errorf("the condition of %s stops a fresh batch:\n  %s\n%s", file, cond, out)
			}
		})
	}
	t.Run("examples/pipeline-gate", func(t *testing.T) {
		t.Parallel()
		skipWithoutFunctions(t)
		for _, tc := range []struct {
			url  string
			want bool
		}{{unversioned, false}, {versioned, true}} {
			tf, dir, env := pipelineGateWorkspace(t, pipelineGateDir, "NOVA_BASE_URL="+tc.url, "NOVA_API_KEY="+testKey, "NOVA_TENANT_ID="+testTenant)
			out, err := runIn(t, tf, dir, env, "plan", "-input=false", "-refresh=false", "-var", "job_id=job-123", "-var", "scoring_batch_id=b1")
			planned := strings.Contains(out, "terraform_data.deploy will be created")
			switch {
			case tc.want && (err != nil || !planned):
				t.Errorf("the example stops a fresh batch: %v\n%s", err, out)
			case !tc.want && (err == nil || planned || !wrappedText("naming no criteria version").MatchString(out)):
				t.Errorf("the example deploys a batch with four unversioned jobs, or stops it for another reason: %v\n%s", err, out)
			}
		}
	})
}
