package provider

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"testing"

	"github.com/hashicorp/go-version"
)

// Some tests need a newer CLI than the oldest one we support (Terraform
// 1.5.7): ephemeral resources, `terraform test` with mock_provider. Under an
// older CLI they skip, saying which version they need, so that the
// compatibility matrix (make test-matrix) shows what it did not prove.

// Names of the two CLIs, as their `version` command prints them.
const (
	cliTerraform = "Terraform"
	cliOpenTofu  = "OpenTofu"
)

// cliRelease identifies the CLI the tests drive: product and version.
type cliRelease struct {
	name    string // cliTerraform or cliOpenTofu
	version *version.Version
}

func (c cliRelease) String() string { return c.name + " " + c.version.String() }

// parseCLIVersion reads the output of `terraform version` or `tofu version`.
// The version line need not be the first: a warning about the CLI
// configuration can come before it.
func parseCLIVersion(out string) (cliRelease, error) {
	m := regexp.MustCompile(`(?m)^(Terraform|OpenTofu) v(\S+)`).FindStringSubmatch(out)
	if m == nil {
		return cliRelease{}, fmt.Errorf("no \"Terraform vX.Y.Z\" or \"OpenTofu vX.Y.Z\" line in %q", out)
	}
	v, err := version.NewVersion(m[2])
	if err != nil {
		return cliRelease{}, fmt.Errorf("version of %s: %w", m[1], err)
	}
	return cliRelease{name: m[1], version: v}, nil
}

// testedCLI is the CLI under test: TF_ACC_TERRAFORM_PATH, else terraform on
// PATH (the same lookup as terraform-plugin-testing's).
func testedCLI(t *testing.T) cliRelease {
	t.Helper()
	tf := terraformBinary(t)
	cmd := exec.CommandContext(t.Context(), tf, "version")
	cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s version: %v\n%s", tf, err, out)
	}
	v, err := parseCLIVersion(string(out))
	if err != nil {
		t.Fatalf("%s version: %v", tf, err)
	}
	return v
}

// skipReason says why a test of feature cannot run on cli, or "" when it
// can. The minimum applies to the CLI called name only; features arrived in
// Terraform and OpenTofu at different versions.
func skipReason(cli cliRelease, name, minimum, feature string) string {
	if cli.name != name || !cli.version.LessThan(version.Must(version.NewVersion(minimum))) {
		return ""
	}
	return fmt.Sprintf("%s needs %s %s or later; the CLI under test is %s", feature, name, minimum, cli)
}

// skipBelowTerraform skips the test, naming feature and the version it needs,
// when the CLI under test is Terraform older than minimum. It does nothing
// under OpenTofu: pair it with skipBelowOpenTofu.
func skipBelowTerraform(t *testing.T, minimum, feature string) {
	t.Helper()
	if reason := skipReason(testedCLI(t), cliTerraform, minimum, feature); reason != "" {
		t.Skip(reason)
	}
}

// skipBelowOpenTofu is skipBelowTerraform for OpenTofu.
func skipBelowOpenTofu(t *testing.T, minimum, feature string) {
	t.Helper()
	if reason := skipReason(testedCLI(t), cliOpenTofu, minimum, feature); reason != "" {
		t.Skip(reason)
	}
}

func TestParseCLIVersion(t *testing.T) {
	for _, tc := range []struct {
		out, want string
	}{
		{"Terraform v1.11.4\non linux_amd64\n", "Terraform 1.11.4"},
		{"Terraform v1.5.7\non linux_amd64\n\nYour version of Terraform is out of date!", "Terraform 1.5.7"},
		{"OpenTofu v1.12.6\non linux_amd64\n", "OpenTofu 1.12.6"},
		{"OpenTofu v1.12.6-dev\non linux_amd64\n", "OpenTofu 1.12.6-dev"},
		{"\nWarning: Unable to open CLI configuration file\n\nThe CLI configuration file at \"/x\" does not exist.\nTerraform v1.10.0\n", "Terraform 1.10.0"},
	} {
		got, err := parseCLIVersion(tc.out)
		if err != nil {
			t.Errorf("parseCLIVersion(%q): %v", tc.out, err)
			continue
		}
		if got.String() != tc.want {
			t.Errorf("parseCLIVersion(%q) = %s, want %s", tc.out, got, tc.want)
		}
	}
	for _, bad := range []string{"", "terraform 1.5.7", "Terraform vX.Y", "Error: unknown command"} {
		if got, err := parseCLIVersion(bad); err == nil {
			t.Errorf("parseCLIVersion(%q) = %s, want an error", bad, got)
		}
	}
}

func TestSkipReason(t *testing.T) {
	cli := func(out string) cliRelease {
		v, err := parseCLIVersion(out)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct {
		cli      cliRelease
		name     string
		minimum  string
		wantSkip bool
	}{
		{cli("Terraform v1.5.7"), cliTerraform, "1.7.0", true},
		{cli("Terraform v1.6.6"), cliTerraform, "1.7.0", true},
		{cli("Terraform v1.7.0"), cliTerraform, "1.7.0", false},
		{cli("Terraform v1.11.4"), cliTerraform, "1.10.0", false},
		{cli("Terraform v1.10.0-beta1"), cliTerraform, "1.10.0", true}, // a pre-release comes before its release
		{cli("Terraform v1.5.7"), cliOpenTofu, "1.8.0", false},         // a minimum for the other CLI
		{cli("OpenTofu v1.12.6"), cliTerraform, "1.15.0", false},
		{cli("OpenTofu v1.10.10"), cliOpenTofu, "1.11.0", true},
		{cli("OpenTofu v1.12.6"), cliOpenTofu, "1.11.0", false},
	} {
		reason := skipReason(tc.cli, tc.name, tc.minimum, "ephemeral resources")
		if (reason != "") != tc.wantSkip {
			t.Errorf("skipReason(%s, %s %s) = %q, want skip %v", tc.cli, tc.name, tc.minimum, reason, tc.wantSkip)
		}
		if reason != "" {
			want := fmt.Sprintf("ephemeral resources needs %s %s or later; the CLI under test is %s", tc.name, tc.minimum, tc.cli)
			if reason != want {
				t.Errorf("skip reason %q, want %q", reason, want)
			}
		}
	}
}

// The first releases that call provider-defined functions.
const (
	functionsMinTerraform = "1.8.0"
	functionsMinOpenTofu  = "1.7.0"
)

// skipWithoutFunctions skips a test that calls provider::nova::gate on a
// CLI that cannot parse the call.
func skipWithoutFunctions(t *testing.T) {
	t.Helper()
	skipBelowTerraform(t, functionsMinTerraform, "provider-defined functions")
	skipBelowOpenTofu(t, functionsMinOpenTofu, "provider-defined functions")
}
