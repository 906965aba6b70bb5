package provider

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dweet/terraform-provider-nova/internal/novafake"
)

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
