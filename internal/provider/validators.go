package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/dweet/terraform-provider-nova/internal/nova"
)

// noControlChars keeps CR, LF and other control characters out of values
// that become HTTP headers (tenant ids), where they could split a request.
var noControlChars = stringvalidator.RegexMatches(regexp.MustCompile(`^\P{Cc}*$`),
	"must not contain control characters (such as CR, LF or tab)")

// checkAPIKey returns what is wrong with a key, without ever repeating the
// key: it is a secret, and diagnostics end up in CI logs.
func checkAPIKey(key string) string {
	switch {
	case key == "":
		return "must not be empty"
	case strings.IndexFunc(key, unicode.IsSpace) >= 0:
		return "must not contain whitespace (a copied key often carries a trailing newline)"
	case strings.IndexFunc(key, unicode.IsControl) >= 0:
		// Sent as a header, a control character would make every request
		// fail (or, with CR/LF, split it); better said at plan time.
		return "must not contain control characters"
	case !strings.HasPrefix(key, "sk_test_") && !strings.HasPrefix(key, "sk_live_"):
		return `must start with "sk_test_" (sandbox) or "sk_live_" (production)`
	case len(key) == len("sk_test_"):
		return "has nothing after its prefix"
	}
	return ""
}

// keyEnvironment names the Nova environment a key belongs to.
func keyEnvironment(key string) string {
	if strings.HasPrefix(key, "sk_live_") {
		return "production"
	}
	return "sandbox"
}

type apiKeyValidator struct{}

func (apiKeyValidator) Description(context.Context) string {
	return `must start with "sk_test_" or "sk_live_" and contain no whitespace or control characters`
}

func (v apiKeyValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (apiKeyValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if problem := checkAPIKey(req.ConfigValue.ValueString()); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Nova API key",
			"The api_key "+problem+". The key itself is not shown here because it is a secret. "+
				"Copy a key from the Nova Embed Portal (Sandbox or Production view).")
	}
}

type baseURLValidator struct{}

func (baseURLValidator) Description(context.Context) string {
	return "must be an absolute https URL (http only for loopback hosts)"
}

func (v baseURLValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (baseURLValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := nova.NormalizeBaseURL(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Nova base URL", err.Error()+".")
	}
}

// atLeastDuration checks a timetypes.GoDuration against a floor. The
// timetypes module validates the syntax; it has no range validator.
type atLeastDuration time.Duration

func (d atLeastDuration) Description(context.Context) string {
	return fmt.Sprintf("must be at least %s", time.Duration(d))
}

func (d atLeastDuration) MarkdownDescription(ctx context.Context) string { return d.Description(ctx) }

func (d atLeastDuration) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	got, err := time.ParseDuration(req.ConfigValue.ValueString())
	if err != nil {
		return // reported by the GoDuration type itself
	}
	if got < time.Duration(d) {
		resp.Diagnostics.AddAttributeError(req.Path, "Duration too short",
			fmt.Sprintf("%s is %s; it must be at least %s.", req.Path, got, time.Duration(d)))
	}
}

// durationOr returns the configured duration or def when it is not set.
func durationOr(v timetypes.GoDuration, def time.Duration) time.Duration {
	if v.IsNull() || v.IsUnknown() {
		return def
	}
	d, diags := v.ValueGoDuration()
	if diags.HasError() {
		return def
	}
	return d
}
