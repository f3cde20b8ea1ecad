// Package trees is the binary tree the Go peers build: the Benchmarks
// Game's binary-trees node, as the lab's binarytrees scenario and
// bench/gc/gc_bench build it.
package trees

// Node is binary-trees' node: two pointers and nothing else.
type Node struct{ Left, Right *Node }

// BottomUp builds a complete tree of the given depth.
func BottomUp(depth int) *Node {
	n := &Node{}
	if depth > 0 {
		n.Left = BottomUp(depth - 1)
		n.Right = BottomUp(depth - 1)
	}
	return n
}

// ItemCheck counts the nodes of the tree under n.
func (n *Node) ItemCheck() int {
	if n.Left == nil {
		return 1
	}
	return 1 + n.Left.ItemCheck() + n.Right.ItemCheck()
}
