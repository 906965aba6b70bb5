package acctest

import (
	"fmt"
	"regexp"

	"github.com/hashicorp/go-version"
)

// Names of the two CLIs, as their `version` command prints them.
const (
	Terraform = "Terraform"
	OpenTofu  = "OpenTofu"
)

// The first releases with ephemeral resources, for the tests that skip
// below them.
const (
	EphemeralMinTerraform = "1.10.0"
	EphemeralMinOpenTofu  = "1.11.0"
)

// CLI identifies the CLI the tests drive: product and version.
type CLI struct {
	Name    string // Terraform or OpenTofu
	Version *version.Version
}

func (c CLI) String() string { return c.Name + " " + c.Version.String() }

// ParseCLIVersion reads the output of `terraform version` or `tofu version`.
// The version line need not be the first: a warning about the CLI
// configuration can come before it.
func ParseCLIVersion(out string) (CLI, error) {
	m := regexp.MustCompile(`(?m)^(Terraform|OpenTofu) v(\S+)`).FindStringSubmatch(out)
	if m == nil {
		return CLI{}, fmt.Errorf("no \"Terraform vX.Y.Z\" or \"OpenTofu vX.Y.Z\" line in %q", out)
	}
	v, err := version.NewVersion(m[2])
	if err != nil {
		return CLI{}, fmt.Errorf("version of %s: %w", m[1], err)
	}
	return CLI{Name: m[1], Version: v}, nil
}

// SkipReason says why a test of feature cannot run on cli, or "" when it
// can. The minimum applies to the CLI called name only; features arrived in
// Terraform and OpenTofu at different versions.
func SkipReason(cli CLI, name, minimum, feature string) string {
	if cli.Name != name || !cli.Version.LessThan(version.Must(version.NewVersion(minimum))) {
		return ""
	}
	return fmt.Sprintf("%s needs %s %s or later; the CLI under test is %s", feature, name, minimum, cli)
}
