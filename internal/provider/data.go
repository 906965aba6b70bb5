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
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// configuredData unpacks what the provider's Configure produced. It is nil
// while Terraform validates a configuration before configuring the provider.
func configuredData(v any, diags *diag.Diagnostics) *providerData {
	if v == nil {
		return nil
	}
	data, ok := v.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", v))
		return nil
	}
	return data
}

// tenant is the data source's tenant_id, or the provider's.
func (p *providerData) tenant(override types.String) string {
	if !override.IsNull() && !override.IsUnknown() {
		return override.ValueString()
	}
	if p == nil {
		return ""
	}
	return p.tenantID
}

// ready reports, as diagnostics naming the setting and its environment
// variable, what keeps the provider from reading t.
func (p *providerData) ready(t target, diags *diag.Diagnostics) bool {
	if p == nil {
		diags.AddError("Nova provider not configured", "The provider was not configured before "+t.kind+" was read. This is a bug in the provider; please report it.")
		return false
	}
	if p.client == nil {
		diags.AddError("Nova API key missing",
			fmt.Sprintf("Reading %s needs an API key. Set api_key in the provider \"nova\" block or the %s environment variable to a sandbox (sk_test_…) or production (sk_live_…) key.", t.description, envAPIKey))
	}
	if t.tenant == "" {
		diags.AddError("Nova tenant missing",
			fmt.Sprintf("Reading %s needs a tenant. Set tenant_id on the data source, tenant_id in the provider \"nova\" block, or the %s environment variable.", t.description, envTenantID))
	}
	return !diags.HasError()
}

// commonArguments are the arguments every Nova data source takes besides
// its ids: the tenant override and the assessments switch.
func commonArguments() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"tenant_id": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "Tenant to read from, sent as `X-Tenant-Id`; overrides the provider's `tenant_id` for this read.",
			Validators:          []validator.String{stringvalidator.LengthAtLeast(1), noControlChars},
		},
		"include_assessments": schema.BoolAttribute{
			Optional: true,
			MarkdownDescription: "Whether to keep the written `assessment`. Default `true`. Assessments are candidate personal data and are stored in state; " +
				"`false` leaves every `assessment` null, so the text never reaches state or plans.",
		},
	}
}

// waitArguments are the arguments of data sources that can wait for a
// terminal status.
func waitArguments(ctx context.Context, defaultInterval time.Duration) map[string]schema.Attribute {
	to, _ := timeouts.AttributesWithOpts(ctx, timeouts.Opts{
		ReadDescription: fmt.Sprintf("How long the read may take in all, waiting included, as a Go duration such as `30m`. Default `%s`.", defaultReadTimeout),
	}).(schema.SingleNestedAttribute)
	to.MarkdownDescription = "Time limits for this data source. Written as an attribute: `timeouts = { read = \"30m\" }`."
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
				"A `Retry-After` from Nova may push a poll later.", defaultInterval),
			Validators: []validator.String{atLeastDuration(time.Second)},
		},
		"timeouts": to,
	}
}

// withAttributes adds more attributes to a schema's map; a name given twice
// is a programming error.
func withAttributes(into map[string]schema.Attribute, more map[string]schema.Attribute) map[string]schema.Attribute {
	for name, a := range more {
		if _, dup := into[name]; dup {
			panic("attribute " + name + " defined twice")
		}
		into[name] = a
	}
	return into
}
