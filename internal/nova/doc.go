// Package nova is a client for the Nova Embed API: typed requests and
// responses, the error model, status normalisation, retries and pacing.
//
// It knows nothing about Terraform, so that the same client can be tested,
// fuzzed and benchmarked on its own.
package nova
