package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dweet/terraform-provider-nova/internal/nova"
)

// The single-job mapping reports a drifted assessment type the same way.
func TestSingleJobDriftIsAnError(t *testing.T) {
	res, err := nova.DecodeScoringJob([]byte(`{"scoringJob":{"id":"s1","status":"completed","score":5,"assessment":{"verdict":"ok","strengths":[],"concerns":[],"interviewFocus":[]}}}`))
	if err != nil {
		t.Fatal(err)
	}
	drifted := tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"assessment": tftypes.Object{AttributeTypes: map[string]tftypes.Type{"verdict": tftypes.Number}},
	}}
	if _, err := singleScoringJobValues(res, true, drifted); err == nil || !strings.Contains(err.Error(), "assessment") {
		t.Fatalf("err = %v, want an error about the assessment", err)
	}
}

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
