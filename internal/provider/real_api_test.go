package provider

import (
	"fmt"
	"os"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

// Tests against the real Nova API run only with TF_ACC=1 (make testacc)
// and a sandbox key in NOVA_API_KEY with NOVA_TENANT_ID; NOVA_TEST_JOB_ID
// and NOVA_TEST_BATCH_ID name an existing batch for the read test.

func realAPI(t *testing.T, extra ...string) {
	t.Helper()
	for _, name := range append([]string{envAPIKey, envTenantID}, extra...) {
		if os.Getenv(name) == "" && os.Getenv("TF_ACC") != "" {
			t.Skipf("%s is not set", name)
		}
	}
}

func TestAccRealAPIBatchNotFound(t *testing.T) {
	realAPI(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: `
provider "nova" {}
data "nova_scoring_batch" "test" {
  job_id           = "terraform-provider-nova-acceptance"
  scoring_batch_id = "does-not-exist"
}`,
			ExpectError: regexp.MustCompile(`(?s)HTTP status: 404.*BATCH_NOT_FOUND`),
		}},
	})
}

func TestAccRealAPIBatchRead(t *testing.T) {
	realAPI(t, "NOVA_TEST_JOB_ID", "NOVA_TEST_BATCH_ID")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "nova" {}
data "nova_scoring_batch" "test" {
  job_id              = %q
  scoring_batch_id    = %q
  include_assessments = false
}`, os.Getenv("NOVA_TEST_JOB_ID"), os.Getenv("NOVA_TEST_BATCH_ID")),
			ConfigStateChecks: []statecheck.StateCheck{
				batchAttr("id", knownvalue.StringExact(os.Getenv("NOVA_TEST_BATCH_ID"))),
				batchAttr("status", knownvalue.StringRegexp(regexp.MustCompile(`^(pending|completed|failed)$`))),
				batchAttr("trace_id", knownvalue.NotNull()),
			},
		}},
	})
}
