package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dweet/terraform-provider-nova/internal/nova"
	"github.com/dweet/terraform-provider-nova/internal/novafake"
)

// BenchmarkReadToState is the data source's read path without the network:
// decode a batch body, map it to the model, and set it as Terraform state.
// Compare it with BenchmarkFloorUnmarshalAny on the same bodies.
func BenchmarkReadToState(b *testing.B) {
	ctx := context.Background()
	var sr datasource.SchemaResponse
	newScoringBatchDataSource().Schema(ctx, datasource.SchemaRequest{}, &sr)
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
				state := tfsdk.State{Schema: sr.Schema, Raw: tftypes.NewValue(sr.Schema.Type().TerraformType(ctx), nil)}
				m := scoringBatchModel{Timeouts: timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{"read": types.StringType})}}
				m.setBatch(res, true)
				if diags := state.Set(ctx, &m); diags.HasError() {
					b.Fatal(diags)
				}
			}
		})
	}
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
