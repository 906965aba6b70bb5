package provider

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dweet/terraform-provider-nova/internal/novafake"
)

// The ephemeral examples shipped in examples/ (and rendered into the docs)
// are planned as written against failed, pending, weak and good results:
// each outcome must be the gate's own message, or a plan that passes.
func TestCLIShippedEphemeralGates(t *testing.T) {
	skipWithoutEphemeral(t)
	job := func(score float64, fail bool, polls int) []novafake.JobSpec {
		return []novafake.JobSpec{
			{ApplicationID: "app-001", ID: "sj-001", Score: 8, Fail: fail, ErrorCode: "RESUME_FETCH_FAILED", AfterPolls: polls},
			{ApplicationID: "app-002", ID: "sj-002", Score: score, Fail: fail, ErrorCode: "RESUME_ENCRYPTED", AfterPolls: polls},
		}
	}
	cases := []struct {
		example, name string
		jobs          []novafake.JobSpec
		want          []string // in the output of a failed plan; none: the plan passes
	}{
		{"nova_scoring_batch", "failed", job(0, true, 0), []string{"Nova scoring batch not completed", "app-001: RESUME_FETCH_FAILED", "app-002: RESUME_ENCRYPTED"}},
		{"nova_scoring_batch", "pending", job(0, false, 1_000_000), []string{"Nova scoring batch not completed", "It has not finished"}},
		{"nova_scoring_batch", "weak", job(3, false, 0), []string{"At least one candidate scored below 5."}},
		{"nova_scoring_batch", "good", job(6, false, 0), nil},
		{"nova_scoring_job", "failed", job(0, true, 0), []string{"Nova scoring job not completed", "app-002: RESUME_ENCRYPTED"}},
		{"nova_scoring_job", "pending", job(0, false, 1_000_000), []string{"Nova scoring job not completed", "It has not finished"}},
		{"nova_scoring_job", "weak", job(5, false, 0), []string{"The candidate scored below 7."}},
		{"nova_scoring_job", "good", job(9, false, 0), nil},
	}
	for _, c := range cases {
		t.Run(c.example+"/"+c.name, func(t *testing.T) {
			t.Parallel()
			src, err := os.ReadFile(filepath.Join("..", "..", "examples", "ephemeral-resources", c.example, "ephemeral-resource.tf"))
			if err != nil {
				t.Fatal(err)
			}
			config := string(src)
			if c.name == "pending" {
				// A wait on a job that never finishes would only time out.
				config = strings.ReplaceAll(config, "wait_for_completion = true", "wait_for_completion = false")
			}
			s, url := fakeNova(t)
			seed(t, s, novafake.BatchSpec{ID: "batch-1", Jobs: c.jobs})
			args := []string{"plan", "-input=false"}
			if strings.Contains(config, `variable "batch_id"`) {
				args = append(args, "-var=batch_id=batch-1")
			}
			out, err := newCLIWorkspace(t, providerConfig(url)+config).run(args...)
			flat := strings.Join(strings.Fields(string(out)), " ")
			if c.want == nil {
				if err != nil {
					t.Fatalf("the gate should pass:\n%s", out)
				}
				return
			}
			if err == nil {
				t.Fatalf("the gate did not stop the plan:\n%s", out)
			}
			for _, w := range c.want {
				if !strings.Contains(flat, w) {
					t.Errorf("the output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}
