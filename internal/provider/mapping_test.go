package provider

import (
	"math/big"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dweet/terraform-provider-nova/internal/nova"
)

// TestBatchMapping checks the one batch mapping on a body with every kind
// of gap: a pending job without result, a failed job, no rejected
// applications, empty assessment lists, and the assessments switch.
func TestBatchMapping(t *testing.T) {
	ds, ok := newScoringBatchDataSource().(*novaDataSource[*nova.BatchResult])
	if !ok {
		t.Fatal("unexpected data source type")
	}
	config := batchConfigValue(t, ds, "job-123", "b1")
	res, err := nova.DecodeBatch([]byte(`{"batch":{"id":"b1","jobId":"job-123","status":"PENDING","totalJobs":3,"completedJobs":1,"failedJobs":1,"createdAt":"2025-12-14T10:30:45Z"},
	  "scoringJobs":[
	    {"id":"s1","applicationId":"app-1","status":"COMPLETED","score":7.5,"assessment":{"verdict":"ok","strengths":[],"concerns":null,"interviewFocus":["x"]}},
	    {"id":"s2","applicationId":"app-2","status":"FAILED","errorCode":"RESUME_EMPTY"},
	    {"id":"s3","applicationId":"app-3"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, include := range []bool{true, false} {
		raw, err := ds.stateValue(t.Context(), config, res, include)
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
	ds, ok := newScoringBatchDataSource().(*novaDataSource[*nova.BatchResult])
	if !ok {
		t.Fatal("unexpected data source type")
	}
	config := batchConfigValue(t, ds, "job-123", "b1")
	before := config.Raw.Copy()
	res, err := nova.DecodeBatch([]byte(`{"batch":{"id":"b1","status":"completed","totalJobs":1,"completedJobs":1},"scoringJobs":[{"id":"s1","score":5}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ds.stateValue(t.Context(), config, res, true); err != nil {
		t.Fatal(err)
	}
	if !config.Raw.Equal(before) {
		t.Fatal("stateValue changed the configuration value")
	}
}
