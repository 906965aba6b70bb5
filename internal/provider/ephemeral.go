package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// novaEphemeral offers a data source's read as an ephemeral resource:
// Terraform keeps its result in memory for one run and writes it to neither
// the plan nor the state. Everything but the gate is the data source's own:
// the schema is derived from its schema, and Open runs its read.
type novaEphemeral[T any] struct {
	source      *novaDataSource[T]
	description string
	// gate gives the facts of a result that the gate evaluates, from the
	// read value or the ephemeral result built from it.
	gate func(v T, result tftypes.Value) gateBatch
	// policy says whether the resource takes a gate policy (require), not
	// only require_completed.
	policy bool
}

var (
	_ ephemeral.EphemeralResourceWithConfigure      = (*novaEphemeral[any])(nil)
	_ ephemeral.EphemeralResourceWithValidateConfig = (*novaEphemeral[any])(nil)
)

// dataSourceOf unwraps a data source constructor of this provider. A
// mismatch is a programming error that every provider test would hit.
// Its warnings name no record: an ephemeral resource keeps no candidate
// data, in its diagnostics either.
func dataSourceOf[T any](newDataSource func() datasource.DataSource) *novaDataSource[T] {
	d, ok := newDataSource().(*novaDataSource[T])
	if !ok {
		panic(fmt.Sprintf("data source is %T, not a *novaDataSource", newDataSource()))
	}
	d.anonymousWarnings = true
	return d
}

func (e *novaEphemeral[T]) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + e.source.typeName
}

func (e *novaEphemeral[T]) Schema(ctx context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	var ds datasource.SchemaResponse
	e.source.Schema(ctx, datasource.SchemaRequest{}, &ds)
	resp.Diagnostics.Append(ds.Diagnostics...)
	s, err := ephemeralSchema(ds.Schema)
	if err != nil {
		resp.Diagnostics.AddError("Could not build the ephemeral resource's schema",
			fmt.Sprintf("Deriving the schema of ephemeral %q from its data source failed: %s. This is a bug in the provider; please report it.", "nova"+e.source.typeName, err))
		return
	}
	s.MarkdownDescription = e.description
	if _, dup := s.Attributes["require_completed"]; dup {
		panic("attribute require_completed defined twice")
	}
	sameAs := "The same gate as `provider::nova::gate` with an empty policy. "
	if e.policy {
		sameAs = "The same gate as `provider::nova::gate` with an empty policy: `require = {}`. "
	}
	s.Attributes["require_completed"] = schema.BoolAttribute{
		Optional: true,
		MarkdownDescription: "Whether opening fails unless the status is `completed` once the read (and the wait, with `wait_for_completion`) is done. Default `false`. " +
			sameAs +
			"The error names the " + e.source.kind + "'s tenant, status and counts, its failed jobs by error code with counts, and where to find which candidates failed; " +
			"it appears in the run's output only, never in a plan or in state, and never names an application id, a scoring job id or a score.",
	}
	if e.policy {
		if _, dup := s.Attributes["require"]; dup {
			panic("attribute require defined twice")
		}
		s.Attributes["require"] = schema.DynamicAttribute{
			Optional: true,
			MarkdownDescription: "A gate policy, the same object `provider::nova::gate` takes: opening fails unless the " + e.source.kind + " passes it, " +
				"with the same reasons the function gives. Keys, all optional: `min_score`, `max_failed_jobs` (default `0`), `criteria_version_id`, " +
				"`max_age` with `now`; an unknown key is an error. `require = {}` is `require_completed = true`; null is the same as leaving it out. " +
				"Here every candidate's exact score is checked without being kept anywhere.",
		}
	}
	resp.Schema = s
}

// ValidateConfig gives the data source's warnings about the configuration.
func (e *novaEphemeral[T]) ValidateConfig(ctx context.Context, req ephemeral.ValidateConfigRequest, resp *ephemeral.ValidateConfigResponse) {
	var ds datasource.ValidateConfigResponse
	e.source.ValidateConfig(ctx, datasource.ValidateConfigRequest{Config: req.Config}, &ds)
	resp.Diagnostics.Append(ds.Diagnostics...)
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
func (e *novaEphemeral[T]) requiredPolicy(ctx context.Context, config tfsdk.Config, opening bool) (*gatePolicy, error) {
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

func (e *novaEphemeral[T]) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	e.source.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (e *novaEphemeral[T]) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	policy, err := e.requiredPolicy(ctx, req.Config, true)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("require"), "Invalid gate policy", err.Error()+".")
		return
	}
	r, ok := e.source.read(ctx, req.Config, &resp.Diagnostics)
	if !ok {
		return
	}
	if policy != nil {
		b := e.gate(r.value, r.raw)
		if reasons := evaluateGate(b, *policy); len(reasons) > 0 {
			resp.Diagnostics.Append(gateFailedDiagnostic(r.target, r.readResult, b, reasons))
			return
		}
	}
	resp.Result.Raw = r.raw
}

// gateFailedDiagnostic is the error of require and require_completed: the
// gate's reasons, the tenant, and where to find which candidates failed.
// It names no application id, scoring job id or score: the run's output
// goes to CI logs, which are no place for candidate data.
func gateFailedDiagnostic(t target, r readResult, b gateBatch, reasons []string) diag.Diagnostic {
	var s strings.Builder
	fmt.Fprintf(&s, "The %s in tenant %q (%s) did not pass the gate (%s).\n", t.kind, t.tenant, t.environment, r.summary)
	for _, reason := range reasons {
		fmt.Fprintf(&s, "\n  - %s", reason)
	}
	switch {
	case b.failedJobs != nil && *b.failedJobs > 0:
		s.WriteString("\n\nWhich candidates failed is not shown here, to keep candidate data out of run output: look the " + t.kind +
			" up in the Nova Embed Portal, or read it with the nova_scoring_batch data source in a workspace allowed to hold candidate data. Fix or resubmit them, and run again.")
	case !r.finished:
		s.WriteString("\n\nIt has not finished: set wait_for_completion = true to wait for it, or raise timeouts.read if a wait ran out.")
	}
	return diag.NewErrorDiagnostic("Nova "+t.kind+" did not pass the gate", s.String())
}
