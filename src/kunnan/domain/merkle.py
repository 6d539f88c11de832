"""Merkle trees as RFC 6962 (section 2.1) defines them, and the proofs RFC 9162 verifies.

A tree is a list of leaf hashes, in order; ``root`` is its Merkle Tree Hash (MTH), an
``inclusion_proof`` shows one leaf is in it (PATH, RFC 6962 2.1.1), a ``consistency_proof``
shows a tree of ``old_size`` leaves is a prefix of it (PROOF, RFC 6962 2.1.2). The verifiers
are RFC 9162's algorithms (2.1.3.2 and 2.1.4.2) and answer False, never raise, for anything
malformed. Hashes are SHA-256, with the prefixes 0x00 for a leaf and 0x01 for an inner node,
so the roots are those of Certificate Transparency and of every C2SP checkpoint.

Everything here works on leaf hashes (``leaf_hash`` of each entry) and is linear in the size
of the tree, iteratively: a tree of ten million leaves needs no deep recursion, and a proof
hashes each leaf of the tree at most once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

#: The length of every hash in a tree (SHA-256).
HASH_SIZE = 32
#: The root of the tree of no leaves: SHA-256 of the empty string (RFC 6962 2.1).
EMPTY_ROOT = hashlib.sha256(b"").digest()

_LEAF = b"\x00"
_NODE = b"\x01"
#: Subtrees of this many leaves (a power of two) are hashed whole, one level at a time, so a
#: tree of any size needs at most that many hashes in memory besides its leaves.
_CHUNK = 1 << 14


def leaf_hash(data: bytes) -> bytes:
    """The hash of a leaf holding ``data``: SHA-256(0x00 || data) (RFC 6962 2.1)."""
    return hashlib.sha256(_LEAF + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """The hash of an inner node over two subtrees: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(_NODE + left + right).digest()


def _largest_power_of_two_below(n: int) -> int:
    """k of RFC 6962 2.1: the largest power of two smaller than ``n`` (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def _fold(level: Sequence[bytes]) -> bytes:
    """The MTH of a non-empty run of subtree hashes, hashing one level at a time: pairs from
    the left, an odd last one carried up as it is. That is RFC 6962's tree (the left subtree
    always holds the largest power of two), built bottom-up instead of by recursion."""
    sha256 = hashlib.sha256
    while len(level) > 1:
        pairs = len(level) - 1
        upper = [sha256(_NODE + level[i] + level[i + 1]).digest() for i in range(0, pairs, 2)]
        if len(level) % 2:
            upper.append(level[-1])
        level = upper
    return level[0]


def _mth(leaves: Sequence[bytes], start: int, end: int) -> bytes:
    """MTH(D[start:end]) of the leaf hashes (RFC 6962 2.1), in O(end - start).

    Blocks of ``_CHUNK`` leaves from ``start`` are complete subtrees of that tree, so their
    roots, and that of the shorter last block, are hashed on as the leaves of a smaller tree.
    """
    if start == end:
        return EMPTY_ROOT
    tops = []
    for first in range(start, end, _CHUNK):
        block = leaves[first : min(first + _CHUNK, end)]
        if any(len(hash_) != HASH_SIZE for hash_ in block):
            raise ValueError("a Merkle tree is built from 32-byte leaf hashes (leaf_hash)")
        tops.append(_fold(block))
    return _fold(tops)


def root(leaves: Sequence[bytes]) -> bytes:
    """The Merkle Tree Hash of the tree of these leaf hashes (RFC 6962 2.1): ``EMPTY_ROOT``
    for none, the leaf hash itself for one, else the node hash over the first k leaves and
    the rest, k the largest power of two below their number."""
    return _mth(leaves, 0, len(leaves))


def inclusion_proof(leaves: Sequence[bytes], index: int) -> list[bytes]:
    """The audit path PATH(index, D[n]) of RFC 6962 2.1.1 in the tree of these leaf hashes:
    the hashes of the subtrees beside the leaf's path to the root, from the leaf up.

    ValueError when ``index`` is not the index of a leaf (0 <= index < n).
    """
    size = len(leaves)
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size}")
    path = []
    start, end = 0, size
    while end - start > 1:  # from the root down: each step keeps the half holding the leaf
        k = _largest_power_of_two_below(end - start)
        if index < start + k:
            path.append(_mth(leaves, start + k, end))
            end = start + k
        else:
            path.append(_mth(leaves, start, start + k))
            start += k
    path.reverse()
    return path


def consistency_proof(leaves: Sequence[bytes], old_size: int) -> list[bytes]:
    """The consistency proof PROOF(old_size, D[n]) of RFC 6962 2.1.2 between the tree of the
    first ``old_size`` of these leaf hashes and the tree of them all; [] when they are the
    same tree.

    ValueError unless 0 < old_size <= n (the proof from the empty tree is not defined).
    """
    size = len(leaves)
    if not 0 < old_size <= size:
        raise ValueError(f"no consistency proof from size {old_size} to {size}")
    proof = []
    start, end, m = 0, size, old_size
    whole = True  # SUBPROOF's b: the subtree is still one of the old tree's own subtrees
    while m != end - start:  # SUBPROOF(m, D[start:end], whole), from the root down
        k = _largest_power_of_two_below(end - start)
        if m <= k:
            proof.append(_mth(leaves, start + k, end))
            end = start + k
        else:
            proof.append(_mth(leaves, start, start + k))
            start += k
            m -= k
            whole = False
    if not whole:
        proof.append(_mth(leaves, start, end))
    proof.reverse()
    return proof


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _hash(value: object) -> bool:
    return isinstance(value, bytes) and len(value) == HASH_SIZE


def _hashes(values: object) -> bool:
    return (
        isinstance(values, Sequence)
        and not isinstance(values, (str, bytes, bytearray))
        and all(_hash(value) for value in values)
    )


def inclusion_holds(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes
) -> bool:
    """Whether ``proof`` shows the leaf hash ``leaf`` is leaf ``index`` of the tree of ``size``
    leaves whose root is ``root``: RFC 9162 2.1.3.2, step by step.

    False, never an exception, for anything malformed: an index not below the size, negative
    numbers, a proof too short or too long, a hash that is not 32 bytes.
    """
    if not (_count(index) and _count(size) and _hash(leaf) and _hash(root) and _hashes(proof)):
        return False
    if index >= size:
        return False
    fn, sn = index, size - 1
    r = leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while fn and not fn & 1:  # RFC 9162: until LSB(fn) is set or fn is 0
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def consistency_holds(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Whether ``proof`` shows the tree of ``old_size`` leaves with root ``old_root`` is the
    beginning of the tree of ``new_size`` leaves with root ``new_root``: RFC 9162 2.1.4.2.

    Equal sizes need an empty proof and equal roots. The empty tree (its root ``EMPTY_ROOT``)
    begins every tree, with an empty proof. Both roots are checked, so a proof that only
    leads to the new root proves nothing. False, never an exception, for anything malformed:
    an old size above the new, negative numbers, a hash that is not 32 bytes.
    """
    if not (
        _count(old_size)
        and _count(new_size)
        and _hash(old_root)
        and _hash(new_root)
        and _hashes(proof)
    ):
        return False
    if old_size > new_size:
        return False
    if old_size == new_size:
        return len(proof) == 0 and old_root == new_root
    if old_size == 0:
        return len(proof) == 0 and old_root == EMPTY_ROOT
    if len(proof) == 0:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # a power of two: the old tree is a subtree itself
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while fn and not fn & 1:  # RFC 9162: until LSB(fn) is set or fn is 0
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == old_root and sr == new_root and sn == 0
