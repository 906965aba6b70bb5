// Package provider implements the Terraform provider for the Nova Embed API.
package provider

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"strings"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dweet/terraform-provider-nova/internal/nova"
)

var (
	_ provider.Provider                       = (*novaProvider)(nil)
	_ provider.ProviderWithEphemeralResources = (*novaProvider)(nil)
	_ provider.ProviderWithFunctions          = (*novaProvider)(nil)
)

// New returns a constructor for the provider at the given version.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &novaProvider{version: version} }
}

type novaProvider struct {
	version string
}

type providerModel struct {
	APIKey         types.String         `tfsdk:"api_key"`
	TenantID       types.String         `tfsdk:"tenant_id"`
	BaseURL        types.String         `tfsdk:"base_url"`
	MaxRetries     types.Int64          `tfsdk:"max_retries"`
	RequestTimeout timetypes.GoDuration `tfsdk:"request_timeout"`
}

func (p *novaProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "nova"
	resp.Version = p.version
}

func (p *novaProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads scoring batches and scoring jobs from the [Nova Embed API](https://nova.dweet.com/docs/embed-api/introduction), " +
			"so that pipelines can wait for candidate scoring to finish, gate on the results, and keep an audit record in the plan.",
		Attributes: map[string]schema.Attribute{
			"api_key": schema.StringAttribute{
				MarkdownDescription: "Nova API key, `sk_test_…` (sandbox) or `sk_live_…` (production); the prefix picks the environment. " +
					"Falls back to the `" + envAPIKey + "` environment variable. Prefer the variable: a key written in configuration ends up in version control.",
				Optional:   true,
				Sensitive:  true,
				Validators: []validator.String{apiKeyValidator{}},
			},
			"tenant_id": schema.StringAttribute{
				MarkdownDescription: "Your customer's identifier at Nova, sent as the `X-Tenant-Id` header. Tenants are created on first use. " +
					"Falls back to `" + envTenantID + "`; a data source's own `tenant_id` overrides it.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1), noControlChars},
			},
			"base_url": schema.StringAttribute{
				MarkdownDescription: "Root URL of the Nova API, with or without a trailing `/v1`. Falls back to `" + envBaseURL +
					"` (set but empty is an error, never a fallback), then to `" + nova.DefaultBaseURL + "`. Plain `http` is accepted only for loopback hosts, such as the local Nova server.",
				Optional:   true,
				Validators: []validator.String{baseURLValidator{}},
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many times a request is retried after a server error (%s), a refused or reset connection, or a per-attempt timeout. "+
					"Backoff is exponential with jitter from %g s to %g s and honours `Retry-After` (at most %s per wait). "+
					"`429` (rate limited) answers are not counted here: they are waited out until the read's deadline (`timeouts.read`, default 20m), see *Rate limits and concurrent runs*. "+
					"Errors that repeating cannot fix (other `4xx`, an untrusted certificate) fail at once. Default %d; `0` disables retries.", codeList(nova.RetriedServerErrors()), nova.DefaultRetryWaitMin.Seconds(), nova.DefaultRetryWaitMax.Seconds(), nova.MaxRetryAfter, nova.DefaultMaxRetries),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, 10)},
			},
			"request_timeout": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Time limit for one HTTP attempt, as a Go duration such as `30s`. It starts when the request is sent, after any wait for its turn "+
					"under Nova's rate limit, and covers reading the answer; an attempt that runs out is retried (`max_retries`). "+
					"The whole read, retries and waits included, is bounded by the data source's `timeouts.read`. Default `%s`; at least `1s`.", nova.DefaultRequestTimeout),
				Optional:   true,
				CustomType: timetypes.GoDurationType{},
				Validators: []validator.String{atLeastDuration(1e9)},
			},
		},
	}
}

