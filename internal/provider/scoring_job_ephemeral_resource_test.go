package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

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
