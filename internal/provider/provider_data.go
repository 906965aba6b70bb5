package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dweet/terraform-provider-nova/internal/nova"
)

// Environment variables read when the matching attribute is not set.
const (
	envAPIKey   = "NOVA_API_KEY"
	envTenantID = "NOVA_TENANT_ID"
	envBaseURL  = "NOVA_BASE_URL"
)

// providerData is what Configure hands to every type it serves: one client per
// configured provider, so that all reads share its rate limiter.
type providerData struct {
	client      *nova.Client // nil when no API key is configured
	environment string       // sandbox or production, from the key's prefix
	tenantID    string
}

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
	return p.tenantID
}
