package provider

import (
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
	return &novaEphemeral[*nova.ScoringJobResult]{
		source: dataSourceOf[*nova.ScoringJobResult](newScoringJobDataSource),
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
