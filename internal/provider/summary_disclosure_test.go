package provider

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dweet/terraform-provider-nova/internal/nova"
)

// The disclosure standard of the summary, tested as a rule (discloseScores),
// as a mapping from answers Nova could give (the hostile shapes of the
// review), and as properties over random groups.

func ptr(f float64) *float64 { return &f }

func TestBandOfBoundaries(t *testing.T) {
	for _, tc := range []struct {
		score float64
		band  string
	}{
		{1, "1-2"}, {1.5, "1-2"}, {2, "1-2"}, {2.999, "1-2"},
		{3, "3-4"}, {4.999, "3-4"},
		{5, "5-6"}, {6, "5-6"}, {6.5, "5-6"}, {6.999, "5-6"},
		{7, "7-8"}, {8, "7-8"}, {8.999, "7-8"},
		{9, "9-10"}, {9.999, "9-10"}, {10, "9-10"},
	} {
		if got := bandKey(bandOf(tc.score)); got != tc.band {
			t.Errorf("band of %g = %s, want %s", tc.score, got, tc.band)
		}
	}
}

func TestDiscloseScores(t *testing.T) {
	repeat := func(s float64, n int) []float64 {
		out := make([]float64, n)
		for i := range out {
			out[i] = s
		}
		return out
	}
	cat := func(groups ...[]float64) []float64 {
		var out []float64
		for _, g := range groups {
			out = append(out, g...)
		}
		return out
	}
	for _, tc := range []struct {
		name   string
		scores []float64
		k      int64
		want   disclosure
	}{
		{name: "fewer than k", scores: repeat(7.25, 4), k: 5},
		{name: "none", scores: nil, k: 5},
		{
			name: "one band, exactly k", scores: []float64{7, 7.5, 8, 7.25, 8.75}, k: 5,
			want: disclosure{min: ptr(7), max: ptr(8), mean: ptr(7.7), counts: map[string]int64{"1-2": 0, "3-4": 0, "5-6": 0, "7-8": 5, "9-10": 0}},
		},
		{
			// One small band: its count would be the total minus the
			// others, so the smallest other band goes too.
			name: "primary and secondary suppression", scores: cat(repeat(6.5, 2), repeat(7.5, 6), repeat(9.5, 5)), k: 5,
			want: disclosure{min: nil, max: ptr(10), mean: ptr(8.1), counts: map[string]int64{"1-2": 0, "3-4": 0, "7-8": 6}},
		},
		{
			// Two small bands hide each other: no secondary suppression.
			name: "two primary suppressions", scores: cat(repeat(5, 2), repeat(7, 6), repeat(9, 1)), k: 5,
			want: disclosure{min: nil, max: nil, mean: ptr(6.8), counts: map[string]int64{"1-2": 0, "3-4": 0, "7-8": 6}},
		},
		{
			name: "min and max coded to band bounds", scores: cat(repeat(3.1234567, 5), repeat(9.7654321, 5)), k: 5,
			want: disclosure{min: ptr(3), max: ptr(10), mean: ptr(6.4), counts: map[string]int64{"1-2": 0, "3-4": 5, "5-6": 0, "7-8": 0, "9-10": 5}},
		},
		{
			name: "a larger k suppresses more", scores: cat(repeat(3, 5), repeat(9, 6)), k: 6,
			want: disclosure{min: nil, max: ptr(10), mean: ptr(6.3), counts: map[string]int64{"1-2": 0, "5-6": 0, "7-8": 0}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := discloseScores(tc.scores, tc.k)
			if show(got) != show(tc.want) {
				t.Errorf("discloseScores = %s\nwant            %s", show(got), show(tc.want))
			}
		})
	}
}

func show(d disclosure) string {
	f := func(p *float64) string {
		if p == nil {
			return "null"
		}
		return fmt.Sprint(*p)
	}
	counts := "null"
	if d.counts != nil {
		counts = fmt.Sprint(d.counts)
	}
	return fmt.Sprintf("min=%s max=%s mean=%s counts=%s", f(d.min), f(d.max), f(d.mean), counts)
}

