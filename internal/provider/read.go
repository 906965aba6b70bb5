package provider

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dweet/terraform-provider-nova/internal/nova"
)

// maxWaitWarnings bounds the warnings a long wait collects from its polls.
const maxWaitWarnings = 20

// readSpec is everything one Terraform type tells the shared read: what it
// is called, its own arguments (A holds them, ids as named fields), what it
// fetches (T) and how that becomes state. The read itself (arguments every
// type shares, readiness, timeouts, waiting, warnings, diagnostics) is the
// same for every type, and knows none of a type's own arguments.
type readSpec[A, T any] struct {
	typeName    string // after the provider's name, such as "_scoring_batch"
	description string
	kind        string // what diagnostics call the object
	// arguments are the type's own arguments: the ids that select the
	// object and any other setting of its own. An argument that has the
	// name of a computed attribute (job_id) replaces it: here it selects
	// what is read.
	arguments map[string]schema.Attribute
	computed  func() (map[string]schema.Attribute, error)
	// defaultInterval is the poll interval of a type that can wait; zero
	// means it cannot.
	defaultInterval time.Duration
	// anonymous is set for the reads that name no candidate (the summary
	// and the ephemeral resources): their warnings leave out the record
	// they are about, and Nova's free-text messages are withheld.
	anonymous bool
	notFound  string // what to check after a 404
	// notFoundCodes is what to check after a 404 with one of these Nova
	// codes, where the code says more than the path does.
	notFoundCodes map[string]string

	// args reads the type's own arguments.
	args    func(ctx context.Context, config tfsdk.Config) (A, diag.Diagnostics)
	subject func(A) string // names the object in diagnostics
	fetch   func(ctx context.Context, c *nova.Client, a A, tenant string) (T, error)
	result  func(T) readResult
	// state maps a result to the computed attributes and trace_id.
	state func(a A, v T, schemaType tftypes.Object) (map[string]tftypes.Value, error)
}

// readResult is what the shared read needs to know about any result.
type readResult struct {
	finished bool
	summary  string         // the state, for progress and timeout messages
	fields   map[string]any // the state, for the per-read log line
	warnings []nova.Warning
	// unknown names the status values the provider did not know; they are
	// treated as pending, so a wait that times out says they kept it waiting.
	unknown []string
}

// polled is one successful read and its summary.
type polled[T any] struct {
	value T
	readResult
}

// readOutcome is what a successful read produced: the last value read, the
// target it was read for, and the state (or ephemeral result) built from it.
type readOutcome[T any] struct {
	polled[T]
	target target
	raw    tftypes.Value
}

