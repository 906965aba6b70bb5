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

// The read path's benchmarks share one set of sample bodies (rendered by
// novafake) and one floor, so that their ratios come from the same run:
// Nova's batch limit (25 jobs), its old one (100), and a thousand to show
// how the cost grows.
var benchSizes = []int{25, 100, 1000}

func benchSamples(b *testing.B, fn func(b *testing.B, body []byte)) {
	for _, n := range benchSizes {
		body, err := novafake.SampleBatchBody(n)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("jobs=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			fn(b, body)
		})
	}
}

// BenchmarkFloorUnmarshalAny is the floor: a plain encoding/json unmarshal
// of the same bytes into map[string]any.
func BenchmarkFloorUnmarshalAny(b *testing.B) {
	benchSamples(b, func(b *testing.B, body []byte) {
		for b.Loop() {
			var v map[string]any
			if err := json.Unmarshal(body, &v); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkDecodeBatch is the client's decoding and normalisation.
func BenchmarkDecodeBatch(b *testing.B) {
	benchSamples(b, func(b *testing.B, body []byte) {
		for b.Loop() {
			if _, err := nova.DecodeBatch(body); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkReadToState is the data source's read path without the network:
// decode a batch body and build the state value Terraform receives.
func BenchmarkReadToState(b *testing.B) {
	spec := scoringBatchSpec()
	config := batchConfigValue(b, newDataSource(spec), "job-bench", "batch-bench")
	benchSamples(b, func(b *testing.B, body []byte) {
		for b.Loop() {
			res, err := nova.DecodeBatch(body)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := spec.stateValue(b.Context(), config, scoringBatchArgs{includeAssessments: true}, res); err != nil {
				b.Fatal(err)
			}
		}
	})
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