// The standard as properties, over random groups (seeded, so a failure
// reproduces): no published value rests on fewer than k applications, no
// suppressed band can be recovered from the total, and the coded minimum
// and maximum never claim more than the scores show, so a gate on
// score_min >= t never opens when some score is below t.
func TestDiscloseScoresProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(25, 5))
	for i := range 5000 {
		k := int64(5 + rng.IntN(4))
		n := rng.IntN(40)
		scores := make([]float64, n)
		lowest, highest := 11.0, 0.0
		for j := range scores {
			// Integers and halves, with a bias towards few bands.
			scores[j] = float64(1+rng.IntN(1+rng.IntN(10))) + float64(rng.IntN(2))/2
			scores[j] = min(scores[j], 10)
			lowest, highest = min(lowest, scores[j]), max(highest, scores[j])
		}
		d := discloseScores(scores, k)
		where := fmt.Sprintf("case %d: k=%d scores=%v: %s", i, k, scores, show(d))
		if int64(n) < k {
			if !reflect.DeepEqual(d, disclosure{}) {
				t.Fatalf("%s: statistics for fewer than k", where)
			}
			continue
		}
		var cells [len(scoreBands)]int64
		for _, s := range scores {
			cells[bandOf(s)]++
		}
		var hidden, hiddenApps int64
		for b, c := range cells {
			got, published := d.counts[bandKey(b)]
			switch {
			case published && got != c:
				t.Fatalf("%s: band %s published as %d, holds %d", where, bandKey(b), got, c)
			case published && c > 0 && c < k:
				t.Fatalf("%s: band %s published with %d < k applications", where, bandKey(b), c)
			case !published:
				hidden++
				hiddenApps += c
				if c == 0 {
					t.Fatalf("%s: empty band %s suppressed", where, bandKey(b))
				}
			}
		}
		if hidden == 1 {
			t.Fatalf("%s: one suppressed band is the total minus the others", where)
		}
		if d.min != nil {
			if b := bandOf(lowest); *d.min != float64(scoreBands[b].low) || cells[b] < k {
				t.Fatalf("%s: score_min is not the lower bound of a band with k applications", where)
			}
			if *d.min > lowest {
				t.Fatalf("%s: score_min above the lowest score", where)
			}
		}
		if d.max != nil {
			if b := bandOf(highest); *d.max != float64(scoreBands[b].high) || cells[b] < k {
				t.Fatalf("%s: score_max is not the upper bound of a band with k applications", where)
			}
		}
		if d.mean == nil || *d.mean*10 != float64(int64(*d.mean*10+0.5)) && *d.mean*10 != float64(int64(*d.mean*10)) {
			t.Fatalf("%s: mean missing or not rounded to one decimal", where)
		}
	}
}

