package provider

import (
	"context"
	"fmt"
	"maps"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/dweet/terraform-provider-nova/internal/acctest"
	"github.com/dweet/terraform-provider-nova/internal/nova"
)

// Ephemeral results never reach state, so these tests hand them to the
// testing framework's echo provider, whose resource stores what its
// provider block was given. Conditions on ephemeral resources are tested at
// the CLI level instead (internal/clitest/privacy_ephemeral_test.go): Terraform before 1.15
// panics in `show -json`, which the framework runs after every apply, when
// an ephemeral resource has conditions and the plan succeeds.

// ephemeralSupported skips a test on CLIs without ephemeral resources:
// Terraform before 1.10, OpenTofu before 1.11.
type ephemeralSupported struct{}

func (ephemeralSupported) CheckTerraformVersion(_ context.Context, req tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	if reason := ephemeralUnsupported(req.TerraformVersion.Core().String(), isOpenTofu()); reason != "" {
		resp.Skip = reason
	}
}

// isOpenTofu follows the variable that points the tests at OpenTofu's
// registry host; terraform-plugin-testing's version check cannot tell the
// two CLIs apart.
func isOpenTofu() bool { return strings.Contains(os.Getenv("TF_ACC_PROVIDER_HOST"), "opentofu") }

// ephemeralUnsupported says why a CLI of the given core version cannot run
// ephemeral resources, or "" when it can.
func ephemeralUnsupported(v string, openTofu bool) string {
	name, minimum := acctest.Terraform, acctest.EphemeralMinTerraform
	if openTofu {
		name, minimum = acctest.OpenTofu, acctest.EphemeralMinOpenTofu
	}
	parsed, err := version.NewVersion(v)
	if err != nil {
		return fmt.Sprintf("cannot tell the %s version from %q: %v", name, v, err)
	}
	return acctest.SkipReason(acctest.CLI{Name: name, Version: parsed}, name, minimum, "support for ephemeral resources")
}

var protoV6WithEcho = map[string]func() (tfprotov6.ProviderServer, error){
	"nova": protoV6["nova"],
	"echo": echoprovider.NewProviderServer(),
}

const echoAddr = "echo.test"

// ephemeralConfig is a provider block, one ephemeral resource of the given
// type named "test", and an echo of its result.
func ephemeralConfig(baseURL, typ string, args ...string) string {
	return providerConfig(baseURL) + fmt.Sprintf(`
ephemeral %q "test" {
  %s
}
provider "echo" {
  data = ephemeral.%s.test
}
resource "echo" "test" {}
`, typ, strings.Join(args, "\n  "), typ)
}

func batchArgs(id string, args ...string) []string {
	return append([]string{fmt.Sprintf("job_id = %q", testJob), fmt.Sprintf("scoring_batch_id = %q", id)}, args...)
}

func echoed(name string, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(echoAddr, tfjsonpath.New("data").AtMapKey(name), v)
}

func echoedJob(i int, name string, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(echoAddr, tfjsonpath.New("data").AtMapKey("scoring_jobs").AtSliceIndex(i).AtMapKey(name), v)
}

func ephemeralTest(t *testing.T, steps ...resource.TestStep) {
	t.Helper()
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{ephemeralSupported{}},
		ProtoV6ProviderFactories: protoV6WithEcho,
		Steps:                    steps,
	})
}

// Provider readiness is checked as for data sources.
func TestAccEphemeralBatchNeedsTenant(t *testing.T) {
	t.Parallel()
	_, url := fakeNova(t)
	ephemeralTest(t, resource.TestStep{
		Config: fmt.Sprintf(`
provider "nova" {
  api_key  = %q
  base_url = %q
}
ephemeral "nova_scoring_batch" "test" {
  job_id           = "job-123"
  scoring_batch_id = "b"
}
provider "echo" {
  data = ephemeral.nova_scoring_batch.test
}
resource "echo" "test" {}
`, testKey, url),
		ExpectError: regexp.MustCompile(`Nova tenant missing`),
	})
}

func TestEphemeralUnsupported(t *testing.T) {
	for _, c := range []struct {
		version string
		tofu    bool
		want    string
	}{
		{"1.5.7", false, "support for ephemeral resources needs Terraform 1.10.0 or later; the CLI under test is Terraform 1.5.7"},
		{"1.9.8", false, "needs Terraform 1.10.0"},
		{"1.10.0-beta1", false, "needs Terraform 1.10.0"},
		{"1.10.0", false, ""},
		{"1.11.4", false, ""},
		{"2.0.0", false, ""},
		{"1.10.5", true, "needs OpenTofu 1.11.0"},
		{"1.12.0", true, ""},
	} {
		got := ephemeralUnsupported(c.version, c.tofu)
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("ephemeralUnsupported(%s, tofu=%v) = %q, want %q", c.version, c.tofu, got, c.want)
		}
	}
}

