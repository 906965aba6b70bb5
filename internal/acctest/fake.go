package acctest

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/dweet/terraform-provider-nova/internal/novafake"
)

// The key, tenant and job every test uses.
const (
	Key    = "sk_test_acceptance_0123456789"
	Tenant = "acme-corp"
	Job    = "job-123"
)

// FakeNova starts novafake on loopback for one test.
func FakeNova(t testing.TB, opts ...novafake.Option) (*novafake.Server, string) {
	t.Helper()
	s := novafake.New(opts...)
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts.URL
}

// Seed adds a batch to the sandbox tenant acme-corp under job-123 unless the
// spec says otherwise.
func Seed(t testing.TB, s *novafake.Server, spec novafake.BatchSpec) string {
	t.Helper()
	if spec.Tenant == "" {
		spec.Tenant = Tenant
	}
	if spec.JobID == "" {
		spec.JobID = Job
	}
	id, err := s.AddBatch(spec)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// ProviderConfig configures the provider in HCL against the fake.
func ProviderConfig(baseURL string, extra ...string) string {
	return fmt.Sprintf(`
provider "nova" {
  api_key   = %q
  tenant_id = %q
  base_url  = %q
  %s
}
`, Key, Tenant, baseURL, strings.Join(extra, "\n  "))
}

// RepeatFault queues the same fault for the next n requests.
func RepeatFault(s *novafake.Server, kind novafake.FaultKind, n int) {
	faults := make([]novafake.Fault, n)
	for i := range faults {
		faults[i].Kind = kind
	}
	s.InjectFaults(faults...)
}
