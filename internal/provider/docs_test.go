package provider

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

const (
	batchTemplate   = "../../templates/data-sources/scoring_batch.md.tmpl"
	jobFieldsBegin  = "<!-- scoring job attributes: generated from scoringJobAttributes, see TestBatchTemplateDescribesJobAttributes -->\n"
	jobFieldsEnd    = "<!-- end of scoring job attributes -->\n"
	updateTemplates = "UPDATE_TEMPLATES"
)

// scoring_jobs is one attribute whose type is a list of objects, and the
// Registry docs of such a type list the fields with their types only. The
// batch template therefore carries the descriptions, and this test keeps
// them equal to the schema's (scoringJobAttributes, which the single-job
// data sources use as their top-level attributes). Run with
// UPDATE_TEMPLATES=1 to rewrite the template's block, then `make docs`.
func TestBatchTemplateDescribesJobAttributes(t *testing.T) {
	raw, err := os.ReadFile(batchTemplate)
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	begin, end := strings.Index(text, jobFieldsBegin), strings.Index(text, jobFieldsEnd)
	if begin < 0 || end < begin {
		t.Fatalf("%s lacks the block between %q and %q", batchTemplate, jobFieldsBegin, jobFieldsEnd)
	}
	want := jobAttributesMarkdown(scoringJobAttributes(), "")
	got := text[begin+len(jobFieldsBegin) : end]
	if got == want {
		return
	}
	if os.Getenv(updateTemplates) != "" {
		text = text[:begin+len(jobFieldsBegin)] + want + text[end:]
		if err := os.WriteFile(batchTemplate, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("rewrote %s: run make docs", batchTemplate)
		return
	}
	t.Errorf("%s describes the scoring job attributes differently from the schema; rerun with %s=1 and then make docs.\n\nwant:\n%s", batchTemplate, updateTemplates, want)
}

// jobAttributesMarkdown lists attributes as tfplugindocs lists nested
// attributes: sorted, with their type and description.
func jobAttributesMarkdown(attrs map[string]schema.Attribute, indent string) string {
	var b strings.Builder
	for _, name := range slices.Sorted(maps.Keys(attrs)) {
		a := attrs[name]
		fmt.Fprintf(&b, "%s- `%s` (%s) %s\n", indent, name, docType(a), a.GetMarkdownDescription())
		if n, ok := a.(schema.SingleNestedAttribute); ok {
			b.WriteString(jobAttributesMarkdown(n.Attributes, indent+"  "))
		}
	}
	return b.String()
}

func docType(a schema.Attribute) string {
	switch a := a.(type) {
	case schema.StringAttribute:
		return "String"
	case schema.BoolAttribute:
		return "Boolean"
	case schema.Float64Attribute:
		return "Number"
	case schema.SingleNestedAttribute:
		return "Object"
	case schema.ListAttribute:
		if a.ElementType.Equal(types.StringType) {
			return "List of String"
		}
	}
	return fmt.Sprintf("%T", a)
}
