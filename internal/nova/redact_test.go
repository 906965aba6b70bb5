package nova

import (
	"strings"
	"testing"
)

func TestRedactAssessments(t *testing.T) {
	tests := map[string]struct {
		body      string
		keep      []string
		wantBytes bool // only the size is logged
	}{
		"batch": {
			body: `{"batch":{"id":"b","totalJobs":2},"scoringJobs":[{"id":"s1","score":7.50,"assessment":{"verdict":"SECRET verdict","strengths":["SECRET s"]}},{"id":"s2","assessment":null}]}`,
			keep: []string{`"id":"s1"`, `"score":7.50`, `"assessment":null`, `"totalJobs":2`, redactedAssessment},
		},
		"single job": {
			body: `{"scoringJob":{"id":"s1","assessment":{"verdict":"SECRET"}}}`,
			keep: []string{`"id":"s1"`, redactedAssessment},
		},
		"truncated JSON still holding text": {
			body:      `{"scoringJobs":[{"assessment":{"verdict":"SECRET verdict`,
			wantBytes: true,
		},
		"HTML": {
			body:      `<html>SECRET</html>`,
			wantBytes: true,
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got := redactAssessments([]byte(tt.body))
			if strings.Contains(got, "SECRET") {
				t.Fatalf("assessment text logged: %s", got)
			}
			if tt.wantBytes && !strings.HasPrefix(got, "(") {
				t.Fatalf("want only the size, got %s", got)
			}
			for _, k := range tt.keep {
				if !strings.Contains(got, k) {
					t.Errorf("%q lost from %s", k, got)
				}
			}
		})
	}
}
