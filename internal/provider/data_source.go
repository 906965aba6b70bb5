package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// dataSource serves a readSpec as a data source: Terraform keeps what it
// reads in the plan and the state.
type dataSource[A, T any] struct {
	spec readSpec[A, T]
	data *providerData
}

var (
	_ datasource.DataSourceWithConfigure      = (*dataSource[any, any])(nil)
	_ datasource.DataSourceWithValidateConfig = (*dataSource[any, any])(nil)
)

func newDataSource[A, T any](spec readSpec[A, T]) datasource.DataSource {
	return &dataSource[A, T]{spec: spec}
}

func (d *dataSource[A, T]) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + d.spec.typeName
}

func (d *dataSource[A, T]) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	s, diags := d.spec.schema(ctx)
	resp.Diagnostics.Append(diags...)
	resp.Schema = s
}

func (d *dataSource[A, T]) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	resp.Diagnostics.Append(d.spec.configWarnings(ctx, req.Config)...)
}

func (d *dataSource[A, T]) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (d *dataSource[A, T]) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if r, ok := d.spec.read(ctx, d.data, req.Config, &resp.Diagnostics); ok {
		resp.State.Raw = r.raw
	}
}

// schema is the type's data source schema: its computed attributes, its own
// arguments, and the arguments every read shares. A name defined twice is
// a bug in the provider, reported as an error diagnostic, never a panic.
func (s *readSpec[A, T]) schema(ctx context.Context) (schema.Schema, diag.Diagnostics) {
	var diags diag.Diagnostics
	attrs, err := s.computed()
	if err == nil {
		// A computed attribute (job_id) that is also an argument selects
		// what is read.
		maps.Copy(attrs, s.arguments)
		err = withAttributes(attrs, sharedAttributes(ctx, s.defaultInterval))
	}
	if err != nil {
		diags.AddError("Could not build the schema",
			fmt.Sprintf("The schema of %q is inconsistent: %s. This is a bug in the provider; please report it.", "nova"+s.typeName, err))
		return schema.Schema{}, diags
	}
	return schema.Schema{MarkdownDescription: s.description, Attributes: attrs}, diags
}

// withAttributes adds attributes to a schema's map, of a data source or an
// ephemeral resource. A name defined twice is an error: one of the two
// definitions would be lost.
func withAttributes[Attr any](into, more map[string]Attr) error {
	var dups []string
	for name, a := range more {
		if _, dup := into[name]; dup {
			dups = append(dups, name)
			continue
		}
		into[name] = a
	}
	if len(dups) > 0 {
		slices.Sort(dups)
		return fmt.Errorf("attributes %v defined twice", dups)
	}
	return nil
}
