package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func TestAccApplicationScore(t *testing.T) {
	t.Parallel()
	s, url := fakeNova(t)
	seed(t, s, singleJobSpec())
	const addr = "data.nova_application_score.test"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{
			{
				Config: providerConfig(url) + `
data "nova_application_score" "test" {
  job_id              = "job-123"
  application_id      = "app-002"
  include_assessments = false
}`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact("sj-002")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("failed")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("error_code"), knownvalue.StringExact("RESUME_ENCRYPTED")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("assessment"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("application_id"), knownvalue.StringExact("app-002")),
				},
			},
			{
				Config: providerConfig(url) + fmt.Sprintf(`
data "nova_application_score" "test" {
  job_id         = %q
  application_id = "app-never-scored"
}`, testJob),
				ExpectError: regexp.MustCompile(`(?s)Nova application score not found.*application\s+"app-never-scored".*APPLICATION_NOT_FOUND.*has\s+no\s+scoring\s+job\s+yet`),
			},
		},
	})
}
