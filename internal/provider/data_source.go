package provider

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dweet/terraform-provider-nova/internal/nova"
)

const defaultReadTimeout = 20 * time.Minute

// maxWaitWarnings bounds the warnings a long wait collects from its polls.
const maxWaitWarnings = 20

// novaDataSource is one Nova read exposed as a data source. Every data
// source of the provider is a configuration of it: they differ in the ids
// that select the object, the endpoint, the computed attributes and how a
// result maps to them, while reading arguments, waiting, diagnostics and
// writing state are shared.
type novaDataSource[T any] struct {
	typeName    string // after the provider's name, such as "_scoring_batch"
	description string
	ids         []idArgument // in path order; optional ones last
	// assessments says whether the result holds candidate assessments, so
	// that the data source offers include_assessments.
	assessments bool
	// defaultGroupSize, when set, is the default of min_group_size, which
	// the data source then offers (the aggregate record).
	defaultGroupSize int64
	// anonymousWarnings is set for the reads that name no candidate (the
	// summary and the ephemeral resources): their warnings leave out the
	// record they are about, and identical ones are told once with a count.
	anonymousWarnings bool
	// defaultInterval is the poll interval of a data source that can wait;
	// zero means it cannot.
	defaultInterval time.Duration
	kind            string                    // what diagnostics call the object
	subject         func(ids []string) string // names the object in diagnostics
	notFound        string                    // what to check after a 404
	// notFoundCodes is what to check after a 404 with one of these Nova
	// codes, where the code says more than the path does.
	notFoundCodes map[string]string
	computed      func() map[string]schema.Attribute

	fetch  func(ctx context.Context, c *nova.Client, ids []string, tenant string) (T, error)
	result func(T) readResult
	state  func(v T, m mapping, schemaType tftypes.Object) (map[string]tftypes.Value, error)
	data   *providerData
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

type idArgument struct {
	name, description string
	// optional ids may be left out; the read gets "" for them.
	optional bool
}

// mapping is what the configuration says about how a result becomes state.
type mapping struct {
	includeAssessments bool
	minGroupSize       int64
}

func (d *novaDataSource[T]) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + d.typeName
}

func (d *novaDataSource[T]) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := d.computed()
	for _, id := range d.ids {
		// Some ids (job_id, application_id) are also attributes of what is
		// read: here they are the arguments that select it.
		delete(attrs, id.name)
		attrs[id.name] = schema.StringAttribute{
			Required:            !id.optional,
			Optional:            id.optional,
			MarkdownDescription: id.description,
			Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
		}
	}
	withAttributes(attrs, map[string]schema.Attribute{
		"tenant_id": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "Tenant to read from, sent as `X-Tenant-Id`; overrides the provider's `tenant_id` for this read.",
			Validators:          []validator.String{stringvalidator.LengthAtLeast(1), noControlChars},
		},
		"trace_id": schema.StringAttribute{Computed: true, MarkdownDescription: "The `X-Trace-Id` of the response these values come from, for Nova support and audit."},
	})
	withAttributes(attrs, map[string]schema.Attribute{"timeouts": timeoutsAttribute(ctx, d.defaultInterval > 0)})
	if d.assessments {
		withAttributes(attrs, map[string]schema.Attribute{
			"include_assessments": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Whether to keep the written `assessment`. Default `true`. Assessments are candidate personal data, which a data source stores in state and plans; " +
					"`false` leaves every `assessment` null, so the text never reaches state or plans. (The provider never logs assessment text, whatever this says.)",
			},
		})
	}
	if d.defaultGroupSize > 0 {
		withAttributes(attrs, map[string]schema.Attribute{"min_group_size": minGroupSizeArgument(d.defaultGroupSize)})
	}
	if d.defaultInterval > 0 {
		withAttributes(attrs, waitArguments(d.defaultInterval))
	}
	resp.Schema = schema.Schema{MarkdownDescription: d.description, Attributes: attrs}
}

