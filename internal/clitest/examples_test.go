package clitest

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/dweet/terraform-provider-nova/internal/novafake"
)

// examples/pipeline-gate is the module users copy to gate a pipeline. These
// tests run it the two ways a user does, under whichever CLI the suite runs
// with, so that the compatibility matrix proves it on each: `terraform test`
// with its mocks, and a plan against a Nova server (novafake), which also
// proves its conditions on real, null-bearing provider values on every CLI,
// including those too old for `terraform test`.

const (
	pipelineGateDir = "../../examples/pipeline-gate"
	// pipelineGateLegacyDir is the hand-written gate for Terraform 1.5 to
	// 1.7, which cannot call provider::nova::gate.
	pipelineGateLegacyDir = "../../examples/pipeline-gate-legacy"
)

// pipelineGateWorkspace copies an example module (with its tests and
// mocks) into a temporary directory and returns it with the environment
// that runs the CLI on the built provider through dev_overrides.
func pipelineGateWorkspace(t *testing.T, example string, env ...string) (tf, dir string, environ []string) {
	t.Helper()
	tf = terraformBinary(t)
	root := t.TempDir()
	dir = filepath.Join(root, filepath.Base(example))
	if err := os.CopyFS(dir, os.DirFS(example)); err != nil {
		t.Fatal(err)
	}
	// Leftovers from running the CLI in the example directory by hand.
	for _, leftover := range []string{".terraform", ".terraform.lock.hcl", "terraform.tfstate"} {
		if err := os.RemoveAll(filepath.Join(dir, leftover)); err != nil {
			t.Fatal(err)
		}
	}
	environ = append(os.Environ(), "TF_CLI_CONFIG_FILE="+devOverridesRC(t), "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
	return tf, dir, append(environ, env...)
}

func runIn(t *testing.T, tf, dir string, env []string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), tf, append(args, "-no-color")...)
	cmd.Dir = dir
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// Every run of the example's test file passes under the CLI under test:
// Terraform reads tests/*.tftest.hcl (mocks from mocks/), OpenTofu the
// generated tests/*.tofutest.hcl (mocks inline).
func TestExamplePipelineGateMockedTests(t *testing.T) {
	skipBelowTerraform(t, functionsMinTerraform, "terraform test of a module that calls provider::nova::gate")
	skipBelowOpenTofu(t, "1.8.0", "tofu test with mock_provider")
	tf, dir, env := pipelineGateWorkspace(t, pipelineGateDir)

	// The number of runs the file declares: each must be reported as passed.
	var runs int
	err := filepath.WalkDir(filepath.Join(dir, "tests"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || !strings.HasSuffix(path, ".tftest.hcl") {
			return err
		}
		b, err := os.ReadFile(path)
		runs += len(regexp.MustCompile(`(?m)^run "`).FindAll(b, -1))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	out, err := runIn(t, tf, dir, env, "test")
	if err != nil {
		t.Fatalf("test failed: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`Success! (\d+) passed, 0 failed`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no success summary:\n%s", out)
	}
	if passed, _ := strconv.Atoi(m[1]); passed != runs || runs < 5 {
		t.Fatalf("%d runs passed, the test file declares %d:\n%s", passed, runs, out)
	}
}

// The examples gate real provider values the way their mocks say they do,
// each on every CLI it supports: a failed job has no score and no
// completed_at, and the gate reports it instead of failing on a null.
func TestExamplePipelineGateAgainstNovafake(t *testing.T) {
	s, url := fakeNova(t)
	completed := seed(t, s, novafake.BatchSpec{Jobs: []novafake.JobSpec{
		{ApplicationID: "app-001", Score: 8.5},
		{ApplicationID: "app-002", Score: 7},
	}})
	partiallyFailed := seed(t, s, novafake.BatchSpec{Jobs: []novafake.JobSpec{
		{ApplicationID: "app-001", Score: 9},
		{ApplicationID: "app-002", Fail: true, ErrorCode: "RESUME_FETCH_FAILED"},
	}})
	lowScore := seed(t, s, novafake.BatchSpec{Jobs: []novafake.JobSpec{
		{ApplicationID: "app-001", Score: 9},
		{ApplicationID: "app-002", Score: 4},
	}})
	pending := seed(t, s, novafake.BatchSpec{Jobs: []novafake.JobSpec{
		{ApplicationID: "app-001", Score: 9},
		{ApplicationID: "app-002", AfterPolls: 1_000_000},
	}})
	// The jobs above were scored against the server's default criteria
	// version: make it the job's current one, and score one batch against
	// an older version and one with a job that names none.
	if _, err := s.AddCriteriaVersion(novafake.CriteriaVersionSpec{Tenant: testTenant, JobID: testJob, ID: s.DefaultCriteriaVersionID()}); err != nil {
		t.Fatal(err)
	}
	current := regexp.QuoteMeta(s.DefaultCriteriaVersionID())
	stale := seed(t, s, novafake.BatchSpec{Jobs: []novafake.JobSpec{
		{ApplicationID: "app-001", Score: 9, CriteriaVersionID: "cv-before"},
		{ApplicationID: "app-002", Score: 8},
	}})
	// One job names the current version, four name none: a freshness check
	// that only looks for the current version among the jobs passes it.
	unversioned := seed(t, s, novafake.BatchSpec{Jobs: []novafake.JobSpec{
		{ApplicationID: "app-001", Score: 9},
		{ApplicationID: "app-002", Score: 8, NoCriteriaVersion: true},
		{ApplicationID: "app-003", Score: 8, NoCriteriaVersion: true},
		{ApplicationID: "app-004", Score: 8, NoCriteriaVersion: true},
		{ApplicationID: "app-005", Score: 8, NoCriteriaVersion: true},
	}})

	type gateCase struct {
		name, batch string
		args        []string
		wantErr     string // a regexp; empty: the plan succeeds
	}
	for _, example := range []struct {
		dir   string
		skip  func(t *testing.T)
		cases []gateCase
	}{
		{pipelineGateDir, skipWithoutFunctions, []gateCase{
			{"completed", completed, nil, ""},
			{"pending", pending, []string{"-var", "wait_for_completion=false"}, `Resource precondition failed(?s:.*)Not\s+deploying:\s+Scoring\s+batch\s+` + pending +
				`\s+is\s+not\s+finished\s+\(status\s+pending,\s+1\s+of\s+2\s+jobs\s+pending\)`},
			{"partially failed", partiallyFailed, nil, `Resource precondition failed(?s:.*)Not\s+deploying:\s+Scoring\s+batch\s+` + partiallyFailed +
				`\s+has\s+1\s+failed\s+job,\s+more\s+than\s+the\s+0\s+allowed\s+\(by\s+error\s+code:\s+RESUME_FETCH_FAILED:\s+1\)`},
			{"stale criteria", stale, nil, `Resource precondition failed(?s:.*)Scoring\s+batch\s+` + stale + `\s+has\s+1\s+job\s+scored\s+against\s+criteria\s+cv-before,\s+not\s+the\s+current\s+` + current},
			{"unversioned criteria", unversioned, nil, `Resource precondition failed(?s:.*)Scoring\s+batch\s+` + unversioned + `\s+has\s+4\s+jobs\s+naming\s+no\s+criteria\s+version`},
			{"low score", lowScore, nil, `Resource precondition failed(?s:.*)Scoring\s+batch\s+` + lowScore + `\s+has\s+1\s+of\s+2\s+scored\s+applications\s+below\s+the\s+minimum\s+score\s+7\.`},
		}},
		{pipelineGateLegacyDir, func(*testing.T) {}, []gateCase{
			{"completed", completed, nil, ""},
			// Read once: the batch, its completed_at and one job's score are null.
			{"pending", pending, []string{"-var", "wait_for_completion=false"}, `Resource postcondition failed(?s:.*)Scoring\s+batch\s+` + pending +
				`\s+is\s+not\s+finished\s+\(status\s+pending,\s+1\s+of\s+2\s+jobs\s+pending,\s+created\s+\d{4}-`},
			{"partially failed", partiallyFailed, nil, `Resource postcondition failed(?s:.*)Scoring batch\s+` + partiallyFailed +
				`\s+ended\s+failed:\s+1\s+of\s+2\s+jobs\s+failed;\s+failed\s+applications:\s+app-002\s+\(RESUME_FETCH_FAILED\)`},
			{"stale criteria", stale, nil, `Resource precondition failed(?s:.*)Scoring\s+batch\s+` + stale + `\s+is\s+not\s+fresh:\s+1\s+of\s+2\s+jobs\s+were\s+scored\s+against\s+criteria\s+other\s+than\s+the\s+job's\s+current\s+` + current + `\s+or\s+name\s+none\s+\(cv-before\)`},
			{"unversioned criteria", unversioned, nil, `Resource precondition failed(?s:.*)Scoring\s+batch\s+` + unversioned + `\s+is\s+not\s+fresh:\s+4\s+of\s+5\s+jobs`},
			{"low score", lowScore, nil, `Resource precondition failed(?s:.*)Not\s+deploying:\s+every\s+candidate\s+needs\s+a\s+score\s+of\s+at\s+least\s+7;\s+below\s+it:\s+\{"app-002":4\}`},
		}},
	} {
		t.Run(filepath.Base(example.dir), func(t *testing.T) {
			example.skip(t)
			tf, dir, env := pipelineGateWorkspace(t, example.dir,
				"NOVA_BASE_URL="+url, "NOVA_API_KEY="+testKey, "NOVA_TENANT_ID="+testTenant)
			for _, tc := range example.cases {
				t.Run(tc.name, func(t *testing.T) {
					args := append([]string{"plan", "-input=false", "-refresh=false",
						"-var", "job_id=" + testJob, "-var", "scoring_batch_id=" + tc.batch}, tc.args...)
					out, err := runIn(t, tf, dir, env, args...)
					if tc.wantErr == "" {
						if err != nil {
							t.Fatalf("plan failed: %v\n%s", err, out)
						}
						if !strings.Contains(out, "terraform_data.deploy will be created") {
							t.Errorf("the deployment step is not planned:\n%s", out)
						}
						return
					}
					if err == nil {
						t.Fatalf("plan succeeded, want %s:\n%s", tc.wantErr, out)
					}
					if !regexp.MustCompile(tc.wantErr).MatchString(out) {
						t.Errorf("plan output does not match %s:\n%s", tc.wantErr, out)
					}
					if strings.Contains(out, "must not be null") || strings.Contains(out, "Invalid template interpolation") {
						t.Errorf("a condition failed on a null instead of reporting the batch:\n%s", out)
					}
					if strings.Contains(out, "terraform_data.deploy will be created") {
						t.Errorf("the deployment step is planned:\n%s", out)
					}
				})
			}
		})
	}
}

// TestDocSnippets plans the ephemeral examples as written, and against
// failed and pending batches (they are marked as gates). What it cannot
// see is the other half of each gate: a batch that completed, but with a
// candidate below the example's bar, must stop the plan with the example's
// own message.
func TestCLIShippedEphemeralGatesOnLowScores(t *testing.T) {
	skipWithoutEphemeral(t)
	for _, c := range []struct {
		example string
		jobs    []novafake.JobSpec
		want    string
	}{
		{"nova_scoring_batch", []novafake.JobSpec{{ApplicationID: "app-001", Score: 8}, {ApplicationID: "app-002", Score: 3}}, "At least one candidate scored below 5."},
		{"nova_scoring_job", []novafake.JobSpec{{ApplicationID: "app-003", ID: "sj-completed-003", Score: 5}}, "The candidate scored below 7."},
	} {
		t.Run(c.example, func(t *testing.T) {
			t.Parallel()
			src, err := os.ReadFile(filepath.Join("..", "..", "examples", "ephemeral-resources", c.example, "ephemeral-resource.tf"))
			if err != nil {
				t.Fatal(err)
			}
			s, url := fakeNova(t)
			seed(t, s, novafake.BatchSpec{ID: "batch-completed", Jobs: c.jobs})
			args := []string{"plan", "-input=false"}
			if strings.Contains(string(src), `variable "batch_id"`) {
				args = append(args, "-var=batch_id=batch-completed")
			}
			out, err := newCLIWorkspace(t, providerConfig(url)+string(src)).run(args...)
			if err == nil {
				t.Fatalf("the gate did not stop the plan:\n%s", out)
			}
			if flat := strings.Join(strings.Fields(string(out)), " "); !strings.Contains(flat, c.want) {
				t.Errorf("the output lacks %q:\n%s", c.want, out)
			}
		})
	}
}

// The shipped gate on the aggregate record, run as written against the
// demo seed: it opens on a completed batch scored 7 or more against the
// current criteria, and stops with its own message on a stale, a failed, a
// too small and a pending batch.
func TestCLISummaryGateExample(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "..", "examples", "data-sources", "nova_scoring_batch_summary", "data-source.tf"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join("..", "..", "examples", "demo", "seed.json"))
	if err != nil {
		t.Fatal(err)
	}
	demo, err := novafake.DecodeSeed(f)
	_ = f.Close()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		batch, want string
	}{
		{"batch-shortlist", ""},
		{"batch-stale", "Scoring batch batch-stale was scored against criteria cv-2025-11, but the job's current criteria are cv-2026-02: re-score before promoting."},
		{"batch-failed", "Scoring batch batch-failed is failed: 1 of 3 jobs failed"},
		{"batch-completed", "Scoring batch batch-completed: the lowest score band starts at a value not published (fewer than 5 applications in it); every candidate needs 7."},
		{"batch-pending", "Scoring batch batch-pending is pending: 0 of 5 jobs failed"},
	} {
		t.Run(tc.batch, func(t *testing.T) {
			t.Parallel()
			s, url := fakeNova(t)
			if err := s.Load(demo); err != nil {
				t.Fatal(err)
			}
			config := strings.ReplaceAll(string(src), `"batch-shortlist"`, `"`+tc.batch+`"`)
			if tc.batch == "batch-pending" {
				var jobs []novafake.JobSpec
				for _, app := range []string{"app-501", "app-502", "app-503", "app-504", "app-505"} {
					jobs = append(jobs, novafake.JobSpec{ApplicationID: app, Score: 9, CriteriaVersionID: "cv-2026-02", AfterPolls: 1_000_000})
				}
				seed(t, s, novafake.BatchSpec{ID: tc.batch, Jobs: jobs})
				// Read once: a wait on a batch that never finishes would only time out.
				config = strings.ReplaceAll(config, "wait_for_completion = true", "wait_for_completion = false")
			}
			out, err := newCLIWorkspace(t, providerConfig(url)+config).run("plan", "-input=false")
			if tc.want == "" {
				if err != nil || !strings.Contains(string(out), `score_min    = 7`) {
					t.Fatalf("the gate should open:\n%s", out)
				}
				return
			}
			if err == nil {
				t.Fatalf("the gate did not stop the plan:\n%s", out)
			}
			if !wrappedText(tc.want).Match(out) {
				t.Fatalf("the example's message %q is not in the output:\n%s", tc.want, out)
			}
		})
	}
}
