package provider

import (
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dweet/terraform-provider-nova/internal/nova"
)

// State is built as terraform-plugin-go values rather than through the
// framework's reflection: for a batch of a thousand jobs the reflection
// round trip (attr values to tftypes and back, re-validated at every level)
// cost over ten times a plain JSON decode. These helpers turn the client's
// nullable fields into values; nil is null.

func tfString(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }

func tfStringPtr(s *string) tftypes.Value {
	if s == nil {
		return tftypes.NewValue(tftypes.String, nil)
	}
	return tftypes.NewValue(tftypes.String, *s)
}

func tfBool(b bool) tftypes.Value { return tftypes.NewValue(tftypes.Bool, b) }

func tfBoolPtr(b *bool) tftypes.Value {
	if b == nil {
		return tftypes.NewValue(tftypes.Bool, nil)
	}
	return tftypes.NewValue(tftypes.Bool, *b)
}

func tfInt(n int64) tftypes.Value { return tftypes.NewValue(tftypes.Number, n) }

func tfNumberPtr(f *float64) tftypes.Value {
	if f == nil {
		return tftypes.NewValue(tftypes.Number, nil)
	}
	return tftypes.NewValue(tftypes.Number, *f)
}

// tfTime keeps a timestamp's text as Nova sent it (an RFC 3339 date-time,
// fractional seconds included), which timetypes.RFC3339 accepts.
func tfTime(t *nova.Timestamp) tftypes.Value {
	if t == nil {
		return tftypes.NewValue(tftypes.String, nil)
	}
	return tftypes.NewValue(tftypes.String, t.Text)
}

var tfStringListType = tftypes.List{ElementType: tftypes.String}

// tfStringList is never null: an empty list stays an empty list.
func tfStringList(items []string) tftypes.Value {
	elems := make([]tftypes.Value, len(items))
	for i, s := range items {
		elems[i] = tfString(s)
	}
	return tftypes.NewValue(tfStringListType, elems)
}
