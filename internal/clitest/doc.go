// Package clitest holds the black-box tests: each drives a real terraform or
// tofu binary against the provider built from this module, found through
// dev_overrides, the way a user meets it. The CLI under test is
// TF_ACC_TERRAFORM_PATH, else terraform on PATH. harness_test.go builds the
// provider, writes the CLI configuration and skips, with a reason, the tests
// a CLI is too old for.
package clitest
