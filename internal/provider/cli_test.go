package provider

import (
	"cmp"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// Some behaviour is best proved the way a user meets it: a built provider
// binary, found through dev_overrides, driven by the terraform CLI. (The
// testing framework's state checks also cannot address for_each instances.)

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
