package provider

import (
	"fmt"
	"maps"
	"slices"

	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
)

// The framework has one schema package per kind of object, with structs
// that differ only in their package. An ephemeral resource here offers what
// its data source offers, so its schema is derived from the data source's
// rather than written twice; the framework has no converter of its own.
//
// Flat attributes convert with a plain Go conversion: the structs have the
// same fields, and if a framework release made them differ the build would
// fail here instead of an attribute quietly losing a setting. Nested ones
// hold the other package's types and are rebuilt field by field; only the
// nested kinds this provider uses are converted, and any other is refused
// (TestEphemeralSchemasMatchDataSources would then fail).

// ephemeralSchema derives an ephemeral resource's schema from a data
// source's.
func ephemeralSchema(ds dsschema.Schema) (schema.Schema, error) {
	if len(ds.Blocks) > 0 {
		return schema.Schema{}, fmt.Errorf("blocks %v: only attributes are converted", slices.Sorted(maps.Keys(ds.Blocks)))
	}
	attrs, err := ephemeralAttributes(ds.Attributes)
	if err != nil {
		return schema.Schema{}, err
	}
	return schema.Schema{
		Attributes:          attrs,
		Description:         ds.Description,
		MarkdownDescription: ds.MarkdownDescription,
		DeprecationMessage:  ds.DeprecationMessage,
	}, nil
}

func ephemeralAttributes(in map[string]dsschema.Attribute) (map[string]schema.Attribute, error) {
	out := make(map[string]schema.Attribute, len(in))
	for name, a := range in {
		e, err := ephemeralAttribute(a)
		if err != nil {
			return nil, fmt.Errorf("attribute %s: %w", name, err)
		}
		out[name] = e
	}
	return out, nil
}

func ephemeralAttribute(a dsschema.Attribute) (schema.Attribute, error) {
	switch a := a.(type) {
	case dsschema.StringAttribute:
		return schema.StringAttribute(a), nil
	case dsschema.BoolAttribute:
		return schema.BoolAttribute(a), nil
	case dsschema.Int64Attribute:
		return schema.Int64Attribute(a), nil
	case dsschema.Int32Attribute:
		return schema.Int32Attribute(a), nil
	case dsschema.Float64Attribute:
		return schema.Float64Attribute(a), nil
	case dsschema.Float32Attribute:
		return schema.Float32Attribute(a), nil
	case dsschema.NumberAttribute:
		return schema.NumberAttribute(a), nil
	case dsschema.DynamicAttribute:
		return schema.DynamicAttribute(a), nil
	// Collections of plain types, objects included: a list of objects may be
	// a ListAttribute of an ObjectType rather than a ListNestedAttribute.
	case dsschema.ListAttribute:
		return schema.ListAttribute(a), nil
	case dsschema.SetAttribute:
		return schema.SetAttribute(a), nil
	case dsschema.MapAttribute:
		return schema.MapAttribute(a), nil
	case dsschema.ObjectAttribute:
		return schema.ObjectAttribute(a), nil
	case dsschema.SingleNestedAttribute:
		attrs, err := ephemeralAttributes(a.Attributes)
		if err != nil {
			return nil, err
		}
		return schema.SingleNestedAttribute{
			Attributes: attrs, CustomType: a.CustomType,
			Required: a.Required, Optional: a.Optional, Computed: a.Computed, Sensitive: a.Sensitive,
			Description: a.Description, MarkdownDescription: a.MarkdownDescription, DeprecationMessage: a.DeprecationMessage,
			Validators: a.Validators,
		}, nil
	case dsschema.ListNestedAttribute:
		obj, err := ephemeralObject(a.NestedObject)
		if err != nil {
			return nil, err
		}
		return schema.ListNestedAttribute{
			NestedObject: obj, CustomType: a.CustomType,
			Required: a.Required, Optional: a.Optional, Computed: a.Computed, Sensitive: a.Sensitive,
			Description: a.Description, MarkdownDescription: a.MarkdownDescription, DeprecationMessage: a.DeprecationMessage,
			Validators: a.Validators,
		}, nil
	default:
		return nil, fmt.Errorf("no ephemeral form for %T", a)
	}
}

func ephemeralObject(o dsschema.NestedAttributeObject) (schema.NestedAttributeObject, error) {
	attrs, err := ephemeralAttributes(o.Attributes)
	if err != nil {
		return schema.NestedAttributeObject{}, err
	}
	return schema.NestedAttributeObject{Attributes: attrs, CustomType: o.CustomType, Validators: o.Validators}, nil
}
