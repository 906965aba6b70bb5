package provider

import (
	"maps"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dweet/terraform-provider-nova/internal/nova"
	"github.com/dweet/terraform-provider-nova/internal/novafake"
)

// TestBatchMapping checks the one batch mapping on a body with every kind
// of gap: a pending job without result, a failed job, no rejected
// applications, empty assessment lists, and the assessments switch.
func TestBatchMapping(t *testing.T) {
	spec := scoringBatchSpec()
	config := batchConfigValue(t, newDataSource(spec), "job-123", "b1")
	res, err := nova.DecodeBatch([]byte(`{"batch":{"id":"b1","jobId":"job-123","status":"PENDING","totalJobs":3,"completedJobs":1,"failedJobs":1,"createdAt":"2025-12-14T10:30:45Z"},
	  "scoringJobs":[
	    {"id":"s1","applicationId":"app-1","status":"COMPLETED","score":7.5,"assessment":{"verdict":"ok","strengths":[],"concerns":null,"interviewFocus":["x"]}},
	    {"id":"s2","applicationId":"app-2","status":"FAILED","errorCode":"RESUME_EMPTY"},
	    {"id":"s3","applicationId":"app-3"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, include := range []bool{true, false} {
		raw, err := spec.stateValue(t.Context(), config, scoringBatchArgs{includeAssessments: include}, res)
		if err != nil {
			t.Fatal(err)
		}
		var state map[string]tftypes.Value
		if err := raw.As(&state); err != nil {
			t.Fatal(err)
		}
		var scores map[string]tftypes.Value
		if err := state["scores"].As(&scores); err != nil || len(scores) != 1 {
			t.Fatalf("scores = %v, %v: only completed jobs have one", scores, err)
		}
		var score big.Float
		if err := scores["app-1"].As(&score); err != nil || score.String() != "7.5" {
			t.Errorf("score = %v", score.String())
		}
		var rejected, jobs []tftypes.Value
		if err := state["rejected_applications"].As(&rejected); err != nil || state["rejected_applications"].IsNull() || len(rejected) != 0 {
			t.Errorf("rejected_applications must be an empty list, not null")
		}
		if err := state["scoring_jobs"].As(&jobs); err != nil || len(jobs) != 3 {
			t.Fatalf("scoring_jobs = %v", err)
		}
		var first, pending map[string]tftypes.Value
		_ = jobs[0].As(&first)
		_ = jobs[2].As(&pending)
		if first["assessment"].IsNull() == include {
			t.Errorf("include_assessments = %v but assessment null = %v", include, first["assessment"].IsNull())
		}
		if include {
			var a map[string]tftypes.Value
			_ = first["assessment"].As(&a)
			if a["concerns"].IsNull() || a["strengths"].IsNull() {
				t.Error("assessment lists must be empty, not null")
			}
		}
		for _, name := range []string{"score", "assessment", "completed_at", "error_code", "criteria_version_id", "is_rescore"} {
			if !pending[name].IsNull() {
				t.Errorf("pending job %s = %v, want null", name, pending[name])
			}
		}
		for name, want := range map[string]string{"status": "pending", "api_status": "PENDING", "job_id": "job-123", "scoring_batch_id": "b1"} {
			var got string
			if err := state[name].As(&got); err != nil || got != want {
				t.Errorf("%s = %q, want %q", name, got, want)
			}
		}
		if !state["completed_at"].IsNull() || !state["tenant_id"].IsNull() {
			t.Error("completed_at and an unset tenant_id must stay null")
		}
	}
}

// Building the state must leave the configuration as it was: the framework
// compares the two after Read.
func TestStateValueLeavesConfigurationAlone(t *testing.T) {
	spec := scoringBatchSpec()
	config := batchConfigValue(t, newDataSource(spec), "job-123", "b1")
	before := config.Raw.Copy()
	res, err := nova.DecodeBatch([]byte(`{"batch":{"id":"b1","status":"completed","totalJobs":1,"completedJobs":1},"scoringJobs":[{"id":"s1","score":5}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := spec.stateValue(t.Context(), config, scoringBatchArgs{includeAssessments: true}, res); err != nil {
		t.Fatal(err)
	}
	if !config.Raw.Equal(before) {
		t.Fatal("stateValue changed the configuration value")
	}
}

// The representation chosen for issue 12 sends Terraform exactly the state
// that the nested attributes sent: the same type, and the same value (the
// msgpack bytes differ only in the order of the scores map, which tftypes
// encodes in Go's map order).
func TestSchemaVariantsSendTheSameState(t *testing.T) {
	ctx := t.Context()
	ts, _ := staticBatchServer(t, 30)
	old := newBatchHarness(ctx, t, ts.URL, "nested")
	want, err := old.read(ctx, t).Unmarshal(old.stateType)
	if err != nil {
		t.Fatal(err)
	}
	for _, variant := range append([]string{""}, variantNames()...) {
		h := newBatchHarness(ctx, t, ts.URL, variant)
		if !h.stateType.Equal(old.stateType) {
			t.Errorf("schema variant %q has type %s, the nested attributes %s", variant, h.stateType, old.stateType)
			continue
		}
		got, err := h.read(ctx, t).Unmarshal(h.stateType)
		if err != nil {
			t.Fatal(err)
		}
		if diffs, err := got.Diff(want); err != nil || len(diffs) > 0 {
			t.Errorf("schema variant %q sends a different state: %v %v", variant, err, diffs)
		}
	}
}

func variantNames() []string {
	var names []string
	for _, v := range schemaVariants() {
		names = append(names, v.name)
	}
	return names
}

// driftedVariants are batch schemas that no longer match the mapping, as
// an edit to one side only would leave them.
func driftedVariants() []schemaVariant {
	job := func(edit func(map[string]schema.Attribute)) func() map[string]schema.Attribute {
		return func() map[string]schema.Attribute {
			attrs := shippedBatchAttributes()
			jobAttrs := scoringJobAttributes()
			edit(jobAttrs)
			attrs["scoring_jobs"] = schema.ListAttribute{Computed: true, ElementType: objectType(jobAttrs)}
			return attrs
		}
	}
	return []schemaVariant{
		{"drift_job_attribute_added", job(func(a map[string]schema.Attribute) {
			a["reviewer"] = schema.StringAttribute{Computed: true}
		})},
		{"drift_job_attribute_type", job(func(a map[string]schema.Attribute) {
			a["score"] = schema.StringAttribute{Computed: true}
		})},
		{"drift_assessment_renamed", job(func(a map[string]schema.Attribute) {
			assessment, _ := a["assessment"].(schema.SingleNestedAttribute)
			assessment.Attributes = maps.Clone(assessment.Attributes)
			assessment.Attributes["summary"] = assessment.Attributes["verdict"]
			delete(assessment.Attributes, "verdict")
			a["assessment"] = assessment
		})},
		{"drift_rejected", func() map[string]schema.Attribute {
			attrs := shippedBatchAttributes()
			attrs["rejected_applications"] = schema.ListAttribute{Computed: true, ElementType: types.ObjectType{AttrTypes: map[string]attr.Type{"application_id": types.StringType}}}
			return attrs
		}},
		{"drift_scores", func() map[string]schema.Attribute {
			attrs := shippedBatchAttributes()
			attrs["scores"] = schema.MapAttribute{Computed: true, ElementType: types.StringType}
			return attrs
		}},
	}
}

// A schema that drifted from the mapping fails the read with a diagnostic;
// tftypes.NewValue would have panicked and killed the provider process.
func TestSchemaDriftIsADiagnosticNotAPanic(t *testing.T) {
	ctx := t.Context()
	s := novafake.New()
	spec := sampleSpec(3)
	spec.Rejected = []novafake.RejectedSpec{{ApplicationID: "app-r", Reason: "RESUME_CORRUPTED", Message: "unreadable"}}
	if _, err := s.AddBatch(spec); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	defer ts.Close()
	for _, v := range driftedVariants() {
		t.Run(v.name, func(t *testing.T) {
			resp := newBatchHarness(ctx, t, ts.URL, v.name).readResponse(ctx, t)
			if len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Severity != tfprotov6.DiagnosticSeverityError ||
				resp.Diagnostics[0].Summary != "Could not build the result" || !strings.Contains(resp.Diagnostics[0].Detail, "batch-bench") {
				t.Fatalf("diagnostics = %+v, want one error about building the state of batch-bench", resp.Diagnostics)
			}
			t.Log(resp.Diagnostics[0].Detail)
		})
	}
}

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