// timeoutsAttribute is every data source's `timeouts` block. The ones that
// cannot wait have it too: their read is bounded by the same deadline (20m
// unless set), and every diagnostic about that deadline (timeouts, 429s that
// last until it) tells the user to raise timeouts.read, which must then
// exist (issue 17).
func timeoutsAttribute(ctx context.Context, canWait bool) schema.SingleNestedAttribute {
	desc := "How long the read may take in all, its retries and rate-limit waits included, as a Go duration such as `30m`. Default `20m`." // defaultReadTimeout
	if canWait {
		desc = "How long the read may take in all, waiting included, as a Go duration such as `30m`. Default `20m`."
	}
	to, _ := timeouts.AttributesWithOpts(ctx, timeouts.Opts{ReadDescription: desc}).(schema.SingleNestedAttribute)
	to.MarkdownDescription = "Time limits for the read. Written as an attribute: `timeouts = { read = \"30m\" }`."
	// The module checks the syntax only; a zero or negative limit would end
	// every read before it starts.
	if read, ok := to.Attributes["read"].(schema.StringAttribute); ok {
		read.Validators = append(read.Validators, atLeastDuration(time.Second))
		to.Attributes["read"] = read
	}
	return to
}

// waitArguments are the arguments of data sources that can wait for a
// terminal status.
func waitArguments(defaultInterval time.Duration) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"wait_for_completion": schema.BoolAttribute{
			Optional: true,
			MarkdownDescription: "Whether to poll until the status is `completed` or `failed` before returning. Default `false`: read once. " +
				"A `failed` status ends the wait at once; a few transient errors in a row are tolerated; the whole wait is bounded by `timeouts.read`.",
		},
		"poll_interval": schema.StringAttribute{
			Optional:   true,
			CustomType: timetypes.GoDurationType{},
			MarkdownDescription: fmt.Sprintf("Time between polls while waiting, as a Go duration. Default `%s`; at least `1s`. "+
				"A `Retry-After` from Nova may push a poll later, by %s at most.", defaultInterval, nova.MaxRetryAfter),
			Validators: []validator.String{atLeastDuration(time.Second)},
		},
	}
}

// withAttributes adds attributes to a schema's map. A name defined twice is
// a programming error that every schema test would catch.
func withAttributes(into, more map[string]schema.Attribute) {
	for name, a := range more {
		if _, dup := into[name]; dup {
			panic("attribute " + name + " defined twice")
		}
		into[name] = a
	}
}

var _ datasource.DataSourceWithValidateConfig = (*novaDataSource[*nova.BatchResult])(nil)

// ValidateConfig warns about waiting settings that do nothing because the
// data source will not wait: a user who set them most likely meant to.
func (d *novaDataSource[T]) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	if d.defaultInterval == 0 {
		return
	}
	var wait types.Bool
	var pollInterval timetypes.GoDuration
	var to timeouts.Value
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("wait_for_completion"), &wait)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("poll_interval"), &pollInterval)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("timeouts"), &to)...)
	if resp.Diagnostics.HasError() || wait.IsUnknown() || wait.ValueBool() {
		return
	}
	if !pollInterval.IsNull() {
		resp.Diagnostics.AddAttributeWarning(path.Root("poll_interval"), "poll_interval without wait_for_completion",
			"poll_interval only applies while waiting, and wait_for_completion is not true, so this "+d.kind+" is read once. "+
				"Set wait_for_completion = true to wait until it finishes, or remove poll_interval.")
	}
	if !to.IsNull() {
		resp.Diagnostics.AddAttributeWarning(path.Root("timeouts"), "timeouts without wait_for_completion",
			"wait_for_completion is not true, so this "+d.kind+" is read once and timeouts.read bounds only that read and its retries, not a wait. "+
				"Set wait_for_completion = true to wait until it finishes, or remove timeouts.")
	}
}

func (d *novaDataSource[T]) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// arguments are a read's configured arguments.
type arguments struct {
	ids                []string
	tenant             types.String
	includeAssessments types.Bool
	minGroupSize       types.Int64
	wait               types.Bool
	pollInterval       timetypes.GoDuration
	timeouts           timeouts.Value
}

