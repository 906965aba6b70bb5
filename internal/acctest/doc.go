// Package acctest holds what the provider's acceptance tests
// (internal/provider) and the CLI tests (internal/clitest) share: the key,
// tenant and job they use, novafake on loopback and the provider block that
// points at it, hand-written Nova answers, and the rule that says which CLI
// release is too old for a feature. Only tests import it.
package acctest
