package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dweet/terraform-provider-nova/internal/nova"
	"github.com/dweet/terraform-provider-nova/internal/novafake"
)

// BenchmarkReadDataSourceRPC is what a plan asks of the provider process
// for one data source: ConfigureProvider, then ReadDataSource, through the
// framework's protocol server and a loopback HTTP request to novafake;
// everything but process start-up and gRPC. Each iteration configures a new
// client, as each plan does, so the client's pacing never delays it.
//
// Every representation of the job list that BENCHMARKS.md (Large batches) weighs runs side by
// side with the floor (a plain json.Unmarshal of the very body novafake
// serves), so that the ratios come from one run on a shared machine. They
// differ only in the schema: the state sent to Terraform is the same value
// of the same type (TestSchemaVariantsSendTheSameState).
func BenchmarkReadDataSourceRPC(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("jobs=%d", n), func(b *testing.B) {
			ctx := b.Context()
			ts, body := staticBatchServer(b, n)
			b.Run("floor=json", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					var v map[string]any
					if err := json.Unmarshal(body, &v); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("floor=read_msgpack", func(b *testing.B) {
				read := readAndEncode(b, ts.URL)
				b.ReportAllocs()
				for b.Loop() {
					read()
				}
			})
			for _, v := range schemaVariants() {
				b.Run("schema="+v.name, func(b *testing.B) {
					rpc := newBatchHarness(ctx, b, ts.URL, v.name)
					b.ReportAllocs()
					for b.Loop() {
						rpc.read(ctx, b)
					}
				})
			}
		})
	}
}

// sampleSpec is the batch of novafake.SampleBatchBody: n completed jobs
// with assessments, a tenth of them failed.
func sampleSpec(n int) novafake.BatchSpec {
	spec := novafake.BatchSpec{Tenant: testTenant, JobID: testJob, ID: "batch-bench"}
	for i := range n {
		spec.Jobs = append(spec.Jobs, novafake.JobSpec{ApplicationID: fmt.Sprintf("app-%05d", i), Score: float64(1 + i%10), Fail: i%10 == 9})
	}
	return spec
}

// readAndEncode returns a function that runs the batch data source's Read
// and encodes its state as msgpack, without the framework's other passes:
// the least that any code path keeping the framework's Read and wire format
// costs.
func readAndEncode(b *testing.B, baseURL string) func() {
	ds, _ := newScoringBatchDataSource().(*dataSource[scoringBatchArgs, *nova.BatchResult])
	config := batchConfigValue(b, ds, testJob, "batch-bench")
	stateType := config.Raw.Type()
	return func() {
		client, err := nova.New(nova.Config{BaseURL: baseURL, APIKey: testKey, UserAgent: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		ds.data = &providerData{client: client, environment: "sandbox", tenantID: testTenant}
		resp := datasource.ReadResponse{State: tfsdk.State{Schema: config.Schema, Raw: config.Raw.Copy()}}
		ds.Read(b.Context(), datasource.ReadRequest{Config: config}, &resp)
		if resp.Diagnostics.HasError() {
			b.Fatal(resp.Diagnostics)
		}
		if _, err := tfprotov6.NewDynamicValue(stateType, resp.State.Raw); err != nil {
			b.Fatal(err)
		}
	}
}

// staticBatchServer serves, with its headers, the body novafake renders
// for sampleSpec(n), so that the benchmarks count the provider's work and
// not the fake server's rendering.
func staticBatchServer(b testing.TB, n int) (*httptest.Server, []byte) {
	s := novafake.New()
	if _, err := s.AddBatch(sampleSpec(n)); err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequestWithContext(b.Context(), http.MethodGet, "/v1/jobs/"+testJob+"/scoring-batches/batch-bench", nil)
	req.Header.Set("Authorization", "Bearer "+testKey)
	req.Header.Set("X-Tenant-Id", testTenant)
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Fatalf("GET batch: %d %s", rec.Code, rec.Body)
	}
	body := rec.Body.Bytes()
	return staticServer(b, rec.Header(), body), body
}

// staticServer answers every request with header and body.
func staticServer(b testing.TB, header http.Header, body []byte) *httptest.Server {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		maps.Copy(w.Header(), header)
		_, _ = w.Write(body)
	}))
	b.Cleanup(ts.Close)
	return ts
}

// rpcHarness drives one data source type through the framework's protocol
// server, as Terraform does.
type rpcHarness struct {
	server    tfprotov6.ProviderServer
	typeName  string
	stateType tftypes.Object
	provider  tfprotov6.DynamicValue
	config    tfprotov6.DynamicValue
}

// newBatchHarness reads batch-bench of testJob with the batch data source
// of the given schema variant ("" for the shipped one).
func newBatchHarness(ctx context.Context, b testing.TB, baseURL, variant string) *rpcHarness {
	typeName := "nova_scoring_batch"
	if variant != "" {
		typeName += "_" + variant
	}
	return newRPCHarness(ctx, b, baseURL, typeName, map[string]string{"job_id": testJob, "scoring_batch_id": "batch-bench"})
}

