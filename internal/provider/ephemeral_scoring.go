package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dweet/terraform-provider-nova/internal/nova"
)

func newScoringBatchEphemeral() ephemeral.EphemeralResource {
	return &novaEphemeral[*nova.BatchResult]{
		source: dataSourceOf[*nova.BatchResult](newScoringBatchDataSource),
		description: "Reads a Nova scoring batch like the `nova_scoring_batch` data source, optionally waiting until it finishes, " +
			"but keeps the result out of plans and state: a gate that leaves no candidate data behind. " +
			"With `require` (a gate policy, as `provider::nova::gate` takes) or `require_completed = true` the provider stops the run unless the batch passes. Needs Terraform 1.10 or later, or OpenTofu 1.12 or later.",
		// The gate reads the batch as the function reads the data source:
		// from the same attributes, through the same code.
		gate:   func(_ *nova.BatchResult, result tftypes.Value) gateBatch { return gateBatchFromValue(result) },
		policy: true,
	}
}

func newScoringJobEphemeral() ephemeral.EphemeralResource {
	source := dataSourceOf[*nova.ScoringJobResult](newScoringJobDataSource)
	// Its diagnostics name no candidate: not the application or the scoring
	// job it was given either. Terraform names the resource's address.
	source.subject = func(ids []string) string { return fmt.Sprintf("a scoring job of job %q", ids[0]) }
	return &novaEphemeral[*nova.ScoringJobResult]{
		source: source,
		description: "Reads one Nova scoring job like the `nova_scoring_job` data source, optionally waiting until it finishes, " +
			"but keeps the result out of plans and state. With `require_completed = true` the provider stops the run unless the job completed. " +
			"Needs Terraform 1.10 or later, or OpenTofu 1.12 or later.",
		// One candidate's job takes no policy: a score bar on one person is
		// decided over the whole batch. require_completed is the gate with
		// an empty policy, on the job as a batch of one.
		gate: func(r *nova.ScoringJobResult, _ tftypes.Value) gateBatch { return gateJob(r.ScoringJob) },
	}
}
