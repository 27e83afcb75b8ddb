"""Transforms over the IR, written once for every dialect.

Each module holds one pass: a function `(tree, args) -> tree` that never branches on the dialect.
Passes may mutate the tree they are given; the contract hands them a tree it owns.
"""