// newRPCHarness reads the data source typeName with the given arguments.
func newRPCHarness(ctx context.Context, b testing.TB, baseURL, typeName string, args map[string]string) *rpcHarness {
	server, err := providerserver.NewProtocol6WithError(&variantProvider{novaProvider: &novaProvider{version: "bench"}})()
	if err != nil {
		b.Fatal(err)
	}
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		b.Fatal(err)
	}
	providerType := schemas.Provider.ValueType()
	pcfg, err := tfprotov6.NewDynamicValue(providerType, tftypes.NewValue(providerType, map[string]tftypes.Value{
		"api_key":         tftypes.NewValue(tftypes.String, testKey),
		"tenant_id":       tftypes.NewValue(tftypes.String, testTenant),
		"base_url":        tftypes.NewValue(tftypes.String, baseURL),
		"max_retries":     tftypes.NewValue(tftypes.Number, nil),
		"request_timeout": tftypes.NewValue(tftypes.String, nil),
	}))
	if err != nil {
		b.Fatal(err)
	}
	dsSchema, ok := schemas.DataSourceSchemas[typeName]
	if !ok {
		b.Fatalf("no data source %s", typeName)
	}
	dsType, ok := dsSchema.ValueType().(tftypes.Object)
	if !ok {
		b.Fatal("data source type is not an object")
	}
	attrs := make(map[string]tftypes.Value, len(dsType.AttributeTypes))
	for name, t := range dsType.AttributeTypes {
		attrs[name] = tftypes.NewValue(t, nil)
	}
	for name, v := range args {
		attrs[name] = tftypes.NewValue(tftypes.String, v)
	}
	cfg, err := tfprotov6.NewDynamicValue(dsType, tftypes.NewValue(dsType, attrs))
	if err != nil {
		b.Fatal(err)
	}
	return &rpcHarness{server: server, typeName: typeName, stateType: dsType, provider: pcfg, config: cfg}
}

// read configures the provider and reads the data source once, returning
// the state Terraform would receive.
func (h *rpcHarness) read(ctx context.Context, b testing.TB) *tfprotov6.DynamicValue {
	resp := h.readResponse(ctx, b)
	if len(resp.Diagnostics) > 0 {
		b.Fatalf("read: %s: %s", resp.Diagnostics[0].Summary, resp.Diagnostics[0].Detail)
	}
	return resp.State
}

func (h *rpcHarness) readResponse(ctx context.Context, b testing.TB) *tfprotov6.ReadDataSourceResponse {
	if resp, err := h.server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: &h.provider}); err != nil || len(resp.Diagnostics) > 0 {
		b.Fatalf("configure: %v %v", err, resp.Diagnostics)
	}
	resp, err := h.server.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: h.typeName, Config: &h.config})
	if err != nil {
		b.Fatalf("read: %v", err)
	}
	return resp
}

// variantProvider is the provider with one more nova_scoring_batch per
// schema variant, named nova_scoring_batch_<variant>.
type variantProvider struct {
	*novaProvider
}

func (p *variantProvider) DataSources(ctx context.Context) []func() datasource.DataSource {
	out := p.novaProvider.DataSources(ctx)
	for _, v := range append(schemaVariants(), driftedVariants()...) {
		out = append(out, func() datasource.DataSource {
			spec := scoringBatchSpec()
			spec.typeName += "_" + v.name
			spec.computed = func() (map[string]schema.Attribute, error) { return v.computed(), nil }
			return newDataSource(spec)
		})
	}
	return out
}

type schemaVariant struct {
	name     string
	computed func() map[string]schema.Attribute
}

// schemaVariants are the representations of scoring_jobs that BENCHMARKS.md
// (Large batches) measures, built from the one job schema (scoringJobAttributes).
func schemaVariants() []schemaVariant {
	with := func(jobs schema.Attribute) func() map[string]schema.Attribute {
		return func() map[string]schema.Attribute {
			attrs := shippedBatchAttributes()
			attrs["scoring_jobs"] = jobs
			return attrs
		}
	}
	return []schemaVariant{
		// What the provider shipped with: nested attributes, timestamps
		// as timetypes.RFC3339.
		{"nested", with(schema.ListNestedAttribute{Computed: true, NestedObject: schema.NestedAttributeObject{Attributes: scoringJobAttributes()}})},
		{"nested_plain", with(schema.ListNestedAttribute{Computed: true, NestedObject: schema.NestedAttributeObject{Attributes: plainAttributes(scoringJobAttributes())}})},
		// One attribute whose type is a list of objects.
		{"object_rfc3339", with(schema.ListAttribute{Computed: true, ElementType: customObjectType(scoringJobAttributes())})},
		{"object_plain", with(schema.ListAttribute{Computed: true, ElementType: customObjectType(plainAttributes(scoringJobAttributes()))})},
	}
}

// shippedBatchAttributes are nova_scoring_batch's computed attributes, for
// the variants built from them; the schema tests report an error in them.
func shippedBatchAttributes() map[string]schema.Attribute {
	attrs, _ := scoringBatchAttributes()
	return attrs
}

