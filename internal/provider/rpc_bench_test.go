package provider

import (
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dweet/terraform-provider-nova/internal/novafake"
)

// BenchmarkReadDataSourceRPC is what a plan asks of the provider process
// for one data source: ConfigureProvider, then ReadDataSource, through the
// framework's protocol server and a loopback HTTP request to novafake;
// everything but process start-up and gRPC. Each iteration configures a new
// client, as each plan does, so the client's pacing never delays it.
func BenchmarkReadDataSourceRPC(b *testing.B) {
	for _, n := range []int{25, 1000} {
		b.Run(fmt.Sprintf("jobs=%d", n), func(b *testing.B) {
			ctx := b.Context()
			s := novafake.New()
			ts := httptest.NewServer(s)
			defer ts.Close()
			spec := novafake.BatchSpec{Tenant: testTenant, JobID: testJob, ID: "batch-bench"}
			for i := range n {
				spec.Jobs = append(spec.Jobs, novafake.JobSpec{ApplicationID: fmt.Sprintf("app-%05d", i), Score: float64(1 + i%10)})
			}
			if _, err := s.AddBatch(spec); err != nil {
				b.Fatal(err)
			}
			server, err := providerserver.NewProtocol6WithError(New("bench")())()
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
				"base_url":        tftypes.NewValue(tftypes.String, ts.URL),
				"max_retries":     tftypes.NewValue(tftypes.Number, nil),
				"request_timeout": tftypes.NewValue(tftypes.String, nil),
			}))
			if err != nil {
				b.Fatal(err)
			}
			dsType, ok := schemas.DataSourceSchemas["nova_scoring_batch"].ValueType().(tftypes.Object)
			if !ok {
				b.Fatal("data source type is not an object")
			}
			attrs := make(map[string]tftypes.Value, len(dsType.AttributeTypes))
			for name, t := range dsType.AttributeTypes {
				attrs[name] = tftypes.NewValue(t, nil)
			}
			attrs["job_id"] = tftypes.NewValue(tftypes.String, testJob)
			attrs["scoring_batch_id"] = tftypes.NewValue(tftypes.String, "batch-bench")
			cfg, err := tfprotov6.NewDynamicValue(dsType, tftypes.NewValue(dsType, attrs))
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if resp, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: &pcfg}); err != nil || len(resp.Diagnostics) > 0 {
					b.Fatalf("configure: %v %v", err, resp.Diagnostics)
				}
				resp, err := server.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: "nova_scoring_batch", Config: &cfg})
				if err != nil || len(resp.Diagnostics) > 0 {
					b.Fatalf("read: %v %v", err, resp.Diagnostics)
				}
			}
		})
	}
}
