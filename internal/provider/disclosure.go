package provider

import (
	"fmt"
	"math"
	"strings"

	"github.com/dweet/terraform-provider-nova/internal/nova"
)

// The disclosure standard of nova_scoring_batch_summary: the threshold rule
// of official statistics, Nova's score bands, and cell suppression.

// defaultMinGroupSize is k of the threshold rule the summary follows (see
// discloseScores): every published statistic rests on at least this many
// distinct applications. Five is the smallest group official statistics
// commonly publish a figure for, so it is also the floor.
const defaultMinGroupSize = 5

// applicationScores are the scores the statistics may rest on, one per
// distinct application (its lowest, as in nova_scoring_batch's scores), and
// whether statistics may be given at all. They may not before the batch has
// finished: a running batch read twice would give away the newest
// candidate's score as the difference of two sums. Nor when a completed job
// names no application, which could then be counted as nobody or twice, or
// when a score lies outside Nova's scale: both are doubt, and doubt withholds.
func applicationScores(r *nova.BatchResult) ([]float64, bool) {
	if r.Batch == nil || !r.Batch.Status.Finished() {
		return nil, false
	}
	for i := range r.ScoringJobs {
		if j := &r.ScoringJobs[i]; j.Status == nova.StatusCompleted && strings.TrimSpace(deref(j.ApplicationID)) == "" {
			return nil, false
		}
	}
	scores := make([]float64, 0, len(r.Scores))
	for _, s := range r.Scores {
		if s < nova.MinScore || s > nova.MaxScore || math.IsNaN(s) {
			return nil, false
		}
		scores = append(scores, s)
	}
	return scores, true
}

// scoreBands are the score bands of Nova's API docs, lowest first: 1-2
// missing fundamentals, 3-4 significant gaps, 5-6 mixed, 7-8 strong fit,
// 9-10 exceptional.
var scoreBands = [...]struct{ low, high int }{{1, 2}, {3, 4}, {5, 6}, {7, 8}, {9, 10}}

// bandOf is the index in scoreBands of the band that holds score: the band
// of its whole part, so 6.5 is in 5-6 and 10 in 9-10. Scores are in
// [MinScore, MaxScore] (applicationScores); the clamp keeps the index valid
// whatever comes in.
func bandOf(score float64) int {
	whole := int(math.Floor(score))
	return min(max((whole-scoreBands[0].low)/2, 0), len(scoreBands)-1)
}

func bandKey(i int) string { return fmt.Sprintf("%d-%d", scoreBands[i].low, scoreBands[i].high) }

// disclosure is what the summary publishes about the scores; nil is null.
type disclosure struct {
	min, max, mean *float64
	counts         map[string]int64
}

// discloseScores applies the threshold rule of official statistics to the
// scores of distinct applications: every published value rests on at least
// k of them.
//   - Fewer than k scores: nothing is published.
//   - score_counts by band: a band with 1..k-1 applications is suppressed
//     (primary suppression). When exactly one band is suppressed so, its
//     count would be the total minus the published bands, so the smallest
//     other band with applications is suppressed too (secondary
//     suppression). Empty bands are published as 0: a missing band then
//     always means "suppressed", which a gate cannot mistake for none.
//   - The minimum and maximum are coded to the bounds of their bands (the
//     lower bound for the minimum, the upper for the maximum), and are null
//     when their band holds fewer than k applications.
//   - The mean is rounded to one decimal.
func discloseScores(scores []float64, k int64) disclosure {
	if int64(len(scores)) < k || len(scores) == 0 {
		return disclosure{}
	}
	var cells [len(scoreBands)]int64
	lowest, highest, sum := scores[0], scores[0], 0.0
	for _, s := range scores {
		cells[bandOf(s)]++
		lowest, highest, sum = min(lowest, s), max(highest, s), sum+s
	}
	var suppressed [len(scoreBands)]bool
	primary := 0
	for i, n := range cells {
		if n > 0 && n < k {
			suppressed[i] = true
			primary++
		}
	}
	if primary == 1 {
		second := -1
		for i, n := range cells {
			if !suppressed[i] && n > 0 && (second < 0 || n < cells[second]) {
				second = i
			}
		}
		if second >= 0 {
			suppressed[second] = true
		}
	}
	d := disclosure{counts: map[string]int64{}}
	for i, n := range cells {
		if !suppressed[i] {
			d.counts[bandKey(i)] = n
		}
	}
	if b := bandOf(lowest); cells[b] >= k {
		v := float64(scoreBands[b].low)
		d.min = &v
	}
	if b := bandOf(highest); cells[b] >= k {
		v := float64(scoreBands[b].high)
		d.max = &v
	}
	mean := math.Round(sum/float64(len(scores))*10) / 10
	d.mean = &mean
	return d
}