// plainAttributes replaces the timestamps' custom type by plain strings.
func plainAttributes(attrs map[string]schema.Attribute) map[string]schema.Attribute {
	for name, a := range attrs {
		if s, ok := a.(schema.StringAttribute); ok && s.CustomType != nil {
			s.CustomType = nil
			attrs[name] = s
		}
	}
	return attrs
}

// customObjectType is the object type of attrs, keeping custom types.
func customObjectType(attrs map[string]schema.Attribute) types.ObjectType {
	t := types.ObjectType{AttrTypes: make(map[string]attr.Type, len(attrs))}
	for name, a := range attrs {
		t.AttrTypes[name] = a.GetType()
	}
	return t
}

// BenchmarkFrameworkPasses times, one by one, the passes that
// terraform-plugin-framework v1.19 makes over the state a ReadDataSource
// returns (internal/fwserver/server_readdatasource.go and
// internal/toproto6/dynamic_value.go), on the shipped schema's state of a
// 1,000-job batch, next to the provider's own work. They are the public
// functions the framework calls; reify_lookups reproduces what
// fwschemadata.ReifyNullCollectionBlocks does for each null value (one
// attribute lookup, then one type lookup per path step in
// fromtftypes.AttributePath), which internal packages keep from being
// called directly.
func BenchmarkFrameworkPasses(b *testing.B) {
	ctx := b.Context()
	spec := scoringBatchSpec()
	config := batchConfigValue(b, newDataSource(spec), "job-bench", "batch-bench")
	body, err := novafake.SampleBatchBody(1000)
	if err != nil {
		b.Fatal(err)
	}
	res, err := nova.DecodeBatch(body)
	if err != nil {
		b.Fatal(err)
	}
	state, err := spec.stateValue(ctx, config, scoringBatchArgs{includeAssessments: true}, res)
	if err != nil {
		b.Fatal(err)
	}
	sch, ok := config.Schema.(schema.Schema)
	if !ok {
		b.Fatal("unexpected schema type")
	}
	var nulls []*tftypes.AttributePath
	_ = tftypes.Walk(state, func(p *tftypes.AttributePath, v tftypes.Value) (bool, error) {
		if v.IsNull() && len(p.Steps()) > 0 {
			nulls = append(nulls, p)
		}
		return true, nil
	})
	other := state.Copy()
	passes := []struct {
		name string
		fn   func() error
	}{
		{"provider_decode", func() error { _, err := nova.DecodeBatch(body); return err }},
		{"provider_map", func() error {
			_, err := spec.stateValue(ctx, config, scoringBatchArgs{includeAssessments: true}, res)
			return err
		}},
		{"fw_copy", func() error { _ = state.Copy(); return nil }},
		{"fw_semantic_equality_conversion", func() error {
			_, err := sch.Type().ValueFromTerraform(ctx, state)
			return err
		}},
		{"fw_equal", func() error { _ = state.Equal(other); return nil }},
		{"fw_reify_transform", func() error {
			_, err := tftypes.Transform(state, func(_ *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) { return v, nil })
			return err
		}},
		{"fw_reify_lookups", func() error {
			for _, p := range nulls {
				_, _ = sch.AttributeAtTerraformPath(ctx, p)
				for i := range p.Steps() {
					_, _ = sch.TypeAtTerraformPath(ctx, tftypes.NewAttributePathWithSteps(p.Steps()[:i+1]))
				}
			}
			return nil
		}},
		{"fw_msgpack", func() error { _, err := tfprotov6.NewDynamicValue(state.Type(), state); return err }},
	}
	b.Logf("%d null values in the state", len(nulls))
	for _, p := range passes {
		b.Run(p.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := p.fn(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkReadDataSourceRPCPaired runs the candidates of
// BenchmarkReadDataSourceRPC in turn within each iteration, the order
// rotating, and reports the median time of each: on a shared machine the
// load changes between sub-benchmarks, much less within one iteration.
func BenchmarkReadDataSourceRPCPaired(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("jobs=%d", n), func(b *testing.B) {
			ctx := b.Context()
			ts, body := staticBatchServer(b, n)
			names := []string{"json"}
			runs := []func(){func() {
				var v map[string]any
				if err := json.Unmarshal(body, &v); err != nil {
					b.Fatal(err)
				}
			}}
			names = append(names, "read_msgpack")
			runs = append(runs, readAndEncode(b, ts.URL))
			for _, v := range schemaVariants() {
				h := newBatchHarness(ctx, b, ts.URL, v.name)
				names = append(names, v.name)
				runs = append(runs, func() { h.read(ctx, b) })
			}
			times := make([][]time.Duration, len(runs))
			i := 0
			for b.Loop() {
				for k := range runs {
					c := (i + k) % len(runs)
					start := time.Now()
					runs[c]()
					times[c] = append(times[c], time.Since(start))
				}
				i++
			}
			med := make([]float64, len(runs))
			for c, ts := range times {
				slices.Sort(ts)
				med[c] = float64(ts[len(ts)/2].Microseconds()) / 1000
				b.ReportMetric(med[c], names[c]+"_ms")
			}
			for c := 1; c < len(runs); c++ {
				b.ReportMetric(med[c]/med[0], names[c]+"/json")
			}
		})
	}
}
