package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dweet/terraform-provider-nova/internal/nova"
)

// newScoringJobEphemeral reads one scoring job as nova_scoring_job does.
// Its warnings name no record: an ephemeral resource keeps no candidate
// data, in its diagnostics either.
func newScoringJobEphemeral() ephemeral.EphemeralResource {
	spec := scoringJobSpec()
	spec.anonymous = true
	// Its diagnostics name no candidate: not the application or the scoring
	// job it was given either. Terraform names the resource's address.
	spec.subject = func(a scoringJobArgs) string { return fmt.Sprintf("a scoring job of job %q", a.jobID) }
	return &ephemeralResource[scoringJobArgs, *nova.ScoringJobResult]{
		spec: spec,
		description: "Reads one Nova scoring job like the `nova_scoring_job` data source, optionally waiting until it finishes, " +
			"but keeps the result out of plans and state. With `require_completed = true` the provider stops the run unless the job completed. " +
			"Needs Terraform 1.10 or later, or OpenTofu 1.12 or later.",
		// One candidate's job takes no policy: a score bar on one person is
		// decided over the whole batch. require_completed is the gate with
		// an empty policy, on the job as a batch of one.
		gate: func(r *nova.ScoringJobResult, _ tftypes.Value) gateBatch { return gateJob(r.ScoringJob) },
	}
}