// read is the one read behind every data source and ephemeral resource:
// arguments, provider readiness, timeouts, reading once or waiting,
// warnings, diagnostics and building the value from the mapping. It
// reports into diags and says whether the outcome can be used.
func (s *readSpec[A, T]) read(ctx context.Context, data *providerData, config tfsdk.Config, diags *diag.Diagnostics) (readOutcome[T], bool) {
	own, argDiags := s.args(ctx, config)
	diags.Append(argDiags...)
	shared, argDiags := readSharedArguments(ctx, config, s.defaultInterval > 0)
	diags.Append(argDiags...)
	if diags.HasError() {
		return readOutcome[T]{}, false
	}
	if data == nil {
		diags.AddError("Nova provider not configured", "The provider was not configured before "+s.kind+" was read. This is a bug in the provider; please report it.")
		return readOutcome[T]{}, false
	}
	tenant := data.tenant(shared.tenant)
	t := target{
		kind:          s.kind,
		description:   s.subject(own),
		tenant:        tenant,
		environment:   data.environment,
		notFound:      s.notFound,
		notFoundCodes: s.notFoundCodes,
		anonymous:     s.anonymous,
	}
	if !data.ready(t, diags) {
		return readOutcome[T]{}, false
	}

	timeout, toDiags := shared.timeouts.Read(ctx, defaultReadTimeout)
	diags.Append(toDiags...)
	if diags.HasError() {
		return readOutcome[T]{}, false
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	// Each read is summarised once, for the progress log, the wait's
	// decision and the diagnostics. A wait that ends badly reports every
	// warning it saw: the one that explains why it never finished may have
	// come from any poll. They are kept as diagnostics because
	// diag.Diagnostics.Append drops one equal to a diagnostic it holds, so a
	// warning that every poll repeats is reported once (TestCLIWaitTimeoutNamesUnknownStatus).
	// Warnings that name counts differ as a batch progresses, so at most
	// maxWaitWarnings are kept from earlier polls; the last read's are
	// always reported.
	var seenWarnings diag.Diagnostics
	read := func(ctx context.Context) (polled[T], error) {
		v, err := s.fetch(ctx, data.client, own, tenant)
		if err != nil {
			return polled[T]{}, err
		}
		p := polled[T]{value: v, readResult: s.result(v)}
		if len(seenWarnings) < maxWaitWarnings {
			addWarnings(&seenWarnings, t, warningTexts(p.warnings, s.anonymous))
		}
		tflog.Info(ctx, "Read Nova "+s.kind, p.fields)
		return p, nil
	}
	var p polled[T]
	var err error
	if shared.wait.ValueBool() {
		poller := newPoller(durationOr(shared.pollInterval, s.defaultInterval))
		p, err = wait(ctx, poller, read, func(p polled[T]) bool { return p.finished })
		if err != nil {
			diags.Append(seenWarnings...)
			addWarnings(diags, t, warningTexts(p.warnings, s.anonymous))
		}
		var we *waitError
		if errors.As(err, &we) {
			// The unknown values of the last read are the ones still there
			// when the wait gave up.
			diags.Append(waitErrorDiagnostic(t, we, timeout, lastSeen(p, we), p.unknown))
			return readOutcome[T]{}, false
		}
	} else {
		p, err = read(ctx)
	}
	if err != nil {
		diags.Append(readErrorDiagnostic(t, err))
		return readOutcome[T]{}, false
	}

	addWarnings(diags, t, warningTexts(p.warnings, s.anonymous))
	raw, err := s.stateValue(ctx, config, own, p.value)
	if err != nil {
		diags.AddError("Could not build the result", fmt.Sprintf("Mapping %s to Terraform values failed: %s. This is a bug in the provider; please report it.", t.where(), err))
		return readOutcome[T]{}, false
	}
	return readOutcome[T]{polled: p, target: t, raw: raw}, true
}

// ready reports, as diagnostics naming the setting and its environment
// variable, what keeps the provider from reading t.
func (p *providerData) ready(t target, diags *diag.Diagnostics) bool {
	if p.client == nil {
		diags.AddError("Nova API key missing",
			fmt.Sprintf("Reading %s needs an API key. Set api_key in the provider \"nova\" block or the %s environment variable to a sandbox (sk_test_…) or production (sk_live_…) key.", t.description, envAPIKey))
	}
	if t.tenant == "" {
		diags.AddError("Nova tenant missing",
			fmt.Sprintf("Reading %s needs a tenant. Set tenant_id on the data source (or ephemeral resource), tenant_id in the provider \"nova\" block, or the %s environment variable.", t.description, envTenantID))
	}
	return !diags.HasError()
}

// lastSeen describes the last successful read of a wait that did not end
// well; the poller returns the zero value when no read succeeded.
func lastSeen[T any](p polled[T], we *waitError) string {
	if we.Successes == 0 {
		return "no read succeeded"
	}
	return "last seen: " + p.summary
}

// stateValue is the configuration with the computed attributes filled in
// from v. Every argument, the type's own included, keeps its configured
// value.
func (s *readSpec[A, T]) stateValue(ctx context.Context, config tfsdk.Config, a A, v T) (tftypes.Value, error) {
	schemaType, ok := config.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		return tftypes.Value{}, fmt.Errorf("schema type %s is not an object", config.Schema.Type())
	}
	var configured map[string]tftypes.Value
	if err := config.Raw.As(&configured); err != nil {
		return tftypes.Value{}, fmt.Errorf("reading the configuration: %w", err)
	}
	// As hands out the configuration's own map: writing to it would change
	// the configuration the framework compares the state with.
	attrs := maps.Clone(configured)
	computed, err := s.state(a, v, schemaType)
	if err != nil {
		return tftypes.Value{}, err
	}
	for name, val := range computed {
		if _, argument := s.arguments[name]; !argument {
			attrs[name] = val
		}
	}
	if err := tftypes.ValidateValue(schemaType, attrs); err != nil {
		return tftypes.Value{}, err
	}
	return tftypes.NewValue(schemaType, attrs), nil
}
