package provider

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dweet/terraform-provider-nova/internal/nova"
)

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

// A wait whose every poll warns differently (a hostile server's counts
// that change on each answer) reports a bounded number of warnings: at most
// maxWaitWarnings from earlier polls, plus the last read's.
func TestWaitWarningsAreBounded(t *testing.T) {
	spec := scoringBatchSpec()
	spec.anonymous = true
	// The client is never called: fetch is replaced below.
	data := &providerData{client: &nova.Client{}, environment: "sandbox", tenantID: testTenant}
	var polls atomic.Int32
	spec.fetch = func(context.Context, *nova.Client, scoringBatchArgs, string) (*nova.BatchResult, error) {
		n := polls.Add(1)
		return &nova.BatchResult{Batch: &nova.Batch{Status: nova.StatusPending}, Warnings: []nova.Warning{{Text: fmt.Sprintf("poll %d saw something odd", n)}}}, nil
	}
	config := batchConfigValue(t, newDataSource(spec), testJob, "b1")
	var attrs map[string]tftypes.Value
	if err := config.Raw.As(&attrs); err != nil {
		t.Fatal(err)
	}
	typ := config.Raw.Type().(tftypes.Object) //nolint:forcetypeassert // a schema's type is an object
	attrs["wait_for_completion"] = tftypes.NewValue(tftypes.Bool, true)
	attrs["poll_interval"] = tftypes.NewValue(tftypes.String, "1ms") // below the validator's minimum: read does not check it
	attrs["timeouts"] = tftypes.NewValue(typ.AttributeTypes["timeouts"], map[string]tftypes.Value{"read": tftypes.NewValue(tftypes.String, "1s")})
	config.Raw = tftypes.NewValue(typ, attrs)

	var diags diag.Diagnostics
	if _, ok := spec.read(t.Context(), data, config, &diags); ok {
		t.Fatal("a wait that never finishes succeeded")
	}
	if n := int(polls.Load()); n <= maxWaitWarnings+1 {
		t.Skipf("only %d polls in the read timeout; the bound was not reached", n)
	}
	if w := diags.WarningsCount(); w > maxWaitWarnings+1 {
		t.Fatalf("%d warnings after %d polls, want at most %d", w, polls.Load(), maxWaitWarnings+1)
	}
	last := fmt.Sprintf("poll %d saw something odd", polls.Load())
	if !strings.Contains(fmt.Sprint(diags.Warnings()), last) {
		t.Fatalf("the last read's warning %q is missing", last)
	}
}
