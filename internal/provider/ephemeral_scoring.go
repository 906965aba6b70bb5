package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/ephemeral"

	"github.com/dweet/terraform-provider-nova/internal/nova"
)

func newScoringBatchEphemeral() ephemeral.EphemeralResource {
	return &novaEphemeral[*nova.BatchResult]{
		source: dataSourceOf[*nova.BatchResult](newScoringBatchDataSource),
		description: "Reads a Nova scoring batch like the `nova_scoring_batch` data source, optionally waiting until it finishes, " +
			"but keeps the result out of plans and state: a gate that leaves no candidate data behind. " +
			"With `require_completed = true` the provider stops the run unless the batch completed. Needs Terraform 1.10 or later, or OpenTofu 1.12 or later.",
		gate: func(r *nova.BatchResult) gateFacts {
			facts := gateFacts{completed: r.Batch.Status == nova.StatusCompleted}
			for i := range r.ScoringJobs {
				if j := &r.ScoringJobs[i]; j.Status == nova.StatusFailed {
					facts.failed = append(facts.failed, failedApplication{apiText(j.ApplicationID), apiText(j.ErrorCode)})
				}
			}
			return facts
		},
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
		gate: func(r *nova.ScoringJobResult) gateFacts {
			j := r.ScoringJob
			facts := gateFacts{completed: j.Status == nova.StatusCompleted}
			if j.Status == nova.StatusFailed {
				facts.failed = []failedApplication{{apiText(j.ApplicationID), apiText(j.ErrorCode)}}
			}
			return facts
		},
	}
}
