package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// ephemeralResource serves a readSpec as an ephemeral resource: Terraform
// keeps its result in memory for one run and writes it to neither the plan
// nor the state. Everything but the gate is the spec's: the schema is
// derived from its data source schema, and Open runs its read.
type ephemeralResource[A, T any] struct {
	spec        readSpec[A, T]
	description string
	// gate gives the facts of a result that the gate evaluates, from the
	// read value or the ephemeral result built from it.
	gate func(v T, result tftypes.Value) gateBatch
	// policy says whether the resource takes a gate policy (require), not
	// only require_completed.
	policy bool
	data   *providerData
}

var (
	_ ephemeral.EphemeralResourceWithConfigure      = (*ephemeralResource[any, any])(nil)
	_ ephemeral.EphemeralResourceWithValidateConfig = (*ephemeralResource[any, any])(nil)
)

func (e *ephemeralResource[A, T]) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + e.spec.typeName
}

func (e *ephemeralResource[A, T]) Schema(ctx context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	ds, diags := e.spec.schema(ctx)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	s, err := ephemeralSchema(ds)
	if err == nil {
		s.MarkdownDescription = e.description
		err = e.gateAttributes(s.Attributes)
	}
	if err != nil {
		resp.Diagnostics.AddError("Could not build the ephemeral resource's schema",
			fmt.Sprintf("Deriving the schema of ephemeral %q from its data source failed: %s. This is a bug in the provider; please report it.", "nova"+e.spec.typeName, err))
		return
	}
	resp.Schema = s
}

// gateAttributes adds require_completed, and require when the resource
// takes a policy, to the derived schema's attributes.
func (e *ephemeralResource[A, T]) gateAttributes(attrs map[string]schema.Attribute) error {
	sameAs := "The same gate as `provider::nova::gate` with an empty policy. "
	if e.policy {
		sameAs = "The same gate as `provider::nova::gate` with an empty policy: `require = {}`. "
	}
	gate := map[string]schema.Attribute{
		"require_completed": schema.BoolAttribute{
			Optional: true,
			MarkdownDescription: "Whether opening fails unless the status is `completed` once the read (and the wait, with `wait_for_completion`) is done. Default `false`. " +
				sameAs +
				"The error names the " + e.spec.kind + "'s tenant, status and counts, its failed jobs by error code with counts, and where to find which candidates failed; " +
				"it appears in the run's output only, never in a plan or in state, and never names an application id, a scoring job id or a score.",
		},
	}
	if e.policy {
		gate["require"] = schema.DynamicAttribute{
			Optional: true,
			MarkdownDescription: "A gate policy, the same object `provider::nova::gate` takes: opening fails unless the " + e.spec.kind + " passes it, " +
				"with the same reasons the function gives. Keys, all optional: `min_score`, `max_failed_jobs` (default `0`), `criteria_version_id`, " +
				"`max_age` with `now`; an unknown key is an error. `require = {}` is `require_completed = true`; null is the same as leaving it out. " +
				"Here every candidate's exact score is checked without being kept anywhere.",
		}
	}
	return withAttributes(attrs, gate)
}

// ValidateConfig gives the data source's warnings about the configuration,
// and the errors of its gate policy.
func (e *ephemeralResource[A, T]) ValidateConfig(ctx context.Context, req ephemeral.ValidateConfigRequest, resp *ephemeral.ValidateConfigResponse) {
	resp.Diagnostics.Append(e.spec.configWarnings(ctx, req.Config)...)
	if !e.policy {
		return
	}
	// A mistake in the policy is reported before anything is read.
	if _, err := e.requiredPolicy(ctx, req.Config, false); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("require"), "Invalid gate policy", err.Error()+".")
	}
}

// requiredPolicy is the gate the configuration asks for: require, or
// require = {} for require_completed = true; nil for none. A policy not yet
// known is nil while validating, and an error when opening, where a gate
// that cannot be read must not be skipped.
func (e *ephemeralResource[A, T]) requiredPolicy(ctx context.Context, config tfsdk.Config, opening bool) (*gatePolicy, error) {
	var requireCompleted types.Bool
	if d := config.GetAttribute(ctx, path.Root("require_completed"), &requireCompleted); d.HasError() {
		return nil, fmt.Errorf("reading require_completed: %s", d[0].Detail())
	}
	if e.policy {
		var require types.Dynamic
		if d := config.GetAttribute(ctx, path.Root("require"), &require); d.HasError() {
			return nil, fmt.Errorf("reading require: %s", d[0].Detail())
		}
		if !require.IsNull() && !require.IsUnderlyingValueNull() {
			var v tftypes.Value
			var err error
			if !require.IsUnknown() && !require.IsUnderlyingValueUnknown() {
				if v, err = dynamicTerraformValue(ctx, require); err != nil {
					return nil, err
				}
			}
			if require.IsUnknown() || require.IsUnderlyingValueUnknown() || !v.IsFullyKnown() {
				if opening {
					return nil, errors.New("require is not known when the resource is opened")
				}
				return nil, nil
			}
			p, err := parseGatePolicy(v)
			if err != nil {
				return nil, err
			}
			return &p, nil
		}
	}
	if requireCompleted.ValueBool() {
		return &gatePolicy{}, nil
	}
	return nil, nil
}

func (e *ephemeralResource[A, T]) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	e.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (e *ephemeralResource[A, T]) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	policy, err := e.requiredPolicy(ctx, req.Config, true)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("require"), "Invalid gate policy", err.Error()+".")
		return
	}
	r, ok := e.spec.read(ctx, e.data, req.Config, &resp.Diagnostics)
	if !ok {
		return
	}
	if policy != nil {
		b := e.gate(r.value, r.raw)
		if reasons := evaluateGate(b, *policy); len(reasons) > 0 {
			resp.Diagnostics.Append(gateFailedDiagnostic(r.target, r.summary, r.finished, b, reasons))
			return
		}
	}
	resp.Result.Raw = r.raw
}
