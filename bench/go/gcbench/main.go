// Command gcbench is the Go peer of the lab's bench/gc/gc_bench: the same
// heap shapes, collected the same way.
//
//	gcbench tree D [reps]     a binary tree of depth D, runtime.GC() reps times
//	gcbench list N [reps]     a linked list of N nodes, runtime.GC() reps times
//	gcbench pauses [seconds]  a 64 MB live heap under churn; every cycle's PauseNs
//	gcbench alloc N           N 32 B allocations (new([32]byte), dropped at once)
//
// Each prints one JSON line for bench/compare.mjs. GOGC is off for tree and
// list (only the explicit collections run); GOMAXPROCS, GOGC for alloc, and
// GODEBUG (gcstoptheworld=1 for the stop-the-world rows) come from the
// environment, and with GOMAXPROCS=1 a collection's wall time is its CPU time.
package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"time"

	"rtlab/bench/trees"
)

type elem struct {
	next  *elem
	value int
}

type item struct {
	payload [4]int
	next    *item
}

var root interface{}

var start = time.Now()

func median(v []int64) int64 {
	sort.Slice(v, func(i, j int) bool { return v[i] < v[j] })
	return v[len(v)/2]
}

func arg(i int, def int64) int64 {
	if len(os.Args) > i {
		if n, err := strconv.ParseInt(os.Args[i], 10, 64); err == nil {
			return n
		}
	}
	return def
}

func collect(shape string) {
	debug.SetGCPercent(-1)
	var size, objects int64
	if shape == "tree" {
		size = arg(2, 20)
		root = trees.BottomUp(int(size))
		objects = 1<<(size+1) - 1
	} else {
		size = arg(2, 4000000)
		var head *elem
		for i := int64(0); i < size; i++ {
			head = &elem{next: head, value: int(i)}
		}
		root = head
		objects = size
	}
	reps := int(arg(3, 5))
	runtime.GC()
	times := make([]int64, 0, reps)
	for i := 0; i < reps; i++ {
		t0 := time.Now()
		runtime.GC()
		times = append(times, time.Since(t0).Nanoseconds())
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	ns := median(times)
	fmt.Printf("{\"shape\":%q,\"size\":%d,\"objects\":%d,\"liveBytes\":%d,\"nsPerGC\":%d,\"mbPerMs\":%.3f,\"reps\":%d,\"wallNs\":%d}\n",
		shape, size, objects, ms.HeapAlloc, ns, float64(ms.HeapAlloc)/1e6/(float64(ns)/1e6), reps, time.Since(start).Nanoseconds())
	runtime.KeepAlive(root)
}

func pauses() {
	seconds := 3.0
	if len(os.Args) > 2 {
		if f, err := strconv.ParseFloat(os.Args[2], 64); err == nil {
			seconds = f
		}
	}
	const tableLen = 1 << 16
	const tables = 24
	var t [tables][]*item
	for i := range t {
		t[i] = make([]*item, tableLen)
		for j := range t[i] {
			t[i][j] = &item{}
		}
	}
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	x := uint64(88172645463325252)
	end := time.Now().Add(time.Duration(seconds * 1e9))
	replaced := 0
	for time.Now().Before(end) {
		for k := 0; k < 1024; k++ {
			x ^= x << 13
			x ^= x >> 7
			x ^= x << 17
			t[x%tables][(x>>8)%tableLen] = &item{}
		}
		replaced += 1024
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	var p []int64
	for n := before.NumGC + 1; n <= ms.NumGC && int(ms.NumGC-n) < 256; n++ {
		p = append(p, int64(ms.PauseNs[(n+255)%256]))
	}
	// The live heap, for compare.mjs's same-work check: HeapAlloc right
	// after a full collection (before it, HeapAlloc holds unswept garbage).
	runtime.GC()
	runtime.ReadMemStats(&ms)
	sort.Slice(p, func(i, j int) bool { return p[i] < p[j] })
	var p99, max int64
	if len(p) > 0 {
		idx := len(p) * 99 / 100
		if idx >= len(p) {
			idx = len(p) - 1
		}
		p99, max = p[idx], p[len(p)-1]
	}
	fmt.Printf("{\"cycles\":%d,\"pauses\":%d,\"p99PauseNs\":%d,\"maxPauseNs\":%d,\"liveBytes\":%d,\"replaced\":%d,\"wallNs\":%d}\n",
		len(p), len(p), p99, max, ms.HeapAlloc, replaced, time.Since(start).Nanoseconds())
	runtime.KeepAlive(&t)
}

var sink *[32]byte

func alloc() {
	n := arg(2, 30000000)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	t0 := time.Now()
	for i := int64(0); i < n; i++ {
		sink = new([32]byte)
	}
	ns := time.Since(t0).Nanoseconds()
	runtime.ReadMemStats(&after)
	fmt.Printf("{\"allocs\":%d,\"size\":32,\"cycles\":%d,\"nsPerOp\":%.3f,\"wallNs\":%d}\n",
		n, after.NumGC-before.NumGC, float64(ns)/float64(n), time.Since(start).Nanoseconds())
}

func main() {
	mode := ""
	if len(os.Args) > 1 {
		mode = os.Args[1]
	}
	switch mode {
	case "tree", "list":
		collect(mode)
	case "pauses":
		pauses()
	case "alloc":
		alloc()
	default:
		fmt.Fprintln(os.Stderr, "usage: gcbench tree D [reps] | list N [reps] | pauses [seconds] | alloc N")
		os.Exit(2)
	}
}
