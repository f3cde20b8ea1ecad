// Go reference numbers for bench/mem/alloc_bench.cpp: the same sizes through
// Go's own allocator (mallocgc, with the GC amortized in at GOGC=100).
//
//	cd bench/go/alloc && go test -bench . -benchmem -cpu 1,2
//
// Go has no free, so "Pair" has no Go twin; BenchmarkNew is the closest:
// one allocation that escapes, reclaimed later by the GC. Sizes are noscan
// ([N]byte), like the C++ benchmarks (noscan=true).
package alloc

import (
	"fmt"
	"testing"
)

var sink any

func benchNew[T any](b *testing.B) {
	for i := 0; i < b.N; i++ {
		sink = new(T)
	}
}

// BenchmarkNew/<size>: `new([size]byte)`, 8 B .. 32 KB.
func BenchmarkNew(b *testing.B) {
	cases := []struct {
		size int
		fn   func(*testing.B)
	}{
		{8, benchNew[[8]byte]}, {16, benchNew[[16]byte]}, {32, benchNew[[32]byte]},
		{64, benchNew[[64]byte]}, {128, benchNew[[128]byte]}, {256, benchNew[[256]byte]},
		{512, benchNew[[512]byte]}, {1024, benchNew[[1024]byte]}, {2048, benchNew[[2048]byte]},
		{4096, benchNew[[4096]byte]}, {8192, benchNew[[8192]byte]}, {16384, benchNew[[16384]byte]},
		{32768, benchNew[[32768]byte]},
	}
	for _, c := range cases {
		b.Run(fmt.Sprint(c.size), c.fn)
	}
}

// BenchmarkNew32Parallel: 32 B allocations on every P (-cpu 1,2 gives the
// 1- and 2-thread scaling twin of BM_rtlab_Pair32/threads:N).
func BenchmarkNew32Parallel(b *testing.B) {
	b.RunParallel(func(pb *testing.PB) {
		var local *[32]byte
		for pb.Next() {
			local = new([32]byte)
		}
		sink = local
	})
}

// BenchmarkNewTiny: new(byte), the tiny allocator.
func BenchmarkNewTiny(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sink = new(byte)
	}
}
