package provider

import (
	"context"
	"errors"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ function.Function = (*gateFunction)(nil)

// gateFunction is provider::nova::gate(batch, policy).
type gateFunction struct{}

func newGateFunction() function.Function { return &gateFunction{} }

var gateResultTypes = map[string]attr.Type{
	"passed":  types.BoolType,
	"reasons": types.ListType{ElemType: types.StringType},
}

func (f *gateFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "gate"
}

func (f *gateFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Decides whether a scoring batch may open a pipeline gate, and says why not",
		MarkdownDescription: "Evaluates a policy on the whole object of a `nova_scoring_batch` or `nova_scoring_batch_summary` data source and returns " +
			"`{ passed = bool, reasons = list(string) }`. `passed` is true only when `reasons` is empty. " +
			"The batch must be `completed` (or `failed` with at most `max_failed_jobs` failed jobs) and finished; " +
			"every fact the policy needs must be present, and a missing, null or wrongly typed one is a reason, never a pass. " +
			"Reasons name the batch and what failed, never an application id, a scoring job id or a score. " +
			"An unknown policy key, or a null batch or policy, is an error. Needs Terraform 1.8 or later, or OpenTofu 1.7 or later.",
		// Neither parameter accepts null: a null argument is an error on
		// both CLIs. OpenTofu skips a provider function whose argument is
		// an untyped null to a dynamic parameter that allows null, and
		// returns an unknown result, which a precondition then ignores;
		// refusing null is checked before that skip.
		Parameters: []function.Parameter{
			function.DynamicParameter{
				Name: "batch",
				MarkdownDescription: "The whole object of a `nova_scoring_batch` or `nova_scoring_batch_summary` data source, " +
					"such as `data.nova_scoring_batch.gate`. Which one it is, the gate tells by its attributes.",
			},
			function.DynamicParameter{
				Name: "policy",
				MarkdownDescription: "An object whose keys are all optional: `min_score` (number: every scored application at or above it; " +
					"from a summary, `score_min`, which is null and so a reason when the statistics are withheld), " +
					"`max_failed_jobs` (whole number, default `0`), `criteria_version_id` (string: every job scored against exactly this version; " +
					"a job naming none fails), `max_age` (Go duration such as `\"24h\"`: the batch was created at most this long before `now`) " +
					"and `now` (RFC 3339, such as `plantimestamp()`; needed with `max_age`). `{}` requires a completed batch and nothing more.",
			},
		},
		Return: function.ObjectReturn{AttributeTypes: gateResultTypes},
	}
}

func (f *gateFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var batch, policy types.Dynamic
	resp.Error = req.Arguments.Get(ctx, &batch, &policy)
	if resp.Error != nil {
		return
	}
	// The CLIs refuse null arguments before calling (AllowNullValue is
	// false); these checks keep a null from passing if one ever did not.
	policyValue, err := dynamicTerraformValue(ctx, policy)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(1, "Reading the policy: "+err.Error())
		return
	}
	p, err := parseGatePolicy(policyValue)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(1, "Invalid gate policy: "+err.Error())
		return
	}
	batchValue, err := dynamicTerraformValue(ctx, batch)
	if err == nil && batchValue.IsNull() {
		err = errors.New("the batch is null")
	}
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, "Reading the batch: "+err.Error())
		return
	}
	reasons := evaluateGate(gateBatchFromValue(batchValue), p)
	resp.Error = resp.Result.Set(ctx, gateResult(reasons))
}

// gateResult is the function's value for a list of reasons.
func gateResult(reasons []string) types.Object {
	elems := make([]attr.Value, len(reasons))
	for i, r := range reasons {
		elems[i] = types.StringValue(r)
	}
	return types.ObjectValueMust(gateResultTypes, map[string]attr.Value{
		"passed":  types.BoolValue(len(reasons) == 0),
		"reasons": types.ListValueMust(types.StringType, elems),
	})
}
