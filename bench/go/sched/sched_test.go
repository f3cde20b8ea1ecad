// Package sched holds the Go peers of the lab's scheduler benchmarks
// (bench/sched/sched_bench, Google Benchmark). bench/compare.mjs runs each pair
// in the same session and reports lab/Go ratios.
//
//	lab (sched_bench)          Go (this file)              one op is
//	BM_ChainedSpawn            BenchmarkCreateGoroutines   create + run + exit one G in a chain
//	BM_ChanPingPong            BenchmarkChanPingPong       one unbuffered round trip (2 handoffs)
//	BM_GoschedTwoGoroutines    BenchmarkGosched            one Gosched call (~one G->G switch), 1 P
//	BM_SpawnWaitGroup          BenchmarkSpawnWaitGroup     Add(1) + go func(){Done}() + Wait
//
// Run: cd bench/go && go test -run XXX -bench . ./sched
// GOMAXPROCS comes from the environment (compare.mjs sets it per row) except
// in BenchmarkGosched, which pins itself to one P as its definition requires.
package sched

import (
	"runtime"
	"sync"
	"testing"
)

// BenchmarkCreateGoroutines is Go's own runtime benchmark, ported verbatim from
// $GOROOT/src/runtime/proc_test.go (Go 1.19: BenchmarkCreateGoroutines ->
// benchmarkCreateGoroutines(b, 1)). One producer chain: every goroutine spawns
// the next (`go f(n-1)`) and exits; the last one signals the benchmark
// goroutine. b.N goroutines are created, so one op = create + schedule + run +
// exit of one goroutine, with at most two alive at a time.
func BenchmarkCreateGoroutines(b *testing.B) {
	benchmarkCreateGoroutines(b, 1)
}

// benchmarkCreateGoroutines is proc_test.go's helper, unchanged (procs = number
// of independent chains; BenchmarkCreateGoroutinesParallel passes GOMAXPROCS).
func benchmarkCreateGoroutines(b *testing.B, procs int) {
	c := make(chan bool)
	var f func(n int)
	f = func(n int) {
		if n == 0 {
			c <- true
			return
		}
		go f(n - 1)
	}
	for i := 0; i < procs; i++ {
		go f(b.N / procs)
	}
	for i := 0; i < procs; i++ {
		<-c
	}
}

// BenchmarkChanPingPong: two goroutines (the benchmark goroutine and an echo
// goroutine) bounce a value over two unbuffered channels. One op = one round
// trip: ping <- i (handoff to the echo goroutine), then <-pong (handoff back),
// i.e. two unbuffered send/receive rendezvous and, with nothing else runnable,
// two goroutine switches. Same pattern as runtime/proc_test.go
// BenchmarkPingPongHog without the CPU hog.
func BenchmarkChanPingPong(b *testing.B) {
	ping, pong := make(chan int), make(chan int)
	done := make(chan struct{})
	go func() {
		for v := range ping {
			pong <- v
		}
		close(done)
	}()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ping <- i
		if <-pong != i {
			b.Fatal("ping-pong out of order")
		}
	}
	b.StopTimer()
	close(ping)
	<-done
}

// BenchmarkGosched: two goroutines on one P (GOMAXPROCS=1, set here and
// restored after) take turns calling runtime.Gosched(). The benchmark
// goroutine itself only waits, so the run queue holds exactly the other
// goroutine whenever one yields: every Gosched call puts the caller on the
// global run queue and switches to the other one.
//
// Counting: one op = one runtime.Gosched() call. The b.N calls are split
// between the two goroutines (ceil(N/2) and floor(N/2)), so the total number
// of Gosched calls is exactly b.N, and ns/op is nanoseconds per Gosched call.
// Almost every call is a G->G switch, but not all: instrumenting the same loop
// (a "last runner" variable) on Go 1.19 counted 967,742 switches for 1,000,001
// calls, i.e. ~3% of calls resume the caller itself. That matches schedule()'s
// fairness rule of taking from the global run queue first on every 61st
// schedtick, which can pick the goroutine that just yielded. The lab's
// BM_GoschedTwoGoroutines must count the same way: one op = one Gosched call,
// two goroutines, one P.
func BenchmarkGosched(b *testing.B) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	var wg sync.WaitGroup
	yield := func(n int) {
		for i := 0; i < n; i++ {
			runtime.Gosched()
		}
		wg.Done()
	}
	wg.Add(2)
	b.ResetTimer()
	go yield((b.N + 1) / 2)
	go yield(b.N / 2)
	wg.Wait()
	b.StopTimer()
}

// BenchmarkSpawnWaitGroup: one op = wg.Add(1); go func(){ wg.Done() }();
// wg.Wait(): spawn one goroutine, let it run and exit, and block until it has.
// Measures spawn + wake-up latency, not throughput (at most one extra goroutine
// exists at a time). Same shape as runtime/proc_test.go
// BenchmarkCreateGoroutinesCapture with 1 goroutine instead of 4 and no capture.
func BenchmarkSpawnWaitGroup(b *testing.B) {
	var wg sync.WaitGroup
	for i := 0; i < b.N; i++ {
		wg.Add(1)
		go func() {
			wg.Done()
		}()
		wg.Wait()
	}
}
