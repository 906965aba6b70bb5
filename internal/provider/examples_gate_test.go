package provider

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/dweet/terraform-provider-nova/internal/novafake"
)

// Every gating example shipped in examples/ (and rendered into the docs) is
// run as written against a failed and a pending scoring job, and the
// person running it must see the example's own error_message, not a
// Terraform evaluation error such as "argument must not be null" (Terraform
// before 1.12 evaluates both sides of &&). A pending job is read once: the
// examples that wait are switched to a single read, since a wait on a job
// that never finishes would only time out.
func TestCLIShippedGatesOnFailedAndPendingJobs(t *testing.T) {
	type outcome struct {
		failed, pending string // the message expected; "" when the gate passes
	}
	examples := []struct {
		file    string
		want    outcome
		warning bool // a check block warns instead of failing
	}{
		{"nova_scoring_batch/postcondition.tf", outcome{
			failed:  `Scoring batch batch-2024-06-01 is failed: 2 of 2 jobs failed.`,
			pending: `Scoring batch batch-2024-06-01 is pending: 0 of 2 jobs failed.`,
		}, false},
		{"nova_scoring_batch/precondition.tf", outcome{
			failed:  `Every shortlisted candidate needs a score of at least 6: {}.`,
			pending: `Every shortlisted candidate needs a score of at least 6: {}.`,
		}, false},
		{"nova_scoring_batch/check.tf", outcome{
			failed: `Scoring batch batch-2024-06-04: 2 of 2 jobs failed.`,
		}, true},
		{"nova_scoring_job/data-source.tf", outcome{
			failed:  `Scoring job sj-001 failed: RESUME_FETCH_FAILED.`,
			pending: `Scoring job sj-001 pending: no error code.`,
		}, false},
		{"nova_scoring_job/gate.tf", outcome{
			failed:  `Application app-002 is not ready for an interview: status failed, score none.`,
			pending: `Application app-002 is not ready for an interview: status pending, score none.`,
		}, false},
		{"nova_application_score/data-source.tf", outcome{
			failed:  `Application app-001 scored none (status failed); 7 is needed.`,
			pending: `Application app-001 scored none (status pending); 7 is needed.`,
		}, false},
	}
	batchID := regexp.MustCompile(`scoring_batch_id\s*=\s*"([^"]+)"`)
	for _, ex := range examples {
		src, err := os.ReadFile(filepath.Join("..", "..", "examples", "data-sources", ex.file))
		if err != nil {
			t.Fatal(err)
		}
		for _, pending := range []bool{false, true} {
			name, want := ex.file+"/failed", ex.want.failed
			if pending {
				name, want = ex.file+"/pending", ex.want.pending
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				s, url := fakeNova(t)
				spec := novafake.BatchSpec{Jobs: []novafake.JobSpec{
					{ApplicationID: "app-001", ID: "sj-001", Fail: !pending, AfterPolls: pendingPolls(pending)},
					{ApplicationID: "app-002", ID: "sj-002", Fail: !pending, AfterPolls: pendingPolls(pending)},
				}}
				if m := batchID.FindSubmatch(src); m != nil {
					spec.ID = string(m[1])
				}
				seed(t, s, spec)
				config := string(src)
				if pending {
					config = strings.ReplaceAll(config, "wait_for_completion = true", "wait_for_completion = false")
				}
				out, err := newCLIWorkspace(t, providerConfig(url)+config).run("plan", "-input=false")
				for _, broken := range []string{"must not be null", "Invalid value for", "Error in function call", "Unsupported", "null value"} {
					if strings.Contains(string(out), broken) {
						t.Fatalf("the example broke with a Terraform evaluation error (%q) instead of its own message:\n%s", broken, out)
					}
				}
				if want == "" {
					if err != nil {
						t.Fatalf("the gate should pass:\n%s", out)
					}
					return
				}
				if !ex.warning && err == nil {
					t.Fatalf("the gate did not stop the plan:\n%s", out)
				}
				if !wrappedText(want).Match(out) {
					t.Fatalf("the example's message %q is not in the output:\n%s", want, out)
				}
			})
		}
	}
}

func pendingPolls(pending bool) int {
	if pending {
		return 1_000_000
	}
	return 0
}

// wrappedText matches s in Terraform's output, which wraps long lines.
func wrappedText(s string) *regexp.Regexp {
	words := strings.Fields(s)
	for i, w := range words {
		words[i] = regexp.QuoteMeta(w)
	}
	return regexp.MustCompile(strings.Join(words, `\s+`))
}
