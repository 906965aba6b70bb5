package provider

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dweet/terraform-provider-nova/internal/nova"
	"github.com/dweet/terraform-provider-nova/internal/novafake"
)

// BenchmarkReadToState is the data source's read path without the network:
// decode a batch body and build the state value Terraform receives.
// Compare it with BenchmarkFloorUnmarshalAny on the same bodies.
func BenchmarkReadToState(b *testing.B) {
	ctx := b.Context()
	ds, ok := newScoringBatchDataSource().(*novaDataSource[*nova.BatchResult])
	if !ok {
		b.Fatal("unexpected data source type")
	}
	config := batchConfigValue(b, ds, "job-bench", "batch-bench")
	for _, n := range []int{25, 100, 1000} {
		body, err := novafake.SampleBatchBody(n)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("jobs=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				res, err := nova.DecodeBatch(body)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := ds.stateValue(ctx, config, res, true); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// batchConfigValue is the configuration Terraform would send for a
// nova_scoring_batch with only its ids set.
func batchConfigValue(b testing.TB, ds datasource.DataSource, jobID, batchID string) tfsdk.Config {
	ctx := b.Context()
	var sr datasource.SchemaResponse
	ds.Schema(ctx, datasource.SchemaRequest{}, &sr)
	typ, ok := sr.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		b.Fatal("schema type is not an object")
	}
	attrs := make(map[string]tftypes.Value, len(typ.AttributeTypes))
	for name, t := range typ.AttributeTypes {
		attrs[name] = tftypes.NewValue(t, nil)
	}
	attrs["job_id"] = tftypes.NewValue(tftypes.String, jobID)
	attrs["scoring_batch_id"] = tftypes.NewValue(tftypes.String, batchID)
	return tfsdk.Config{Schema: sr.Schema, Raw: tftypes.NewValue(typ, attrs)}
}

func BenchmarkFloorUnmarshalAny(b *testing.B) {
	for _, n := range []int{25, 100, 1000} {
		body, err := novafake.SampleBatchBody(n)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("jobs=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				var v map[string]any
				if err := json.Unmarshal(body, &v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
