// Command skynet is the Go peer for the lab's `rtlab run skynet` benchmark.
//
// It is the Go version of the skynet benchmark (github.com/atemerev/skynet,
// go/skynet.go): a 10-ary tree of goroutines with 1,000,000 leaves. Every inner
// node makes one unbuffered channel, spawns its `div` children, receives their
// `div` results and sends the sum to its parent; leaf number i sends i. The root
// therefore receives 0+1+...+(size-1) = 499999500000 for the default size, and
// 1+10+100+...+1000000 = 1,111,111 goroutines are created.
//
// The tree logic is the original's, unchanged. Differences from the original,
// all outside the timed region or in how the result is reported:
//   - flags -size (number of leaves) and -div (fan-out) instead of constants;
//   - the clock is time.Now() with nanosecond resolution (the original prints
//     milliseconds);
//   - the output is one JSON line for bench/compare.mjs:
//     {"result":499999500000,"wallNs":...,"goroutines":1111111,"gomaxprocs":2}
//
// GOMAXPROCS comes from the environment, as for any Go program.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"time"
)

// skynet is atemerev/skynet go/skynet.go's skynet function, verbatim.
func skynet(c chan int, num int, size int, div int) {
	if size == 1 {
		c <- num
	} else {
		rc := make(chan int)
		sum := 0
		for i := 0; i < div; i++ {
			subNum := num + i*(size/div)
			go skynet(rc, subNum, size/div, div)
		}
		for i := 0; i < div; i++ {
			sum += <-rc
		}
		c <- sum
	}
}

// goroutines counts the goroutines skynet(c, 0, size, div) creates, including
// the root: one per tree node.
func goroutines(size, div int) int {
	if size == 1 {
		return 1
	}
	return 1 + div*goroutines(size/div, div)
}

// isPowerOf reports whether size == div^k for some k >= 0. Any other size would
// make the tree uneven (size/div truncates) and the result would not be
// size*(size-1)/2.
func isPowerOf(size, div int) bool {
	for size > 1 {
		if size%div != 0 {
			return false
		}
		size /= div
	}
	return size == 1
}

func main() {
	size := flag.Int("size", 1000000, "number of leaves (a power of -div)")
	div := flag.Int("div", 10, "fan-out of every inner node (>= 2)")
	flag.Parse()
	if flag.NArg() != 0 || *div < 2 || *size < 1 || !isPowerOf(*size, *div) {
		fmt.Fprintf(os.Stderr, "skynet: -size must be a power of -div, -div >= 2 (got -size %d -div %d)\n", *size, *div)
		os.Exit(2)
	}

	c := make(chan int)
	start := time.Now()
	go skynet(c, 0, *size, *div)
	result := <-c
	wall := time.Since(start)

	want := *size * (*size - 1) / 2
	fmt.Printf("{\"result\":%d,\"wallNs\":%d,\"goroutines\":%d,\"gomaxprocs\":%d}\n",
		result, wall.Nanoseconds(), goroutines(*size, *div), runtime.GOMAXPROCS(0))
	if result != want {
		fmt.Fprintf(os.Stderr, "skynet: wrong result %d, want %d\n", result, want)
		os.Exit(1)
	}
}
