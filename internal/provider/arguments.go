package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dweet/terraform-provider-nova/internal/nova"
)

// defaultReadTimeout bounds a read whose timeouts.read is not set.
const defaultReadTimeout = 20 * time.Minute

// sharedArguments are the arguments every read has, whatever its type:
// they say where and how long to read, never what.
type sharedArguments struct {
	tenant       types.String
	wait         types.Bool
	pollInterval timetypes.GoDuration
	timeouts     timeouts.Value
}

// readSharedArguments reads the shared arguments; canWait says whether the
// type has wait_for_completion and poll_interval.
func readSharedArguments(ctx context.Context, config tfsdk.Config, canWait bool) (sharedArguments, diag.Diagnostics) {
	var a sharedArguments
	var diags diag.Diagnostics
	get := func(name string, into any) { diags.Append(config.GetAttribute(ctx, path.Root(name), into)...) }
	get("tenant_id", &a.tenant)
	get("timeouts", &a.timeouts)
	if canWait {
		get("wait_for_completion", &a.wait)
		get("poll_interval", &a.pollInterval)
	}
	return a, diags
}

// sharedAttributes are the schema of the shared arguments, and trace_id,
// which every type reports.
func sharedAttributes(ctx context.Context, defaultInterval time.Duration) map[string]schema.Attribute {
	attrs := map[string]schema.Attribute{
		"tenant_id": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "Tenant to read from, sent as `X-Tenant-Id`; overrides the provider's `tenant_id` for this read.",
			Validators:          []validator.String{stringvalidator.LengthAtLeast(1), noControlChars},
		},
		"trace_id": schema.StringAttribute{Computed: true, MarkdownDescription: "The `X-Trace-Id` of the response these values come from, for Nova support and audit."},
		"timeouts": timeoutsAttribute(ctx, defaultInterval > 0),
	}
	if defaultInterval > 0 {
		for name, a := range waitArguments(defaultInterval) {
			attrs[name] = a
		}
	}
	return attrs
}

// timeoutsAttribute is every data source's `timeouts` block. The ones that
// cannot wait have it too: their read is bounded by the same deadline (20m
// unless set), and every diagnostic about that deadline (timeouts, 429s that
// last until it) tells the user to raise timeouts.read, which must then
// exist.
func timeoutsAttribute(ctx context.Context, canWait bool) schema.SingleNestedAttribute {
	desc := "How long the read may take in all, its retries and rate-limit waits included, as a Go duration such as `30m`. Default `20m`." // defaultReadTimeout
	if canWait {
		desc = "How long the read may take in all, waiting included, as a Go duration such as `30m`. Default `20m`."
	}
	to, _ := timeouts.AttributesWithOpts(ctx, timeouts.Opts{ReadDescription: desc}).(schema.SingleNestedAttribute)
	to.MarkdownDescription = "Time limits for the read. Written as an attribute: `timeouts = { read = \"30m\" }`."
	// The module checks the syntax only; a zero or negative limit would end
	// every read before it starts.
	if read, ok := to.Attributes["read"].(schema.StringAttribute); ok {
		read.Validators = append(read.Validators, atLeastDuration(time.Second))
		to.Attributes["read"] = read
	}
	return to
}

// waitArguments are the arguments of data sources that can wait for a
// terminal status.
func waitArguments(defaultInterval time.Duration) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"wait_for_completion": schema.BoolAttribute{
			Optional: true,
			MarkdownDescription: "Whether to poll until the status is `completed` or `failed` before returning. Default `false`: read once. " +
				"A `failed` status ends the wait at once; a few transient errors in a row are tolerated; the whole wait is bounded by `timeouts.read`.",
		},
		"poll_interval": schema.StringAttribute{
			Optional:   true,
			CustomType: timetypes.GoDurationType{},
			MarkdownDescription: fmt.Sprintf("Time between polls while waiting, as a Go duration. Default `%s`; at least `1s`. "+
				"A `Retry-After` from Nova may push a poll later, by %s at most.", defaultInterval, nova.MaxRetryAfter),
			Validators: []validator.String{atLeastDuration(time.Second)},
		},
	}
}

// configWarnings warns about waiting settings that do nothing because the
// read will not wait: a user who set them most likely meant to. A type that
// cannot wait has no such settings.
func (s *readSpec[A, T]) configWarnings(ctx context.Context, config tfsdk.Config) diag.Diagnostics {
	var diags diag.Diagnostics
	if s.defaultInterval == 0 {
		return diags
	}
	kind := s.kind
	var wait types.Bool
	var pollInterval timetypes.GoDuration
	var to timeouts.Value
	diags.Append(config.GetAttribute(ctx, path.Root("wait_for_completion"), &wait)...)
	diags.Append(config.GetAttribute(ctx, path.Root("poll_interval"), &pollInterval)...)
	diags.Append(config.GetAttribute(ctx, path.Root("timeouts"), &to)...)
	if diags.HasError() || wait.IsUnknown() || wait.ValueBool() {
		return diags
	}
	if !pollInterval.IsNull() {
		diags.AddAttributeWarning(path.Root("poll_interval"), "poll_interval without wait_for_completion",
			"poll_interval only applies while waiting, and wait_for_completion is not true, so this "+kind+" is read once. "+
				"Set wait_for_completion = true to wait until it finishes, or remove poll_interval.")
	}
	if !to.IsNull() {
		diags.AddAttributeWarning(path.Root("timeouts"), "timeouts without wait_for_completion",
			"wait_for_completion is not true, so this "+kind+" is read once and timeouts.read bounds only that read and its retries, not a wait. "+
				"Set wait_for_completion = true to wait until it finishes, or remove timeouts.")
	}
	return diags
}

// idAttribute is the schema of an id that selects what a type reads: a
// non-empty string, sent path-escaped.
func idAttribute(description string, optional bool) schema.StringAttribute {
	return schema.StringAttribute{
		Required:            !optional,
		Optional:            optional,
		MarkdownDescription: description,
		Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
	}
}

// argumentReader reads a type's own arguments from a configuration into
// the type's struct, collecting what went wrong in diags.
type argumentReader struct {
	ctx    context.Context
	config tfsdk.Config
	diags  diag.Diagnostics
}

func newArgumentReader(ctx context.Context, config tfsdk.Config) *argumentReader {
	return &argumentReader{ctx: ctx, config: config}
}

// get reads the argument name into a framework value.
func (r *argumentReader) get(name string, into any) {
	r.diags.Append(r.config.GetAttribute(r.ctx, path.Root(name), into)...)
}

// string is a string argument; "" when it is not set.
func (r *argumentReader) string(name string) string {
	var v types.String
	r.get(name, &v)
	return v.ValueString()
}
