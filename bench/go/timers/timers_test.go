// Package timers holds the Go peers of the lab's timer benchmarks
// (bench/sched/timers_bench, Google Benchmark). bench/compare.mjs runs each
// pair in the same session and reports lab/Go ratios.
//
//	lab (timers_bench)       Go (this file)                 one op is
//	BM_HeapStartStop/N       BenchmarkStartStop{100k,500k}  NewTimer(1h) + Stop, N other timers pending
//	BM_HeapFire/N            BenchmarkFire{100k,500k}       one of N timers due at the same instant:
//	                                                        from that instant until the last is received
//
// Run: cd bench/go && go test -run XXX -bench . ./timers
// compare.mjs sets GOMAXPROCS=1, as for the lab: one P holds every timer.
package timers

import (
	"testing"
	"time"
)

func startStop(b *testing.B, pending int) {
	others := make([]*time.Timer, pending)
	for i := range others {
		others[i] = time.NewTimer(time.Hour + time.Duration(i))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t := time.NewTimer(time.Hour + time.Duration(i))
		t.Stop()
	}
	b.StopTimer()
	for _, t := range others {
		t.Stop()
	}
}

func BenchmarkStartStop100k(b *testing.B) { startStop(b, 100000) }
func BenchmarkStartStop500k(b *testing.B) { startStop(b, 500000) }

// fire makes n timers due at the same instant (20 ms + 1 µs per timer from
// now, room to make them all first), receives them in the order they were
// made, and reports the time from that instant until the last one came, per
// timer. Each b.N op is one such round, so ns/op is per timer.
func fire(b *testing.B, n int) {
	var perTimer time.Duration
	for i := 0; i < b.N; i++ {
		due := time.Now().Add(20*time.Millisecond + time.Duration(n)*time.Microsecond)
		timers := make([]*time.Timer, n)
		for j := range timers {
			timers[j] = time.NewTimer(time.Until(due))
		}
		for _, t := range timers {
			<-t.C
		}
		perTimer += time.Since(due) / time.Duration(n)
	}
	b.ReportMetric(float64(perTimer.Nanoseconds())/float64(b.N), "ns/op")
}

func BenchmarkFire100k(b *testing.B) { fire(b, 100000) }
func BenchmarkFire500k(b *testing.B) { fire(b, 500000) }
