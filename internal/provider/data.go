package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
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
