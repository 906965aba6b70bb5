package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/dweet/terraform-provider-nova/internal/novafake"
)

func schemaOf(t *testing.T, ds datasource.DataSource) schema.Schema {
	t.Helper()
	var resp datasource.SchemaResponse
	ds.Schema(t.Context(), datasource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	if diags := resp.Schema.ValidateImplementation(t.Context()); diags.HasError() {
		t.Fatal(diags)
	}
	return resp.Schema
}

// The single-job data sources carry every attribute of a batch's scoring
// job with the same name and Terraform type, plus trace_id.
func TestSingleJobSchemasMatchBatchJobs(t *testing.T) {
	ctx := t.Context()
	batch := schemaOf(t, newScoringBatchDataSource())
	jobs, ok := batch.Attributes["scoring_jobs"].(schema.ListAttribute)
	if !ok {
		t.Fatal("scoring_jobs is not a list attribute")
	}
	element, ok := jobs.ElementType.(types.ObjectType)
	if !ok {
		t.Fatal("scoring_jobs is not a list of objects")
	}
	for _, ds := range []datasource.DataSource{newScoringJobDataSource(), newApplicationScoreDataSource()} {
		s := schemaOf(t, ds)
		for name, want := range element.AttrTypes {
			got, ok := s.Attributes[name]
			if !ok {
				t.Errorf("%T lacks %s", ds, name)
				continue
			}
			if !got.GetType().TerraformType(ctx).Equal(want.TerraformType(ctx)) {
				t.Errorf("%T.%s is %s, want %s", ds, name, got.GetType(), want)
			}
		}
		if len(s.Attributes) < len(element.AttrTypes)+1 {
			t.Errorf("%T has %d attributes, fewer than a batch's job", ds, len(s.Attributes))
		}
		if _, ok := s.Attributes["trace_id"]; !ok {
			t.Errorf("%T lacks trace_id", ds)
		}
	}
}

// Every attribute, nested ones included, has a description.
func TestEveryAttributeIsDescribed(t *testing.T) {
	var check func(path string, attrs map[string]schema.Attribute)
	check = func(path string, attrs map[string]schema.Attribute) {
		for name, a := range attrs {
			if a.GetMarkdownDescription() == "" && a.GetDescription() == "" {
				t.Errorf("%s%s has no description", path, name)
			}
			switch n := a.(type) {
			case schema.ListNestedAttribute:
				check(path+name+".", n.NestedObject.Attributes)
			case schema.SingleNestedAttribute:
				check(path+name+".", n.Attributes)
			}
		}
	}
	for _, ds := range []datasource.DataSource{newScoringBatchDataSource(), newScoringJobDataSource(), newApplicationScoreDataSource()} {
		var meta datasource.MetadataResponse
		ds.Metadata(t.Context(), datasource.MetadataRequest{ProviderTypeName: "nova"}, &meta)
		check(meta.TypeName+".", schemaOf(t, ds).Attributes)
	}
}

func singleJobSpec() novafake.BatchSpec {
	return novafake.BatchSpec{Jobs: []novafake.JobSpec{
		{ApplicationID: "app-001", ID: "sj-001", Score: 8, AfterPolls: 2, Assessment: &novafake.Assessment{Verdict: "Hire.", Strengths: []string{"Go"}}},
		{ApplicationID: "app-002", ID: "sj-002", Fail: true, ErrorCode: "RESUME_ENCRYPTED", ErrorMessage: "The PDF is password protected"},
	}}
}

func TestAccScoringJobWaitsAndGates(t *testing.T) {
	t.Parallel()
	s, url := fakeNova(t)
	seed(t, s, singleJobSpec())
	const addr = "data.nova_scoring_job.test"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: providerConfig(url) + `
data "nova_scoring_job" "test" {
  job_id              = "job-123"
  application_id      = "app-001"
  scoring_job_id      = "sj-001"
  wait_for_completion = true
  poll_interval       = "1s"
}
resource "terraform_data" "advance" {
  input = data.nova_scoring_job.test.application_id
  lifecycle {
    precondition {
      condition     = data.nova_scoring_job.test.score >= 7
      error_message = "Score below 7."
    }
  }
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("completed")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact("sj-001")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("score"), knownvalue.Float64Exact(8)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("assessment").AtMapKey("verdict"), knownvalue.StringExact("Hire.")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("trace_id"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{32}$`))),
				statecheck.ExpectKnownValue("terraform_data.advance", tfjsonpath.New("output"), knownvalue.StringExact("app-001")),
			},
		}},
	})
}

func TestAccScoringJobFailedStopsGate(t *testing.T) {
	t.Parallel()
	s, url := fakeNova(t)
	seed(t, s, singleJobSpec())
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: providerConfig(url) + `
data "nova_scoring_job" "test" {
  job_id              = "job-123"
  application_id      = "app-002"
  scoring_job_id      = "sj-002"
  wait_for_completion = true
  lifecycle {
    postcondition {
      condition     = self.status == "completed"
      error_message = "Scoring job ${self.id} ${self.status}: ${self.error_code}."
    }
  }
}`,
			ExpectError: regexp.MustCompile(`Scoring job sj-002 failed: RESUME_ENCRYPTED\.`),
		}},
	})
}

func TestAccScoringJobNotFound(t *testing.T) {
	t.Parallel()
	_, url := fakeNova(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: providerConfig(url) + `
data "nova_scoring_job" "test" {
  job_id         = "job-123"
  application_id = "app-404"
  scoring_job_id = "sj-404"
}`,
			ExpectError: regexp.MustCompile(`(?s)Nova scoring job not found.*scoring\s+job\s+"sj-404"\s+of\s+application\s+"app-404"\s+of\s+job\s+"job-123"\s+in\s+tenant\s+"acme-corp".*SCORING_JOB_NOT_FOUND`),
		}},
	})
}

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
