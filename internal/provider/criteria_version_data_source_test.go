package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/dweet/terraform-provider-nova/internal/novafake"
)

const criteriaAddr = "data.nova_criteria_version.test"

func criteriaAttr(name string, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(criteriaAddr, tfjsonpath.New(name), v)
}

func criteriaConfig(baseURL string, args ...string) string {
	return providerConfig(baseURL) + fmt.Sprintf(`
data "nova_criteria_version" "test" {
  job_id = %q
  %s
}
`, testJob, strings.Join(args, "\n  "))
}

// seedCriteria gives job-123 an archived version cv-old and a current one,
// cv-new, created an hour later.
func seedCriteria(t *testing.T, s *novafake.Server) {
	t.Helper()
	created := time.Date(2026, 2, 2, 9, 0, 0, 0, time.UTC)
	for _, spec := range []novafake.CriteriaVersionSpec{
		{ID: "cv-old", CreatedAt: created.Add(-time.Hour), Criteria: []novafake.CriterionSpec{{ID: "cr-1", Text: "Backend development"}}},
		{ID: "cv-new", CreatedAt: created, Criteria: []novafake.CriterionSpec{
			{ID: "cr-2", Text: "Go in production", Importance: "MUST_HAVE"},
			{ID: "cr-3", Text: "Terraform", Importance: "NICE_TO_HAVE"},
		}},
	} {
		spec.Tenant, spec.JobID = testTenant, testJob
		if _, err := s.AddCriteriaVersion(spec); err != nil {
			t.Fatal(err)
		}
	}
}

func TestAccCriteriaVersion(t *testing.T) {
	t.Parallel()
	// The version at top level, as novafake sends it by default, and under a
	// wrapper key: the docs do not show the envelope.
	for _, opts := range [][]novafake.Option{nil, {novafake.WithCriteriaEnvelope("criteriaVersion")}} {
		s, url := fakeNova(t, opts...)
		seedCriteria(t, s)
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6,
			Steps: []resource.TestStep{
				{
					Config: criteriaConfig(url),
					ConfigStateChecks: []statecheck.StateCheck{
						criteriaAttr("id", knownvalue.StringExact("cv-new")),
						criteriaAttr("criteria_version_id", knownvalue.Null()),
						criteriaAttr("version", knownvalue.Int64Exact(2)),
						criteriaAttr("status", knownvalue.StringExact("ACTIVE")),
						criteriaAttr("created_at", knownvalue.StringExact("2026-02-02T09:00:00Z")),
						criteriaAttr("archived_at", knownvalue.Null()),
						criteriaAttr("trace_id", knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{32}$`))),
						criteriaAttr("criteria", knownvalue.ListExact([]knownvalue.Check{
							knownvalue.ObjectExact(map[string]knownvalue.Check{
								"id": knownvalue.StringExact("cr-2"), "text": knownvalue.StringExact("Go in production"),
								"importance": knownvalue.StringExact("MUST_HAVE"), "order": knownvalue.Int64Exact(1),
							}),
							knownvalue.ObjectExact(map[string]knownvalue.Check{
								"id": knownvalue.StringExact("cr-3"), "text": knownvalue.StringExact("Terraform"),
								"importance": knownvalue.StringExact("NICE_TO_HAVE"), "order": knownvalue.Int64Exact(2),
							}),
						})),
					},
				},
				{
					Config: criteriaConfig(url, `criteria_version_id = "cv-old"`),
					ConfigStateChecks: []statecheck.StateCheck{
						criteriaAttr("id", knownvalue.StringExact("cv-old")),
						criteriaAttr("criteria_version_id", knownvalue.StringExact("cv-old")),
						criteriaAttr("version", knownvalue.Int64Exact(1)),
						criteriaAttr("status", knownvalue.StringExact("ARCHIVED")),
						criteriaAttr("archived_at", knownvalue.StringExact("2026-02-02T09:00:00Z")),
						criteriaAttr("criteria", knownvalue.ListSizeExact(1)),
					},
				},
			},
		})
		var paths []string
		for _, r := range s.Requests() {
			paths = append(paths, r.RequestURI)
		}
		for _, want := range []string{"/v1/jobs/job-123/criteria/versions/current", "/v1/jobs/job-123/criteria/versions/cv-old"} {
			if !strings.Contains(strings.Join(paths, " "), want) {
				t.Errorf("no request to %s: %v", want, paths)
			}
		}
	}
}

// Each not-found code names its own fix.
func TestAccCriteriaVersionNotFound(t *testing.T) {
	t.Parallel()
	s, url := fakeNova(t)
	seedCriteria(t, s)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{
			{
				Config: providerConfig(url) + `
data "nova_criteria_version" "test" {
  job_id = "job-without-criteria"
}
`,
				ExpectError: regexp.MustCompile(`(?s)Nova criteria version not found.*current\s+criteria\s+version\s+of\s+job\s+"job-without-criteria"\s+in\s+tenant\s+"acme-corp"\s+\(sandbox\).*` +
					`HTTP status: 404.*CRITERIA_NOT_FOUND.*Trace id: [0-9a-f]{32}.*The\s+job\s+has\s+no\s+criteria.*create\s+the\s+job's\s+criteria`),
			},
			{
				Config: criteriaConfig(url, `criteria_version_id = "cv-gone"`),
				ExpectError: regexp.MustCompile(`(?s)criteria\s+version\s+"cv-gone"\s+of\s+job\s+"job-123".*CRITERIA_VERSION_NOT_FOUND.*` +
					`Check\s+criteria_version_id.*remove\s+criteria_version_id\s+to\s+read\s+the\s+job's\s+current\s+version`),
			},
			{
				Config:      criteriaConfig(url, `criteria_version_id = ""`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`criteria_version_id(?s).*at\s+least\s+1`),
			},
		},
	})
}
