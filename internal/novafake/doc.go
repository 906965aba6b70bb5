// Package novafake is an in-memory Nova Embed API (the scoring-batch and
// scoring-job endpoints) served as an http.Handler.
//
// It exists so that the client, the provider's acceptance tests, the demo
// and the benchmarks can run hermetically, and so that they can be exercised
// against every documented generation of the API (internal/nova/CONTRACT.md,
// Doc generations): status spellings (GEN-B upper case, GEN-C/D lower case,
// GEN-D samples without a status), both error shapes, rate limiting and the broken responses a real network produces.
//
// The package deliberately defines its own wire structs instead of importing
// the client's, so that a decoding bug in the client cannot hide behind a
// matching bug here.
package novafake
