package nova

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
)

type redactAssessmentsKey struct{}

// WithoutAssessments marks a call whose caller keeps candidate assessments
// out of its results (include_assessments = false): the response bodies the
// client logs at Trace then carry no assessment text either. A context value
// rather than a parameter, because the logging happens deep in the request
// path and the choice belongs to the one call.
func WithoutAssessments(ctx context.Context) context.Context {
	return context.WithValue(ctx, redactAssessmentsKey{}, true)
}

func assessmentsRedacted(ctx context.Context) bool {
	v, _ := ctx.Value(redactAssessmentsKey{}).(bool)
	return v
}

const redactedAssessment = "(not logged: include_assessments = false)"

// redactAssessments renders a response body for the log with the value of
// every "assessment" member replaced. A body that is not JSON cannot be
// searched reliably (a truncated one may still hold assessment text), so
// only its size is logged.
func redactAssessments(body []byte) string {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber() // keep numbers exactly as sent
	var v any
	if err := dec.Decode(&v); err != nil {
		return fmt.Sprintf("(%d bytes, not logged: not JSON, and include_assessments = false)", len(body))
	}
	out, err := json.Marshal(redactValue(v))
	if err != nil {
		return fmt.Sprintf("(%d bytes, not logged: include_assessments = false)", len(body))
	}
	return string(out)
}

func redactValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, member := range t {
			if k == "assessment" && member != nil {
				t[k] = redactedAssessment
				continue
			}
			t[k] = redactValue(member)
		}
	case []any:
		for i := range t {
			t[i] = redactValue(t[i])
		}
	}
	return v
}
