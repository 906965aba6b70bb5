package provider

import (
	"net/http"
	"strings"
	"testing"

	"github.com/dweet/terraform-provider-nova/internal/nova"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// trace_id is null, not "", when Nova's response carries no X-Trace-Id:
// every data source.
func TestTraceIDNullWithoutHeader(t *testing.T) {
	ctx := t.Context()
	job := []byte(`{"scoringJob":{"id":"s1","applicationId":"app-1","status":"completed","score":5}}`)
	batch := []byte(`{"batch":{"id":"b1","status":"completed","totalJobs":1,"completedJobs":1},"scoringJobs":[{"id":"s1","applicationId":"app-1","status":"completed","score":5}]}`)
	for _, tc := range []struct {
		typeName string
		body     []byte
		args     map[string]string
	}{
		{"nova_scoring_batch", batch, map[string]string{"job_id": testJob, "scoring_batch_id": "b1"}},
		{"nova_scoring_batch_summary", batch, map[string]string{"job_id": testJob, "scoring_batch_id": "b1"}},
		{"nova_criteria_version", []byte(`{"id":"cv-1","version":1,"status":"ACTIVE","criteria":[]}`), map[string]string{"job_id": testJob}},
		{"nova_scoring_job", job, map[string]string{"job_id": testJob, "application_id": "app-1", "scoring_job_id": "s1"}},
		{"nova_application_score", job, map[string]string{"job_id": testJob, "application_id": "app-1"}},
	} {
		for _, traceID := range []string{"", "4bf92f3577b34da6a3ce929d0e0e4736"} {
			t.Run(tc.typeName+"/trace="+traceID, func(t *testing.T) {
				header := http.Header{"Content-Type": {"application/json"}}
				if traceID != "" {
					header.Set("X-Trace-Id", traceID)
				}
				h := newRPCHarness(ctx, t, staticServer(t, header, tc.body).URL, tc.typeName, tc.args)
				var state map[string]tftypes.Value
				if v, err := h.read(ctx, t).Unmarshal(h.stateType); err != nil || v.As(&state) != nil {
					t.Fatalf("state: %v", err)
				}
				got := state["trace_id"]
				if traceID == "" && !got.IsNull() {
					t.Fatalf("trace_id = %v, want null", got)
				}
				if want := tftypes.NewValue(tftypes.String, traceID); traceID != "" && !got.Equal(want) {
					t.Fatalf("trace_id = %v, want %v", got, want)
				}
			})
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

// A name defined twice (here a computed attribute named like a shared
// argument) is a bug in the provider: the schema says so in an error
// diagnostic naming the attribute, and nothing panics.
func TestDuplicateAttributeIsADiagnostic(t *testing.T) {
	spec := scoringBatchSpec()
	spec.computed = func() (map[string]schema.Attribute, error) {
		attrs, err := scoringBatchAttributes()
		attrs["tenant_id"] = schema.StringAttribute{Computed: true}
		return attrs, err
	}
	var resp datasource.SchemaResponse
	newDataSource(spec).Schema(t.Context(), datasource.SchemaRequest{}, &resp)
	if len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Summary() != "Could not build the schema" ||
		!strings.Contains(resp.Diagnostics[0].Detail(), "tenant_id") || !strings.Contains(resp.Diagnostics[0].Detail(), "please report it") {
		t.Fatalf("diagnostics = %v, want one error naming tenant_id", resp.Diagnostics)
	}
	var er ephemeral.SchemaResponse
	(&ephemeralResource[scoringBatchArgs, *nova.BatchResult]{spec: spec}).Schema(t.Context(), ephemeral.SchemaRequest{}, &er)
	if !er.Diagnostics.HasError() {
		t.Fatal("the ephemeral resource built a schema from a broken data source schema")
	}
}
