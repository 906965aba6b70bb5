package provider

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dweet/terraform-provider-nova/internal/novafake"
)

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
