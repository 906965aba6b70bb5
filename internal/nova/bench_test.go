package nova

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/dweet/terraform-provider-nova/internal/novafake"
)

// benchSizes are the batch sizes measured: Nova's limit (25), its old limit
// (100), and a thousand to show how the cost grows.
var benchSizes = []int{25, 100, 1000}

func sampleBody(b *testing.B, n int) []byte {
	b.Helper()
	body, err := novafake.SampleBatchBody(n)
	if err != nil {
		b.Fatal(err)
	}
	return body
}

func BenchmarkDecodeBatch(b *testing.B) {
	for _, n := range benchSizes {
		body := sampleBody(b, n)
		b.Run(fmt.Sprintf("jobs=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := DecodeBatch(body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFloorUnmarshalAny is the floor the decoder is compared with: a
// plain encoding/json unmarshal of the same bytes into map[string]any.
func BenchmarkFloorUnmarshalAny(b *testing.B) {
	for _, n := range benchSizes {
		body := sampleBody(b, n)
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
