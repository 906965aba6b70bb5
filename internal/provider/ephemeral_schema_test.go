package provider

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// attributeFacts flattens a schema's attributes, nested ones included, into
// path -> every setting of the attribute, read by reflection so that both
// schema packages are described the same way and a setting the converter
// forgot shows up as a difference.
func attributeFacts(prefix string, attrs any, into map[string]map[string]string) {
	m := reflect.ValueOf(attrs)
	for _, key := range m.MapKeys() {
		a := m.MapIndex(key).Elem() // the concrete attribute struct
		path := prefix + key.String()
		facts := map[string]string{"kind": a.Type().Name()}
		into[path] = facts
		for i := range a.NumField() {
			f, v := a.Type().Field(i), a.Field(i)
			switch f.Name {
			case "Attributes":
				attributeFacts(path+".", v.Interface(), into)
			case "NestedObject":
				facts["NestedObject.CustomType"] = describe(v.FieldByName("CustomType"))
				facts["NestedObject.Validators"] = describe(v.FieldByName("Validators"))
				attributeFacts(path+"[*].", v.FieldByName("Attributes").Interface(), into)
			default:
				facts[f.Name] = describe(v)
			}
		}
	}
}

// describe renders a setting so that two separately built schemas compare
// equal: types by name, validators by type and description.
func describe(v reflect.Value) string {
	switch x := v.Interface().(type) {
	case attr.Type:
		return fmt.Sprintf("%T %s", x, x)
	case nil:
		return "nil"
	}
	if v.Kind() == reflect.Slice {
		parts := make([]string, v.Len())
		for i := range v.Len() {
			e := v.Index(i).Interface()
			desc := ""
			if d, ok := e.(interface{ Description(context.Context) string }); ok {
				desc = d.Description(context.Background())
			}
			parts[i] = fmt.Sprintf("%T(%s)", e, desc)
		}
		return strings.Join(parts, ", ")
	}
	if v.Kind() == reflect.Interface && v.IsNil() {
		return "nil"
	}
	return fmt.Sprintf("%v", v.Interface())
}

func ephemeralSchemaOf(t *testing.T, e ephemeral.EphemeralResource) schema.Schema {
	t.Helper()
	var resp ephemeral.SchemaResponse
	e.Schema(t.Context(), ephemeral.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	if diags := resp.Schema.ValidateImplementation(t.Context()); diags.HasError() {
		t.Fatal(diags)
	}
	return resp.Schema
}

// An ephemeral resource has its data source's attributes, nested ones
// included, with the same names, types, descriptions and settings, plus
// require_completed.
func TestEphemeralSchemasMatchDataSources(t *testing.T) {
	for _, c := range []struct {
		ds datasource.DataSource
		e  ephemeral.EphemeralResource
	}{
		{newScoringBatchDataSource(), newScoringBatchEphemeral()},
		{newScoringJobDataSource(), newScoringJobEphemeral()},
	} {
		want, got := map[string]map[string]string{}, map[string]map[string]string{}
		attributeFacts("", schemaOf(t, c.ds).Attributes, want)
		attributeFacts("", ephemeralSchemaOf(t, c.e).Attributes, got)
		if _, ok := got["require_completed"]; !ok {
			t.Errorf("%T has no require_completed", c.e)
		}
		delete(got, "require_completed")
		// The batch takes a gate policy; one candidate's job does not.
		if _, ok := got["require"]; ok != strings.Contains(fmt.Sprintf("%T", c.e), "BatchResult") {
			t.Errorf("%T: require offered: %v", c.e, ok)
		}
		delete(got, "require")
		if !slices.Equal(slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want))) {
			t.Errorf("%T attributes\n got %v\nwant %v", c.e, slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want)))
		}
		for path, w := range want {
			if g := got[path]; g != nil && !maps.Equal(g, w) {
				t.Errorf("%T %s differs from the data source's:\n got %v\nwant %v", c.e, path, g, w)
			}
		}
		if len(want) < 10 {
			t.Errorf("only %d attributes compared: the walk misses nested ones", len(want))
		}
	}
}

