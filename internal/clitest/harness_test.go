package clitest

import (
	"bytes"
	"cmp"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/go-version"

	"github.com/dweet/terraform-provider-nova/internal/novafake"
)

var buildOnce struct {
	sync.Once
	dir string
	err error
	out []byte
}

func TestMain(m *testing.M) {
	code := m.Run()
	if buildOnce.dir != "" {
		_ = os.RemoveAll(buildOnce.dir)
	}
	os.Exit(code)
}

// builtProvider compiles the provider once per test run.
func builtProvider(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		// One build serves every test of the run; TestMain removes it.
		buildOnce.dir, buildOnce.err = os.MkdirTemp("", "nova-provider-bin") //nolint:usetesting // outlives any one test
		if buildOnce.err != nil {
			return
		}
		cmd := exec.Command("go", "build", "-o", filepath.Join(buildOnce.dir, "terraform-provider-nova"), "../..")
		buildOnce.out, buildOnce.err = cmd.CombinedOutput()
	})
	if buildOnce.err != nil {
		t.Fatalf("go build: %v\n%s", buildOnce.err, buildOnce.out)
	}
	return buildOnce.dir
}

// devOverridesRC is a CLI configuration that finds the built provider
// through dev_overrides, written once per test binary next to it.
var devRC struct {
	sync.Once
	path string
	err  error
}

func devOverridesRC(t *testing.T) string {
	t.Helper()
	bin := builtProvider(t)
	devRC.Do(func() {
		devRC.path = filepath.Join(bin, "terraformrc")
		// OpenTofu resolves "dweet/nova" at its own registry; honour the same
		// variable the testing framework does.
		host := cmp.Or(os.Getenv("TF_ACC_PROVIDER_HOST"), "registry.terraform.io")
		devRC.err = os.WriteFile(devRC.path, []byte(`provider_installation {
  dev_overrides { "`+host+`/dweet/nova" = "`+bin+`" }
  direct {}
}
`), 0o600)
	})
	if devRC.err != nil {
		t.Fatalf("dev_overrides CLI configuration: %v", devRC.err)
	}
	return devRC.path
}

// cliWorkspace is a directory with main.tf and a CLI configuration that
// points Terraform at the built provider.
type cliWorkspace struct {
	t   *testing.T
	tf  string
	dir string
	env []string
}

func newCLIWorkspace(t *testing.T, mainTF string, env ...string) *cliWorkspace {
	t.Helper()
	tf := terraformBinary(t)
	rc := devOverridesRC(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "work", "main.tf"), `terraform {
  required_providers {
    nova = { source = "dweet/nova" }
  }
}
`+mainTF)
	return &cliWorkspace{t: t, tf: tf, dir: dir,
		env: append(append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1"), env...)}
}

// run runs terraform with the arguments and returns what it printed.
func (w *cliWorkspace) run(args ...string) ([]byte, error) {
	return w.command(args...).CombinedOutput()
}

func (w *cliWorkspace) command(args ...string) *exec.Cmd {
	cmd := exec.Command(w.tf, append(args, "-no-color")...)
	cmd.Dir = filepath.Join(w.dir, "work")
	cmd.Env = w.env
	return cmd
}

// state is the workspace's terraform.tfstate.
func (w *cliWorkspace) state() []byte {
	w.t.Helper()
	b, err := os.ReadFile(filepath.Join(w.dir, "work", "terraform.tfstate"))
	if err != nil {
		w.t.Fatal(err)
	}
	return b
}

// terraformBinary finds the CLI under test: TF_ACC_TERRAFORM_PATH, else
// terraform on PATH.
func terraformBinary(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p
	}
	p, err := exec.LookPath("terraform")
	if err != nil {
		t.Skip("no terraform binary: `make test` provides one")
	}
	return p
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// The key, tenant and job every test uses, as in the provider's acceptance
// tests (internal/provider/provider_test.go), which this package cannot
// import: the tests below share novafake and HCL with them, nothing else.
const (
	testKey    = "sk_test_acceptance_0123456789"
	testTenant = "acme-corp"
	testJob    = "job-123"
)

// fakeNova starts novafake on loopback for one test.
func fakeNova(t *testing.T, opts ...novafake.Option) (*novafake.Server, string) {
	t.Helper()
	s := novafake.New(opts...)
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts.URL
}

// seed adds a batch to the sandbox tenant acme-corp under job-123 unless the
// spec says otherwise.
func seed(t *testing.T, s *novafake.Server, spec novafake.BatchSpec) string {
	t.Helper()
	if spec.Tenant == "" {
		spec.Tenant = testTenant
	}
	if spec.JobID == "" {
		spec.JobID = testJob
	}
	id, err := s.AddBatch(spec)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// providerConfig configures the provider in HCL against the fake.
func providerConfig(baseURL string, extra ...string) string {
	return fmt.Sprintf(`
provider "nova" {
  api_key   = %q
  tenant_id = %q
  base_url  = %q
  %s
}
`, testKey, testTenant, baseURL, strings.Join(extra, "\n  "))
}

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

// The first releases with ephemeral resources.
const (
	ephemeralMinTerraform = "1.10.0"
	ephemeralMinOpenTofu  = "1.11.0"
)

// skipWithoutEphemeral skips on CLIs without ephemeral resources, naming
// the version needed.
func skipWithoutEphemeral(t *testing.T) {
	t.Helper()
	skipBelowTerraform(t, ephemeralMinTerraform, "support for ephemeral resources")
	skipBelowOpenTofu(t, ephemeralMinOpenTofu, "support for ephemeral resources")
}

// wrappedText matches s in Terraform's output, which wraps long lines.
func wrappedText(s string) *regexp.Regexp {
	words := strings.Fields(s)
	for i, w := range words {
		words[i] = regexp.QuoteMeta(w)
	}
	return regexp.MustCompile(strings.Join(words, `\s+`))
}

// logHoldsJSON reports whether a Terraform log holds a fragment of a logged
// JSON body. Terraform 1.5.7 writes a field's value as it is; later CLIs
// quote it, escaping each '"' as '\"'.
func logHoldsJSON(logs []byte, fragment string) bool {
	return bytes.Contains(logs, []byte(fragment)) || bytes.Contains(logs, []byte(strings.ReplaceAll(fragment, `"`, `\"`)))
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
