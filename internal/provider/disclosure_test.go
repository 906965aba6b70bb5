package provider

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
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
