package provider

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/dweet/terraform-provider-nova/internal/novafake"
)

// The acceptance tests run the real Terraform CLI (terraform-plugin-testing)
// against novafake in this process. They use resource.UnitTest, so plain
// `go test` runs them without credentials. No test HCL pins a provider
// source: the testing framework registers the provider under
// TF_ACC_PROVIDER_HOST/TF_ACC_PROVIDER_NAMESPACE, which lets the same suite
// run under OpenTofu.

const (
	testKey    = "sk_test_acceptance_0123456789"
	testTenant = "acme-corp"
	testJob    = "job-123"
)

var protoV6 = map[string]func() (tfprotov6.ProviderServer, error){
	"nova": providerserver.NewProtocol6WithError(New("test")()),
}

// fakeNova starts novafake on loopback for one test.
func fakeNova(t *testing.T, opts ...novafake.Option) (*novafake.Server, string) {
	t.Helper()
	s := novafake.New(opts...)
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts.URL
}

// seed adds a batch to the sandbox tenant acme-corp under job-123 unless the
// spec says otherwise.
func seed(t *testing.T, s *novafake.Server, spec novafake.BatchSpec) string {
	t.Helper()
	if spec.Tenant == "" {
		spec.Tenant = testTenant
	}
	if spec.JobID == "" {
		spec.JobID = testJob
	}
	id, err := s.AddBatch(spec)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// providerConfig configures the provider in HCL against the fake.
func providerConfig(baseURL string, extra ...string) string {
	return fmt.Sprintf(`
provider "nova" {
  api_key   = %q
  tenant_id = %q
  base_url  = %q
  %s
}
`, testKey, testTenant, baseURL, strings.Join(extra, "\n  "))
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
