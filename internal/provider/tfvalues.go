package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dweet/terraform-provider-nova/internal/nova"
)

// State is built as terraform-plugin-go values rather than through the
// framework's reflection, whose round trip (attr values to tftypes and
// back, re-validated at every level) dominates the read of a large batch
// (BENCHMARKS.md compares the two). These helpers turn the client's
// nullable fields into values; nil is null.

func tfString(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }

func tfStringPtr(s *string) tftypes.Value {
	if s == nil {
		return tftypes.NewValue(tftypes.String, nil)
	}
	return tftypes.NewValue(tftypes.String, *s)
}

// tfNonEmpty is null for "": a header the response did not carry.
func tfNonEmpty(s string) tftypes.Value {
	if s == "" {
		return tftypes.NewValue(tftypes.String, nil)
	}
	return tftypes.NewValue(tftypes.String, s)
}

func tfBool(b bool) tftypes.Value { return tftypes.NewValue(tftypes.Bool, b) }

func tfBoolPtr(b *bool) tftypes.Value {
	if b == nil {
		return tftypes.NewValue(tftypes.Bool, nil)
	}
	return tftypes.NewValue(tftypes.Bool, *b)
}

func tfInt(n int64) tftypes.Value { return tftypes.NewValue(tftypes.Number, n) }

func tfNumber(f float64) tftypes.Value { return tftypes.NewValue(tftypes.Number, f) }

func tfIntPtr(n *int64) tftypes.Value {
	if n == nil {
		return tftypes.NewValue(tftypes.Number, nil)
	}
	return tftypes.NewValue(tftypes.Number, *n)
}

func tfNumberPtr(f *float64) tftypes.Value {
	if f == nil {
		return tftypes.NewValue(tftypes.Number, nil)
	}
	return tftypes.NewValue(tftypes.Number, *f)
}

// tfTime keeps a timestamp's text as Nova sent it (an RFC 3339 date-time,
// fractional seconds included, which timetypes.RFC3339 accepts). Every
// timestamp of the state goes through it.
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

// tfValue builds a collection or object value whose type comes from the
// schema and whose elements come from a mapping. tftypes.NewValue panics
// when the two disagree (an attribute added to one and not the other, a
// type changed on one side); this returns the mismatch as an error, which
// the read reports as a diagnostic. Leaf values need no check: their types
// are fixed by the helpers above.
func tfValue(t tftypes.Type, v any) (tftypes.Value, error) {
	if err := tftypes.ValidateValue(t, v); err != nil {
		return tftypes.Value{}, fmt.Errorf("schema and mapping disagree: %w", err)
	}
	return tftypes.NewValue(t, v), nil
}

// objectType is the type of an object whose attributes are attrs, for an
// attribute that holds such objects as one value (schema.ListAttribute with
// an object element type) instead of as nested attributes. Strings are plain
// strings: a custom type such as timetypes.RFC3339 sends the same value to
// Terraform, and inside a list it would only add a conversion per element.
func objectType(attrs map[string]schema.Attribute) types.ObjectType {
	t := types.ObjectType{AttrTypes: make(map[string]attr.Type, len(attrs))}
	for name, a := range attrs {
		if _, ok := a.(schema.StringAttribute); ok {
			t.AttrTypes[name] = types.StringType
			continue
		}
		t.AttrTypes[name] = a.GetType()
	}
	return t
}

func tfNull(t tftypes.Type) tftypes.Value { return tftypes.NewValue(t, nil) }

func tfCounts(counts map[string]int64) map[string]tftypes.Value {
	out := make(map[string]tftypes.Value, len(counts))
	for k, n := range counts {
		out[k] = tfInt(n)
	}
	return out
}

// deref is an optional API string as it goes into state: unchanged, since
// state holds what Nova sent (apiText is for diagnostics and logs).
func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
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

// dynamicTerraformValue is a dynamic argument as a terraform-plugin-go
// value, the form the gate reads (and the ephemeral resources hold).
func dynamicTerraformValue(ctx context.Context, d types.Dynamic) (tftypes.Value, error) {
	if d.IsNull() || d.IsUnderlyingValueNull() {
		return tftypes.NewValue(tftypes.DynamicPseudoType, nil), nil
	}
	return d.UnderlyingValue().ToTerraformValue(ctx)
}