// summaryOf maps a batch body as the summary would, with min_group_size k.
func summaryOf(t *testing.T, body string, k int64) map[string]tftypes.Value {
	t.Helper()
	ds, _ := newScoringBatchSummaryDataSource().(*dataSource[scoringBatchSummaryArgs, *nova.BatchResult])
	res, err := nova.DecodeBatch([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := ds.spec.stateValue(t.Context(), batchConfigValue(t, ds, testJob, "b1"), scoringBatchSummaryArgs{minGroupSize: k}, res)
	if err != nil {
		t.Fatal(err)
	}
	var state map[string]tftypes.Value
	if err := raw.As(&state); err != nil {
		t.Fatal(err)
	}
	return state
}

func number(t *testing.T, v tftypes.Value) string {
	t.Helper()
	if v.IsNull() {
		return "null"
	}
	var n big.Float
	if err := v.As(&n); err != nil {
		t.Fatal(err)
	}
	return n.Text('g', -1)
}

// scoredJob is a completed job of a hand-written answer.
func scoredJob(id, app string, score float64) string {
	return fmt.Sprintf(`{"id":%q,"applicationId":%q,"status":"completed","score":%g,"completedAt":"2025-12-14T10:31:20Z","criteriaVersionId":"cv-1"}`,
		id, app, score)
}

func batchAnswer(status string, total int, jobs ...string) string {
	return fmt.Sprintf(`{"batch":{"id":"b1","status":%q,"totalJobs":%d},"scoringJobs":[%s],"rejectedApplications":[]}`, status, total, strings.Join(jobs, ","))
}

// The review's shapes, through the mapping: none of them gives statistics.
func TestSummaryWithholdsStatistics(t *testing.T) {
	five := []string{scoredJob("s1", "a1", 7.5), scoredJob("s2", "a2", 7.5), scoredJob("s3", "a3", 8), scoredJob("s4", "a4", 7), scoredJob("s5", "a5", 8)}
	pendingFive := append(append([]string{}, five...), `{"id":"s6","applicationId":"a6","status":"pending"}`)
	var alice []string
	for i := range 5 {
		alice = append(alice, scoredJob(fmt.Sprintf("sj-%d", i), "app-alice", 3.5))
	}
	for _, tc := range []struct {
		name, body string
	}{
		{"one applicant listed five times and one other", batchAnswer("completed", 6, append(alice, scoredJob("sj-bob", "app-bob", 9))...)},
		{"a batch still running, five scored", batchAnswer("pending", 6, pendingFive...)},
		{"a completed job without an application id", batchAnswer("completed", 6, append(append([]string{}, five...),
			`{"id":"s7","status":"completed","score":2,"completedAt":"2025-12-14T10:31:20Z"}`)...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			state := summaryOf(t, tc.body, defaultMinGroupSize)
			for _, name := range []string{"score_min", "score_max", "score_mean", "score_counts"} {
				if !state[name].IsNull() {
					t.Errorf("%s = %v, want null", name, state[name])
				}
			}
		})
	}
	// The control: the same five scored applications, finished, give statistics.
	state := summaryOf(t, batchAnswer("completed", 5, five...), defaultMinGroupSize)
	if got := number(t, state["score_min"]) + " " + number(t, state["score_max"]) + " " + number(t, state["score_mean"]); got != "7 8 7.6" {
		t.Errorf("score_min, score_max, score_mean = %s, want 7 8 7.6", got)
	}
	// A mapping asked for a smaller group than the floor still uses the floor.
	if state := summaryOf(t, batchAnswer("completed", 4, five[:4]...), 1); !state["score_min"].IsNull() {
		t.Errorf("four applications gave score_min %v with k = 1", state["score_min"])
	}
}

func TestSummaryUnversionedJobs(t *testing.T) {
	body := batchAnswer("completed", 5,
		scoredJob("s1", "a1", 8),
		strings.Replace(scoredJob("s2", "a2", 8), `,"criteriaVersionId":"cv-1"`, `,"criteriaVersionId":null`, 1),
		strings.Replace(scoredJob("s3", "a3", 8), `,"criteriaVersionId":"cv-1"`, ``, 1),
		strings.Replace(scoredJob("s4", "a4", 8), `,"criteriaVersionId":"cv-1"`, `,"criteriaVersionId":""`, 1),
		strings.Replace(scoredJob("s5", "a5", 8), `,"criteriaVersionId":"cv-1"`, `,"criteriaVersionId":"  "`, 1),
	)
	state := summaryOf(t, body, defaultMinGroupSize)
	if got := number(t, state["unversioned_jobs"]); got != "4" {
		t.Errorf("unversioned_jobs = %s, want 4", got)
	}
	var ids []tftypes.Value
	if err := state["criteria_version_ids"].As(&ids); err != nil || len(ids) != 1 || !ids[0].Equal(tftypes.NewValue(tftypes.String, "cv-1")) {
		t.Errorf("criteria_version_ids = %v, want [cv-1]", state["criteria_version_ids"])
	}
}
