package provider

import (
	"strings"
	"testing"

	"github.com/dweet/terraform-provider-nova/internal/novafake"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// callGate calls provider::nova::gate through the provider's protocol
// server, as Terraform does: arguments msgpack-encoded as dynamic values.
func callGate(t *testing.T, batch, policy tftypes.Value) (passed bool, reasons []string, funcErr *tfprotov6.FunctionError) {
	t.Helper()
	server, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	var args []*tfprotov6.DynamicValue
	for _, v := range []tftypes.Value{batch, policy} {
		dv, err := tfprotov6.NewDynamicValue(tftypes.DynamicPseudoType, v)
		if err != nil {
			t.Fatal(err)
		}
		args = append(args, &dv)
	}
	resp, err := server.CallFunction(t.Context(), &tfprotov6.CallFunctionRequest{Name: "gate", Arguments: args})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Error != nil {
		return false, nil, resp.Error
	}
	resultType := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"passed": tftypes.Bool, "reasons": tftypes.List{ElementType: tftypes.String}}}
	v, err := resp.Result.Unmarshal(resultType)
	if err != nil {
		t.Fatal(err)
	}
	var obj map[string]tftypes.Value
	var list []tftypes.Value
	if err := v.As(&obj); err != nil {
		t.Fatal(err)
	}
	if err := obj["passed"].As(&passed); err != nil {
		t.Fatal(err)
	}
	if err := obj["reasons"].As(&list); err != nil {
		t.Fatal(err)
	}
	for _, r := range list {
		var s string
		if err := r.As(&s); err != nil {
			t.Fatal(err)
		}
		reasons = append(reasons, s)
	}
	return passed, reasons, nil
}

// Run, through the framework's function server: the result's shape, a
// pass, a fail, and errors for a policy mistake and for null arguments.
func TestGateFunctionRun(t *testing.T) {
	passed, reasons, ferr := callGate(t, gateTestBatch(t, nil), toTF(t, map[string]any{"min_score": 7, "criteria_version_id": "cv-1"}))
	if ferr != nil || !passed || len(reasons) != 0 {
		t.Errorf("completed batch: passed %v, reasons %q, error %v", passed, reasons, ferr)
	}
	passed, reasons, ferr = callGate(t, gateTestBatch(t, map[string]any{"status": "failed", "failed_jobs": 1}), toTF(t, map[string]any{}))
	if ferr != nil || passed || len(reasons) != 1 || reasons[0] != "Scoring batch b-1 has 1 failed job, more than the 0 allowed." {
		t.Errorf("failed batch: passed %v, reasons %q, error %v", passed, reasons, ferr)
	}
	_, _, ferr = callGate(t, gateTestBatch(t, nil), toTF(t, map[string]any{"min_scor": 7}))
	if ferr == nil || !strings.Contains(ferr.Text, `unknown key "min_scor"`) || ferr.FunctionArgument == nil || *ferr.FunctionArgument != 1 {
		t.Errorf("misspelt key: %+v", ferr)
	}
	for i, args := range [][2]tftypes.Value{
		{tftypes.NewValue(tftypes.DynamicPseudoType, nil), toTF(t, map[string]any{})},
		{gateTestBatch(t, nil), tftypes.NewValue(tftypes.DynamicPseudoType, nil)},
	} {
		_, _, ferr = callGate(t, args[0], args[1])
		if ferr == nil || !strings.Contains(ferr.Text, "null") {
			t.Errorf("null argument %d: error %+v, want one", i, ferr)
		}
	}
}

// The function takes no null: a null argument is an error, never an
// unknown result that a precondition would skip.
func TestGateFunctionRefusesNull(t *testing.T) {
	server, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	got, err := server.GetFunctions(t.Context(), &tfprotov6.GetFunctionsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	gate, ok := got.Functions["gate"]
	if !ok {
		t.Fatalf("no gate function: %v", got.Functions)
	}
	for _, p := range gate.Parameters {
		if p.AllowNullValue || p.AllowUnknownValues {
			t.Errorf("parameter %s allows null (%v) or unknown (%v) values", p.Name, p.AllowNullValue, p.AllowUnknownValues)
		}
	}
}

// The function as an acceptance test sees it: the object it returns, for a
// batch that passes and one that does not.
func TestAccGateFunction(t *testing.T) {
	t.Parallel()
	s, url := fakeNova(t)
	good := seed(t, s, novafake.BatchSpec{ID: "b-good", Jobs: []novafake.JobSpec{{ApplicationID: "app-001", Score: 8}}})
	bad := seed(t, s, novafake.BatchSpec{ID: "b-bad", Jobs: []novafake.JobSpec{{ApplicationID: "app-001", Score: 8}, {ApplicationID: "app-002", Fail: true, ErrorCode: "TIMEOUT"}}})
	config := func(id string) string {
		return batchConfig(url, id) + `
output "gate" {
  value = provider::nova::gate(data.nova_scoring_batch.test, { min_score = 7 })
}
`
	}
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{
			{
				Config: config(good),
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownOutputValue("gate", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"passed": knownvalue.Bool(true), "reasons": knownvalue.ListExact([]knownvalue.Check{}),
				}))},
			},
			{
				Config: config(bad),
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownOutputValue("gate", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"passed": knownvalue.Bool(false),
					"reasons": knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringExact("Scoring batch b-bad has 1 failed job, more than the 0 allowed (by error code: TIMEOUT: 1)."),
					}),
				}))},
			},
		},
	})
}
