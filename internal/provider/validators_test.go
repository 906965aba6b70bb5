package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestAPIKeyValidatorNeverEchoesTheKey(t *testing.T) {
	for _, key := range []string{"live_SECRETMATERIAL", "sk_test_SECRET MATERIAL", "sk_test_SECRETMATERIAL\n", "SECRETMATERIAL", "sk_test_",
		"sk_test_SECRET\x00MATERIAL", "sk_test_SECRET\x7fMATERIAL", "sk_test_SECRET\x1b[2JMATERIAL"} {
		var resp validator.StringResponse
		apiKeyValidator{}.ValidateString(t.Context(), validator.StringRequest{
			Path: path.Root("api_key"), ConfigValue: types.StringValue(key),
		}, &resp)
		if !resp.Diagnostics.HasError() {
			t.Errorf("%q: want an error", key)
		}
		for _, d := range resp.Diagnostics {
			if strings.Contains(d.Summary()+d.Detail(), "SECRET") || (len(key) > 8 && strings.Contains(d.Detail(), key)) {
				t.Errorf("%q: diagnostic repeats the key: %s %s", key, d.Summary(), d.Detail())
			}
		}
	}
	for _, key := range []string{"sk_test_abc", "sk_live_0123456789abcdef"} {
		var resp validator.StringResponse
		apiKeyValidator{}.ValidateString(t.Context(), validator.StringRequest{Path: path.Root("api_key"), ConfigValue: types.StringValue(key)}, &resp)
		if resp.Diagnostics.HasError() {
			t.Errorf("%q: unexpected error %v", key, resp.Diagnostics)
		}
	}
}

func TestKeyEnvironment(t *testing.T) {
	if keyEnvironment("sk_live_x") != "production" || keyEnvironment("sk_test_x") != "sandbox" {
		t.Fatal("the key prefix must pick the environment")
	}
}

func TestUserAgent(t *testing.T) {
	t.Setenv("TF_APPEND_USER_AGENT", "ci-pipeline/7")
	ua := (&novaProvider{version: "1.2.3"}).userAgent("1.9.0")
	if !strings.HasPrefix(ua, "terraform-provider-nova/1.2.3 ") || !strings.Contains(ua, "Terraform/1.9.0") || !strings.HasSuffix(ua, " ci-pipeline/7") {
		t.Fatalf("User-Agent %q", ua)
	}
}