func (d *novaDataSource[T]) arguments(ctx context.Context, config tfsdk.Config) (arguments, diag.Diagnostics) {
	var a arguments
	var diags diag.Diagnostics
	get := func(name string, target any) { diags.Append(config.GetAttribute(ctx, path.Root(name), target)...) }
	a.ids = make([]string, len(d.ids))
	for i, id := range d.ids {
		var v types.String
		get(id.name, &v)
		a.ids[i] = v.ValueString()
	}
	get("tenant_id", &a.tenant)
	get("timeouts", &a.timeouts)
	if d.assessments {
		get("include_assessments", &a.includeAssessments)
	}
	if d.defaultGroupSize > 0 {
		get("min_group_size", &a.minGroupSize)
	}
	if d.defaultInterval > 0 {
		get("wait_for_completion", &a.wait)
		get("poll_interval", &a.pollInterval)
	}
	return a, diags
}

func (d *novaDataSource[T]) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if r, ok := d.read(ctx, req.Config, &resp.Diagnostics); ok {
		resp.State.Raw = r.raw
	}
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
func (d *novaDataSource[T]) read(ctx context.Context, config tfsdk.Config, diags *diag.Diagnostics) (readOutcome[T], bool) {
	args, argDiags := d.arguments(ctx, config)
	diags.Append(argDiags...)
	if diags.HasError() {
		return readOutcome[T]{}, false
	}
	if d.data == nil {
		diags.AddError("Nova provider not configured", "The provider was not configured before "+d.kind+" was read. This is a bug in the provider; please report it.")
		return readOutcome[T]{}, false
	}
	tenant := d.data.tenant(args.tenant)
	t := target{
		kind:          d.kind,
		description:   d.subject(args.ids),
		tenant:        tenant,
		environment:   d.data.environment,
		notFound:      d.notFound,
		notFoundCodes: d.notFoundCodes,
		anonymous:     d.anonymousWarnings,
	}
	if !d.data.ready(t, diags) {
		return readOutcome[T]{}, false
	}

	timeout, toDiags := args.timeouts.Read(ctx, defaultReadTimeout)
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
		v, err := d.fetch(ctx, d.data.client, args.ids, tenant)
		if err != nil {
			return polled[T]{}, err
		}
		p := polled[T]{value: v, readResult: d.result(v)}
		if len(seenWarnings) < maxWaitWarnings {
			addWarnings(&seenWarnings, t, d.warningTexts(p.warnings))
		}
		tflog.Info(ctx, "Read Nova "+d.kind, p.fields)
		return p, nil
	}
	var p polled[T]
	var err error
	if args.wait.ValueBool() {
		poller := newPoller(durationOr(args.pollInterval, d.defaultInterval))
		p, err = wait(ctx, poller, read, func(p polled[T]) bool { return p.finished })
		if err != nil {
			diags.Append(seenWarnings...)
			addWarnings(diags, t, d.warningTexts(p.warnings))
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

	addWarnings(diags, t, d.warningTexts(p.warnings))
	m := mapping{includeAssessments: includeAssessments(args.includeAssessments), minGroupSize: d.defaultGroupSize}
	if !args.minGroupSize.IsNull() && !args.minGroupSize.IsUnknown() {
		m.minGroupSize = args.minGroupSize.ValueInt64()
	}
	raw, err := d.stateValue(ctx, config, p.value, m)
	if err != nil {
		diags.AddError("Could not build the result", fmt.Sprintf("Mapping %s to Terraform values failed: %s. This is a bug in the provider; please report it.", t.where(), err))
		return readOutcome[T]{}, false
	}
	return readOutcome[T]{polled: p, target: t, raw: raw}, true
}

// warningTexts renders a read's warnings: in full (String), or, for the
// reads that name no candidate, without their subject (Anonymous), each
// distinct text once, with how many records it was about.
func (d *novaDataSource[T]) warningTexts(warnings []nova.Warning) []string {
	texts := make([]string, 0, len(warnings))
	if !d.anonymousWarnings {
		for _, w := range warnings {
			texts = append(texts, w.String())
		}
		return texts
	}
	type key struct{ kind, text string }
	counts := map[key]int{}
	var order []nova.Warning
	for _, w := range warnings {
		k := key{w.Kind(), w.Text}
		if counts[k] == 0 {
			order = append(order, w)
		}
		counts[k]++
	}
	for _, w := range order {
		switch n, kind := counts[key{w.Kind(), w.Text}], w.Kind(); {
		case n == 1 || kind == "":
			texts = append(texts, w.Anonymous())
		case strings.HasSuffix(kind, "s"):
			texts = append(texts, fmt.Sprintf("%s (%d times): %s", kind, n, w.Text))
		default:
			texts = append(texts, fmt.Sprintf("%d %ss: %s", n, kind, w.Text))
		}
	}
	return texts
}

func addWarnings(diags *diag.Diagnostics, t target, warnings []string) {
	for _, w := range warnings {
		diags.AddWarning("Unexpected data from Nova", fmt.Sprintf("Reading %s: %s.", t.where(), w))
	}
}

// polled is one successful read and its summary.
type polled[T any] struct {
	value T
	readResult
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
// from v. The arguments, ids included, keep their configured values.
func (d *novaDataSource[T]) stateValue(ctx context.Context, config tfsdk.Config, v T, m mapping) (tftypes.Value, error) {
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
	computed, err := d.state(v, m, schemaType)
	if err != nil {
		return tftypes.Value{}, err
	}
	for name, val := range computed {
		if !d.isID(name) {
			attrs[name] = val
		}
	}
	if err := tftypes.ValidateValue(schemaType, attrs); err != nil {
		return tftypes.Value{}, err
	}
	return tftypes.NewValue(schemaType, attrs), nil
}

func (d *novaDataSource[T]) isID(name string) bool {
	for _, id := range d.ids {
		if id.name == name {
			return true
		}
	}
	return false
}

func includeAssessments(v types.Bool) bool {
	return v.IsNull() || v.IsUnknown() || v.ValueBool()
}

// attributeType finds the terraform type of an object's attribute, as the
// mappings need it to build values.
func attributeType(t tftypes.Type, name string) (tftypes.Type, error) {
	o, ok := t.(tftypes.Object)
	if !ok {
		return nil, fmt.Errorf("%s is not an object type", t)
	}
	at, ok := o.AttributeTypes[name]
	if !ok {
		return nil, fmt.Errorf("no attribute %q", name)
	}
	return at, nil
}

// elementType is the element type of a list type.
func elementType(t tftypes.Type) (tftypes.Type, error) {
	l, ok := t.(tftypes.List)
	if !ok {
		return nil, fmt.Errorf("%s is not a list type", t)
	}
	return l.ElementType, nil
}

func waitErrorDiagnostic(t target, we *waitError, timeout time.Duration, last string, unknown []string) diag.Diagnostic {
	elapsed := we.Elapsed.Round(time.Second)
	switch {
	case errors.Is(we.Cause, context.DeadlineExceeded):
		advice := "Raise timeouts.read if it is still making progress, or check it in the Nova Embed Portal."
		if len(unknown) > 0 {
			advice = fmt.Sprintf("Nova sent status values this provider does not know: %s. An unknown value counts as pending unless "+
				"the counters and jobs show the work finished, so the wait may never end on it. Check the %s in the Nova Embed Portal, "+
				"and upgrade the provider if Nova has added a status.",
				strings.Join(unknown, ", "), t.kind)
		}
		return diag.NewErrorDiagnostic("Timed out waiting for "+t.kind+" to finish",
			fmt.Sprintf("Timed out waiting for %s to finish after %s (timeouts.read is %s; %d reads); %s.%s\n\n%s",
				t.where(), elapsed, timeout, we.Polls, last, lastError(we), advice))
	case errors.Is(we.Cause, context.Canceled):
		return diag.NewErrorDiagnostic("Waiting for "+t.kind+" cancelled",
			fmt.Sprintf("Stopped waiting for %s after %s because the run was cancelled; %s.", t.where(), elapsed, last))
	default:
		return diag.NewErrorDiagnostic("Gave up waiting for "+t.kind,
			fmt.Sprintf("Gave up waiting for %s after %s: %v; %s.\n\nNova or the network is failing repeatedly; retry later.",
				t.where(), elapsed, we, last))
	}
}

func lastError(we *waitError) string {
	if we.LastError == nil {
		return ""
	}
	return fmt.Sprintf(" The last transient error was: %v.", we.LastError)
}
