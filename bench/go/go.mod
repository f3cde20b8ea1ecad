module rtlab/bench

go 1.19
