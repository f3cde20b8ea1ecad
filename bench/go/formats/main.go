// Command formats is the Go side of bench/formats.mjs: a program comparable
// to the lab's binarytrees and fanout scenarios, run with
// GODEBUG=gctrace=1,gcpacertrace=1,schedtrace=1,scheddetail=1 so that Go 1.19
// prints every line format the lab imitates (gc N @..., pacer: ..., SCHED,
// and scheddetail's P/M/G lines). The script compares the lines' shapes,
// field by field, with the lab's.
package main

import (
	"fmt"
	"sync"
	"time"

	"rtlab/bench/trees"
)

// binarytrees, as the lab's scenario (core/lab/scenarios/binarytrees.cpp).
func binarytrees(maxDepth int) int {
	total := trees.BottomUp(maxDepth + 1).ItemCheck()
	longLived := trees.BottomUp(maxDepth)
	for d := 4; d <= maxDepth; d += 2 {
		for i := 0; i < 1<<(maxDepth-d+4); i++ {
			total += trees.BottomUp(d).ItemCheck()
		}
	}
	return total + longLived.ItemCheck()
}

// fanout, as the lab's scenario: many workers, each a little work, joined.
func fanout(n int) int {
	var wg sync.WaitGroup
	sums := make([]int, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			s := 0
			for k := 0; k < 20000; k++ {
				s += k ^ id
			}
			sums[id] = id + s*0
		}(i)
	}
	wg.Wait()
	total := 0
	for _, s := range sums {
		total += s
	}
	return total
}

func main() {
	deadline := time.Now().Add(30 * time.Millisecond)
	total := 0
	for time.Now().Before(deadline) {
		total += binarytrees(14) + fanout(2000)
	}
	fmt.Println("checksum", total)
}