// The data source's configuration warnings apply to the ephemeral resource.
func TestEphemeralValidateConfigWarnsLikeDataSource(t *testing.T) {
	e, ok := newScoringBatchEphemeral().(ephemeral.EphemeralResourceWithValidateConfig)
	if !ok {
		t.Fatal("the ephemeral resource does not validate its configuration")
	}
	s := ephemeralSchemaOf(t, e)
	typ, ok := s.Type().TerraformType(t.Context()).(tftypes.Object)
	if !ok {
		t.Fatal("schema type is not an object")
	}
	vals := make(map[string]tftypes.Value, len(typ.AttributeTypes))
	for name, at := range typ.AttributeTypes {
		vals[name] = tftypes.NewValue(at, nil)
	}
	vals["poll_interval"] = tftypes.NewValue(tftypes.String, "2s")
	var resp ephemeral.ValidateConfigResponse
	e.ValidateConfig(t.Context(), ephemeral.ValidateConfigRequest{Config: tfsdk.Config{Schema: s, Raw: tftypes.NewValue(typ, vals)}}, &resp)
	if len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Summary() != "poll_interval without wait_for_completion" {
		t.Errorf("diagnostics: %v", resp.Diagnostics)
	}
}

// An open never skips a gate it cannot read: a require not known when the
// resource is opened is an error (while validating it is not checked yet),
// and require_completed is the empty policy.
func TestEphemeralRequiredPolicy(t *testing.T) {
	e, ok := newScoringBatchEphemeral().(*ephemeralResource[scoringBatchArgs, *nova.BatchResult])
	if !ok {
		t.Fatal("not a *ephemeralResource")
	}
	s := ephemeralSchemaOf(t, e)
	typ, ok := s.Type().TerraformType(t.Context()).(tftypes.Object)
	if !ok {
		t.Fatal("schema type is not an object")
	}
	config := func(set map[string]tftypes.Value) tfsdk.Config {
		vals := make(map[string]tftypes.Value, len(typ.AttributeTypes))
		for name, at := range typ.AttributeTypes {
			vals[name] = tftypes.NewValue(at, nil)
		}
		maps.Copy(vals, set)
		return tfsdk.Config{Schema: s, Raw: tftypes.NewValue(typ, vals)}
	}
	unknown := config(map[string]tftypes.Value{"require": tftypes.NewValue(tftypes.DynamicPseudoType, tftypes.UnknownValue)})
	if p, err := e.requiredPolicy(t.Context(), unknown, true); err == nil {
		t.Errorf("opening with an unknown require: policy %+v, no error", p)
	}
	if p, err := e.requiredPolicy(t.Context(), unknown, false); err != nil || p != nil {
		t.Errorf("validating with an unknown require: policy %+v, error %v", p, err)
	}
	completed := config(map[string]tftypes.Value{"require_completed": tftypes.NewValue(tftypes.Bool, true)})
	if p, err := e.requiredPolicy(t.Context(), completed, true); err != nil || p == nil || *p != (gatePolicy{}) {
		t.Errorf("require_completed = true: policy %+v, error %v", p, err)
	}
	if p, err := e.requiredPolicy(t.Context(), config(nil), true); err != nil || p != nil {
		t.Errorf("no gate asked for: policy %+v, error %v", p, err)
	}
}

// An attribute of the data source named like one the ephemeral resource
// adds (require, require_completed) is a bug report, not a panic.
func TestEphemeralGateAttributeTwiceIsADiagnostic(t *testing.T) {
	for _, name := range []string{"require", "require_completed"} {
		spec := scoringBatchSpec()
		spec.computed = func() (map[string]schema.Attribute, error) {
			attrs, err := scoringBatchAttributes()
			attrs[name] = schema.BoolAttribute{Computed: true}
			return attrs, err
		}
		var resp ephemeral.SchemaResponse
		(&ephemeralResource[scoringBatchArgs, *nova.BatchResult]{spec: spec, policy: true}).Schema(t.Context(), ephemeral.SchemaRequest{}, &resp)
		if len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Summary() != "Could not build the ephemeral resource's schema" ||
			!strings.Contains(resp.Diagnostics[0].Detail(), name) {
			t.Errorf("%s twice: diagnostics = %v, want one error naming it", name, resp.Diagnostics)
		}
	}
}
