package clitest

import (
	"bytes"
	"cmp"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/dweet/terraform-provider-nova/internal/acctest"
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

// The fixtures the provider's acceptance tests use too.
const (
	testKey    = acctest.Key
	testTenant = acctest.Tenant
	testJob    = acctest.Job
)

var (
	fakeNova       = acctest.FakeNova
	seed           = acctest.Seed
	providerConfig = acctest.ProviderConfig
)

// Some tests need a newer CLI than the oldest one we support (Terraform
// 1.5.7): ephemeral resources, `terraform test` with mock_provider. Under an
// older CLI they skip, saying which version they need, so that the
// compatibility matrix (make test-matrix) shows what it did not prove.

// testedCLI is the CLI under test: TF_ACC_TERRAFORM_PATH, else terraform on
// PATH (the same lookup as terraform-plugin-testing's).
func testedCLI(t *testing.T) acctest.CLI {
	t.Helper()
	tf := terraformBinary(t)
	cmd := exec.CommandContext(t.Context(), tf, "version")
	cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s version: %v\n%s", tf, err, out)
	}
	v, err := acctest.ParseCLIVersion(string(out))
	if err != nil {
		t.Fatalf("%s version: %v", tf, err)
	}
	return v
}

// skipBelowTerraform skips the test, naming feature and the version it needs,
// when the CLI under test is Terraform older than minimum. It does nothing
// under OpenTofu: pair it with skipBelowOpenTofu.
func skipBelowTerraform(t *testing.T, minimum, feature string) {
	t.Helper()
	if reason := acctest.SkipReason(testedCLI(t), acctest.Terraform, minimum, feature); reason != "" {
		t.Skip(reason)
	}
}

// skipBelowOpenTofu is skipBelowTerraform for OpenTofu.
func skipBelowOpenTofu(t *testing.T, minimum, feature string) {
	t.Helper()
	if reason := acctest.SkipReason(testedCLI(t), acctest.OpenTofu, minimum, feature); reason != "" {
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

// skipWithoutEphemeral skips on CLIs without ephemeral resources, naming
// the version needed.
func skipWithoutEphemeral(t *testing.T) {
	t.Helper()
	skipBelowTerraform(t, acctest.EphemeralMinTerraform, "support for ephemeral resources")
	skipBelowOpenTofu(t, acctest.EphemeralMinOpenTofu, "support for ephemeral resources")
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
