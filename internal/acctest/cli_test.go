package acctest

import (
	"fmt"
	"testing"
)

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
		got, err := ParseCLIVersion(tc.out)
		if err != nil {
			t.Errorf("ParseCLIVersion(%q): %v", tc.out, err)
			continue
		}
		if got.String() != tc.want {
			t.Errorf("ParseCLIVersion(%q) = %s, want %s", tc.out, got, tc.want)
		}
	}
	for _, bad := range []string{"", "terraform 1.5.7", "Terraform vX.Y", "Error: unknown command"} {
		if got, err := ParseCLIVersion(bad); err == nil {
			t.Errorf("ParseCLIVersion(%q) = %s, want an error", bad, got)
		}
	}
}

func TestSkipReason(t *testing.T) {
	cli := func(out string) CLI {
		v, err := ParseCLIVersion(out)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct {
		cli      CLI
		name     string
		minimum  string
		wantSkip bool
	}{
		{cli("Terraform v1.5.7"), Terraform, "1.7.0", true},
		{cli("Terraform v1.6.6"), Terraform, "1.7.0", true},
		{cli("Terraform v1.7.0"), Terraform, "1.7.0", false},
		{cli("Terraform v1.11.4"), Terraform, "1.10.0", false},
		{cli("Terraform v1.10.0-beta1"), Terraform, "1.10.0", true}, // a pre-release comes before its release
		{cli("Terraform v1.5.7"), OpenTofu, "1.8.0", false},         // a minimum for the other CLI
		{cli("OpenTofu v1.12.6"), Terraform, "1.15.0", false},
		{cli("OpenTofu v1.10.10"), OpenTofu, "1.11.0", true},
		{cli("OpenTofu v1.12.6"), OpenTofu, "1.11.0", false},
	} {
		reason := SkipReason(tc.cli, tc.name, tc.minimum, "ephemeral resources")
		if (reason != "") != tc.wantSkip {
			t.Errorf("SkipReason(%s, %s %s) = %q, want skip %v", tc.cli, tc.name, tc.minimum, reason, tc.wantSkip)
		}
		if reason != "" {
			want := fmt.Sprintf("ephemeral resources needs %s %s or later; the CLI under test is %s", tc.name, tc.minimum, tc.cli)
			if reason != want {
				t.Errorf("skip reason %q, want %q", reason, want)
			}
		}
	}
}
