package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dweet/terraform-provider-nova/internal/nova"
)

// newScoringBatchEphemeral reads a batch as nova_scoring_batch does. Its
// warnings name no record: an ephemeral resource keeps no candidate data,
// in its diagnostics either.
func newScoringBatchEphemeral() ephemeral.EphemeralResource {
	spec := scoringBatchSpec()
	spec.anonymous = true
	return &ephemeralResource[scoringBatchArgs, *nova.BatchResult]{
		spec: spec,
		description: "Reads a Nova scoring batch like the `nova_scoring_batch` data source, optionally waiting until it finishes, " +
			"but keeps the result out of plans and state: a gate that leaves no candidate data behind. " +
			"With `require` (a gate policy, as `provider::nova::gate` takes) or `require_completed = true` the provider stops the run unless the batch passes. Needs Terraform 1.10 or later, or OpenTofu 1.12 or later.",
		// The gate reads the batch as the function reads the data source:
		// from the same attributes, through the same code.
		gate:   func(_ *nova.BatchResult, result tftypes.Value) gateBatch { return gateBatchFromValue(result) },
		policy: true,
	}
}
