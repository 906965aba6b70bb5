package provider

import "github.com/dweet/terraform-provider-nova/internal/nova"

// novaDataSource stands in for the generic data source that
// completion_shapes_test.go still names, so that the package's tests build
// on this branch. Delete this file once that test calls
// warningTexts(warnings, anonymous).
type novaDataSource[T any] struct{ anonymousWarnings bool }

func (d *novaDataSource[T]) warningTexts(ws []nova.Warning) []string {
	return warningTexts(ws, d.anonymousWarnings)
}
