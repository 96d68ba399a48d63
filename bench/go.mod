module github.com/stackd/stackd/bench

go 1.26.8

replace github.com/stackd/stackd => ../
