package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// novaEphemeral offers a data source's read as an ephemeral resource:
// Terraform keeps its result in memory for one run and writes it to neither
// the plan nor the state. Everything but the gate is the data source's own:
// the schema is derived from its schema, and Open runs its read.
type novaEphemeral[T any] struct {
	source      *novaDataSource[T]
	description string
	// gate says whether a result is completed and, when it is not, which
	// applications failed: what require_completed reports.
	gate func(T) gateFacts
}

// gateFacts are what require_completed needs beyond the read's summary.
// They hold ids and codes only: the diagnostic goes to the run's output and
// CI logs, where candidate scores and assessments do not belong.
type gateFacts struct {
	completed bool
	failed    []failedApplication
}

type failedApplication struct {
	applicationID, errorCode string
}

// maxListedFailures bounds the diagnostic of a large failed batch.
const maxListedFailures = 20

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
	s.Attributes["require_completed"] = schema.BoolAttribute{
		Optional: true,
		MarkdownDescription: "Whether opening fails unless the status is `completed` once the read (and the wait, with `wait_for_completion`) is done. Default `false`. " +
			"The error names the " + e.source.kind + ", the tenant, the status (and a batch's counts), and the failed applications' ids with their error codes; " +
			"it appears in the run's output only, never in a plan or in state, and never carries scores or assessment text.",
	}
	resp.Schema = s
}

// ValidateConfig gives the data source's warnings about the configuration.
func (e *novaEphemeral[T]) ValidateConfig(ctx context.Context, req ephemeral.ValidateConfigRequest, resp *ephemeral.ValidateConfigResponse) {
	var ds datasource.ValidateConfigResponse
	e.source.ValidateConfig(ctx, datasource.ValidateConfigRequest{Config: req.Config}, &ds)
	resp.Diagnostics.Append(ds.Diagnostics...)
}

func (e *novaEphemeral[T]) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	e.source.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (e *novaEphemeral[T]) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var requireCompleted types.Bool
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("require_completed"), &requireCompleted)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r, ok := e.source.read(ctx, req.Config, &resp.Diagnostics)
	if !ok {
		return
	}
	if requireCompleted.ValueBool() {
		if facts := e.gate(r.value); !facts.completed {
			resp.Diagnostics.Append(notCompletedDiagnostic(r.target, r.readResult, facts.failed))
			return
		}
	}
	resp.Result.Raw = r.raw
}

// notCompletedDiagnostic is require_completed's error: what was read, where,
// in what state, and which applications failed with which code.
func notCompletedDiagnostic(t target, r readResult, failed []failedApplication) diag.Diagnostic {
	var b strings.Builder
	fmt.Fprintf(&b, "require_completed is true, but %s is not completed: %s.", t.where(), r.summary)
	switch {
	case len(failed) > 0:
		fmt.Fprintf(&b, "\n\nFailed applications (application id: Nova error code):")
		for i, f := range failed {
			if i == maxListedFailures {
				fmt.Fprintf(&b, "\n  ... and %d more", len(failed)-maxListedFailures)
				break
			}
			fmt.Fprintf(&b, "\n  %s: %s", orNone(f.applicationID), orNone(f.errorCode))
		}
		b.WriteString("\n\nLook the failed applications up in the Nova Embed Portal, fix or resubmit them, and run again.")
	case r.finished:
		b.WriteString("\n\nNova did not say which applications failed; look the " + t.kind + " up in the Nova Embed Portal.")
	default:
		b.WriteString("\n\nIt has not finished: set wait_for_completion = true to wait for it, or raise timeouts.read if a wait ran out.")
	}
	return diag.NewErrorDiagnostic("Nova "+t.kind+" not completed", b.String())
}