func (p *novaProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	settings := []struct {
		name  string
		value attr.Value
	}{
		{"api_key", cfg.APIKey}, {"tenant_id", cfg.TenantID}, {"base_url", cfg.BaseURL},
		{"max_retries", cfg.MaxRetries}, {"request_timeout", cfg.RequestTimeout},
	}
	for _, s := range settings {
		if s.value.IsUnknown() {
			resp.Diagnostics.AddAttributeError(path.Root(s.name), "Nova provider setting not known until apply",
				fmt.Sprintf("The provider's %s comes from a value that Terraform only learns during apply, but the provider must be configured to read data during plan. "+
					"Set it from a variable or a literal, or leave it out and use the environment variable, or apply the resource it depends on first with -target.", s.name))
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	apiKey := settingOrEnv(cfg.APIKey, envAPIKey)
	baseURL := cmp.Or(settingOrEnv(cfg.BaseURL, envBaseURL), nova.DefaultBaseURL)
	data := &providerData{
		environment: keyEnvironment(apiKey),
		tenantID:    settingOrEnv(cfg.TenantID, envTenantID),
	}
	// Values from the environment have not been through the schema's
	// validators; check them here and name the variable.
	if cfg.APIKey.IsNull() && apiKey != "" {
		if problem := checkAPIKey(apiKey); problem != "" {
			resp.Diagnostics.AddAttributeError(path.Root("api_key"), "Invalid Nova API key",
				"The key in "+envAPIKey+" "+problem+". The key itself is not shown here because it is a secret.")
		}
	}
	if cfg.TenantID.IsNull() && strings.ContainsFunc(data.tenantID, unicode.IsControl) {
		resp.Diagnostics.AddAttributeError(path.Root("tenant_id"), "Invalid Nova tenant id",
			envTenantID+" must not contain control characters (such as CR, LF or tab).")
	}
	// An empty NOVA_BASE_URL is almost always a script that read an address
	// too early (a server's address file not yet written); falling back to
	// the default would send a test run, with its key, to the real API.
	if env, set := os.LookupEnv(envBaseURL); cfg.BaseURL.IsNull() && set && strings.TrimSpace(env) == "" {
		resp.Diagnostics.AddAttributeError(path.Root("base_url"), "Empty Nova base URL",
			envBaseURL+" is set but empty. Unset it to use "+nova.DefaultBaseURL+", or set it to your server's address "+
				"(for a local novafake, wait until its -addr-file has been written before reading it).")
	} else if _, err := nova.NormalizeBaseURL(baseURL); err != nil && cfg.BaseURL.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("base_url"), "Invalid Nova base URL", "From "+envBaseURL+": "+err.Error()+".")
	}
	if resp.Diagnostics.HasError() || apiKey == "" {
		// A missing key is reported by the data source that needs it, so
		// that a configuration which reads nothing still plans.
		resp.DataSourceData = data
		resp.EphemeralResourceData = data
		return
	}

	client, err := nova.New(nova.Config{
		BaseURL:        baseURL,
		APIKey:         apiKey,
		UserAgent:      p.userAgent(req.TerraformVersion),
		MaxRetries:     maxRetries(cfg.MaxRetries),
		RequestTimeout: durationOr(cfg.RequestTimeout, nova.DefaultRequestTimeout),
		// No pacer is shared with other provider configurations: each
		// alias runs in a provider process of its own, and paces with the
		// others through Nova's rate-limit headers, like separate runs.
		Logger: tflogAdapter{secret: apiKey},
	})
	if err != nil {
		resp.Diagnostics.AddError("Could not configure the Nova client", err.Error())
		return
	}
	data.client = client
	resp.DataSourceData = data
	resp.EphemeralResourceData = data
}

// settingOrEnv prefers the configured value and falls back to the variable.
func settingOrEnv(v types.String, env string) string {
	if !v.IsNull() {
		return v.ValueString()
	}
	return os.Getenv(env)
}

func maxRetries(v types.Int64) int {
	if v.IsNull() {
		return nova.DefaultMaxRetries
	}
	if v.ValueInt64() == 0 {
		return -1 // the client reads 0 as "default"
	}
	return int(v.ValueInt64())
}

// userAgent names the provider and the Terraform that runs it, as the
// registry's providers do, plus whatever the user appends.
func (p *novaProvider) userAgent(terraformVersion string) string {
	ua := fmt.Sprintf("terraform-provider-nova/%s (+https://registry.terraform.io/providers/dweet/nova) Terraform/%s",
		p.version, cmp.Or(terraformVersion, "unknown"))
	if extra := strings.TrimSpace(os.Getenv("TF_APPEND_USER_AGENT")); extra != "" {
		ua += " " + extra
	}
	return ua
}

func (p *novaProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		newScoringBatchDataSource,
		newScoringBatchSummaryDataSource,
		newCriteriaVersionDataSource,
		newScoringJobDataSource,
		newApplicationScoreDataSource,
	}
}

func (p *novaProvider) Resources(context.Context) []func() resource.Resource { return nil }

// EphemeralResources are the data sources that can wait, offered again with
// results that stay out of plans and state.
func (p *novaProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{
		newScoringBatchEphemeral,
		newScoringJobEphemeral,
	}
}

// Functions are the provider-defined functions: the gate.
func (p *novaProvider) Functions(context.Context) []func() function.Function {
	return []func() function.Function{newGateFunction}
}

// codeList writes HTTP status codes as the docs do: `500`, `502`.
func codeList(codes []int) string {
	quoted := make([]string, len(codes))
	for i, c := range codes {
		quoted[i] = fmt.Sprintf("`%d`", c)
	}
	return strings.Join(quoted, ", ")
}
