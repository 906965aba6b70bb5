package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/dweet/terraform-provider-nova/internal/acctest"
	"github.com/dweet/terraform-provider-nova/internal/novafake"
)

// The acceptance tests run the real Terraform CLI (terraform-plugin-testing)
// against novafake in this process. They use resource.UnitTest, so plain
// `go test` runs them without credentials. No test HCL pins a provider
// source: the testing framework registers the provider under
// TF_ACC_PROVIDER_HOST/TF_ACC_PROVIDER_NAMESPACE, which lets the same suite
// run under OpenTofu.

// The key, tenant, fake and hand-written answers the acceptance tests share
// with internal/clitest.
const (
	testKey    = acctest.Key
	testTenant = acctest.Tenant
	testJob    = acctest.Job
)

type obj = acctest.Obj

var (
	fakeNova       = acctest.FakeNova
	seed           = acctest.Seed
	providerConfig = acctest.ProviderConfig
	repeatFault    = acctest.RepeatFault
	serveBody      = acctest.ServeBody
	batchBody      = acctest.BatchBody
)

var protoV6 = map[string]func() (tfprotov6.ProviderServer, error){
	"nova": providerserver.NewProtocol6WithError(New("test")()),
}

// batchConfig is a provider block plus one nova_scoring_batch "test".
func batchConfig(baseURL, batchID string, args ...string) string {
	return providerConfig(baseURL) + fmt.Sprintf(`
data "nova_scoring_batch" "test" {
  job_id           = %q
  scoring_batch_id = %q
  %s
}
`, testJob, batchID, strings.Join(args, "\n  "))
}

func TestAccProviderUnknownValue(t *testing.T) {
	t.Parallel()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: `
resource "terraform_data" "key" {
  input = "sk_test_from_a_resource"
}
provider "nova" {
  api_key   = terraform_data.key.output
  tenant_id = "t"
  base_url  = "http://127.0.0.1:1"
}
data "nova_scoring_batch" "test" {
  job_id           = "j"
  scoring_batch_id = "b"
}`,
			ExpectError: regexp.MustCompile(`(?s)not known until apply.*api_key`),
		}},
	})
}

// Environment variables fill in what the configuration leaves out, and a
// missing key or tenant is named when a data source needs it.
func TestAccProviderEnvironment(t *testing.T) {
	s, url := fakeNova(t)
	id := seed(t, s, novafake.BatchSpec{Jobs: []novafake.JobSpec{{ApplicationID: "app-001", Score: 5}}})
	other := seed(t, s, novafake.BatchSpec{ID: id, Tenant: "globex", Jobs: []novafake.JobSpec{{ApplicationID: "app-001", Score: 5}}})
	dataOnly := fmt.Sprintf(`
provider "nova" {}
data "nova_scoring_batch" "test" {
  job_id           = %q
  scoring_batch_id = %q
}`, testJob, id)

	t.Setenv(envBaseURL, url+"/v1/")
	t.Setenv(envAPIKey, "")
	t.Setenv(envTenantID, "")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{
			{Config: dataOnly, ExpectError: regexp.MustCompile(`(?s)Nova API key missing.*NOVA_API_KEY.*Nova tenant missing.*NOVA_TENANT_ID`)},
			{
				PreConfig:   func() { t.Setenv(envAPIKey, "sk_nope_ENVSECRET"); t.Setenv(envTenantID, testTenant) },
				Config:      dataOnly,
				ExpectError: regexp.MustCompile(`(?s)Invalid Nova API key.*NOVA_API_KEY`),
			},
			{
				PreConfig:   func() { t.Setenv(envAPIKey, testKey); t.Setenv(envTenantID, "acme\nbad") },
				Config:      dataOnly,
				ExpectError: regexp.MustCompile(`NOVA_TENANT_ID must not contain control characters`),
			},
			{
				// Never a silent switch to the real API: an empty address
				// is an error, in the environment and in the configuration.
				PreConfig:   func() { t.Setenv(envTenantID, testTenant); t.Setenv(envBaseURL, "") },
				Config:      dataOnly,
				ExpectError: regexp.MustCompile(`(?s)Empty Nova base URL.*NOVA_BASE_URL is set but empty`),
			},
			{
				Config:      strings.Replace(dataOnly, `provider "nova" {}`, `provider "nova" { base_url = "" }`, 1),
				ExpectError: regexp.MustCompile(`(?s)Invalid Nova base URL.*must be absolute`),
			},
			{
				PreConfig: func() { t.Setenv(envBaseURL, url+"/v1/") },
				Config:    dataOnly,
				ConfigStateChecks: []statecheck.StateCheck{
					batchAttr("status", knownvalue.StringExact("completed")),
				},
			},
			{
				// Configuration wins over the environment: the batch only
				// exists in the configured tenant.
				PreConfig: func() { t.Setenv(envTenantID, "tenant-from-env") },
				Config:    strings.Replace(dataOnly, `provider "nova" {}`, `provider "nova" { tenant_id = "globex" }`, 1),
				ConfigStateChecks: []statecheck.StateCheck{
					batchAttr("id", knownvalue.StringExact(other)),
				},
			},
		},
	})
}