// The converter handles every kind of attribute, including shapes the
// provider may move to (a list of objects as a ListAttribute of an
// ObjectType), and refuses blocks instead of dropping them.
func TestEphemeralSchemaConvertsEveryAttributeKind(t *testing.T) {
	obj := types.ObjectType{AttrTypes: map[string]attr.Type{"application_id": types.StringType, "score": types.Float64Type}}
	str := []validator.String{stringvalidator.LengthAtLeast(1)}
	nested := map[string]dsschema.Attribute{
		"s": dsschema.StringAttribute{Computed: true, MarkdownDescription: "s", CustomType: timetypes.RFC3339Type{}},
	}
	ds := dsschema.Schema{MarkdownDescription: "all kinds", Attributes: map[string]dsschema.Attribute{
		"string":  dsschema.StringAttribute{Required: true, Sensitive: true, Description: "d", MarkdownDescription: "md", Validators: str},
		"bool":    dsschema.BoolAttribute{Optional: true, DeprecationMessage: "gone"},
		"int64":   dsschema.Int64Attribute{Computed: true},
		"int32":   dsschema.Int32Attribute{Computed: true},
		"float64": dsschema.Float64Attribute{Computed: true},
		"float32": dsschema.Float32Attribute{Computed: true},
		"number":  dsschema.NumberAttribute{Computed: true},
		"dynamic": dsschema.DynamicAttribute{Computed: true},
		"list":    dsschema.ListAttribute{Computed: true, ElementType: types.StringType},
		"objects": dsschema.ListAttribute{Computed: true, ElementType: obj, MarkdownDescription: "a list of objects"},
		"set":     dsschema.SetAttribute{Computed: true, ElementType: types.Int64Type},
		"map":     dsschema.MapAttribute{Computed: true, ElementType: types.Float64Type},
		"object":  dsschema.ObjectAttribute{Computed: true, AttributeTypes: obj.AttrTypes},
		"single":  dsschema.SingleNestedAttribute{Computed: true, MarkdownDescription: "single", Attributes: nested},
		"lnested": dsschema.ListNestedAttribute{Computed: true, NestedObject: dsschema.NestedAttributeObject{Attributes: nested}},
	}}
	e, err := ephemeralSchema(ds)
	if err != nil {
		t.Fatal(err)
	}
	want, got := map[string]map[string]string{}, map[string]map[string]string{}
	attributeFacts("", ds.Attributes, want)
	attributeFacts("", e.Attributes, got)
	if !maps.EqualFunc(got, want, maps.Equal) {
		for path := range want {
			if !maps.Equal(got[path], want[path]) {
				t.Errorf("%s:\n got %v\nwant %v", path, got[path], want[path])
			}
		}
	}
	if e.MarkdownDescription != ds.MarkdownDescription {
		t.Errorf("schema description %q", e.MarkdownDescription)
	}
	if got["objects"]["ElementType"] != want["objects"]["ElementType"] || !strings.Contains(got["objects"]["ElementType"], "application_id") {
		t.Errorf("list of objects: %v", got["objects"])
	}

	ds.Blocks = map[string]dsschema.Block{"timeouts": dsschema.SingleNestedBlock{}}
	if _, err := ephemeralSchema(ds); err == nil || !strings.Contains(err.Error(), "timeouts") {
		t.Errorf("a block was not refused: %v", err)
	}
}

// The provider serves both ephemeral resources, with valid schemas.
func TestProviderServesEphemeralResources(t *testing.T) {
	server, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := server.GetProviderSchema(t.Context(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		t.Errorf("%s: %s: %s", d.Severity, d.Summary, d.Detail)
	}
	for _, name := range []string{"nova_scoring_batch", "nova_scoring_job"} {
		s, ok := resp.EphemeralResourceSchemas[name]
		if !ok {
			t.Errorf("no ephemeral %s; have %v", name, slices.Sorted(maps.Keys(resp.EphemeralResourceSchemas)))
			continue
		}
		extra := 1 // require_completed
		if name == "nova_scoring_batch" {
			extra++ // require
		}
		if got, want := len(s.Block.Attributes), len(resp.DataSourceSchemas[name].Block.Attributes)+extra; got != want {
			t.Errorf("ephemeral %s has %d attributes, want the data source's, require_completed and (for a batch) require: %d", name, got, want)
		}
	}
}
