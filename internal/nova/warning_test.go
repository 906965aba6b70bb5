package nova

import (
	"testing"
)

// String names the record; Anonymous names only its kind.
func TestWarningRendering(t *testing.T) {
	for _, tt := range []struct {
		w               Warning
		full, anonymous string
	}{
		{Warning{Text: "the batch is odd"}, "the batch is odd", "the batch is odd"},
		{Warning{Subject: `scoring job "sj-1"`, Text: "its score is outside 1..10"}, `scoring job "sj-1": its score is outside 1..10`, "a scoring job: its score is outside 1..10"},
		{Warning{Subject: `applications "a", "b"`, Text: "listed more than once"}, `applications "a", "b": listed more than once`, "applications: listed more than once"},
		{Warning{Subject: "criteria version", Text: "createdAt is empty"}, "criteria version: createdAt is empty", "a record: createdAt is empty"},
	} {
		if got := tt.w.String(); got != tt.full {
			t.Errorf("String() = %q, want %q", got, tt.full)
		}
		if got := tt.w.Anonymous(); got != tt.anonymous {
			t.Errorf("Anonymous() = %q, want %q", got, tt.anonymous)
		}
	}
}
