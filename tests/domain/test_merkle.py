"""RFC 6962 Merkle trees: roots and proofs against a second implementation written straight from
the RFC's recursive definitions, against the published Certificate Transparency vectors, and
verifiers that refuse every proof that does not prove what it claims."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kunnan.domain import merkle
from kunnan.domain.merkle import (
    EMPTY_ROOT,
    consistency_holds,
    consistency_proof,
    inclusion_holds,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root,
)

# The reference: RFC 6962 section 2.1, word for word, on the entries themselves -------------


def _sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _k(n: int) -> int:
    """The largest power of two smaller than n (n > 1), found by counting up."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def ref_mth(d: Sequence[bytes]) -> bytes:
    """MTH(D[n]) of RFC 6962 2.1."""
    n = len(d)
    if n == 0:
        return _sha256(b"")
    if n == 1:
        return _sha256(b"\x00" + d[0])
    k = _k(n)
    return _sha256(b"\x01" + ref_mth(d[:k]) + ref_mth(d[k:]))


def ref_path(m: int, d: Sequence[bytes]) -> list[bytes]:
    """PATH(m, D[n]) of RFC 6962 2.1.1."""
    n = len(d)
    if n == 1:
        return []
    k = _k(n)
    if m < k:
        return [*ref_path(m, d[:k]), ref_mth(d[k:])]
    return [*ref_path(m - k, d[k:]), ref_mth(d[:k])]


def ref_subproof(m: int, d: Sequence[bytes], b: bool) -> list[bytes]:
    """SUBPROOF(m, D[n], b) of RFC 6962 2.1.2."""
    n = len(d)
    if m == n:
        return [] if b else [ref_mth(d)]
    k = _k(n)
    if m <= k:
        return [*ref_subproof(m, d[:k], b), ref_mth(d[k:])]
    return [*ref_subproof(m - k, d[k:], False), ref_mth(d[:k])]


def ref_proof(m: int, d: Sequence[bytes]) -> list[bytes]:
    """PROOF(m, D[n]) of RFC 6962 2.1.2."""
    return ref_subproof(m, d, True)


def entries(n: int) -> list[bytes]:
    """n distinct entries of varied lengths."""
    return [f"entry {i}".encode() * (i % 3 + 1) for i in range(n)]


MAX = 70
ENTRIES = entries(MAX)
LEAVES = [leaf_hash(entry) for entry in ENTRIES]
ROOTS = [ref_mth(ENTRIES[:n]) for n in range(MAX + 1)]


# The published vectors ----------------------------------------------------------------------

#: The leaves and roots of transparency-dev/merkle testonly/constants.go (LeafInputs,
#: RootHashes), Certificate Transparency's RFC 6962 test vectors: the root for each size 0..8.
CT_ENTRIES = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
CT_ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
#: transparency-dev/merkle proof/verify_test.go (inclusionProofs, there with 1-based leaves):
#: (index, size, audit path).
CT_INCLUSION = [
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]
#: transparency-dev/merkle proof/verify_test.go (consistencyProofs): (old size, new size, proof).
CT_CONSISTENCY = [
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        6,
        7,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
]
CT_LEAVES = [leaf_hash(entry) for entry in CT_ENTRIES]


def test_the_empty_tree_has_the_hash_of_the_empty_string() -> None:
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert root([]) == EMPTY_ROOT


def test_leaf_and_node_hashes_carry_their_prefixes() -> None:
    assert leaf_hash(b"") == _sha256(b"\x00")
    assert leaf_hash(b"") != _sha256(b"")
    assert node_hash(b"L" * 32, b"R" * 32) == _sha256(b"\x01" + b"L" * 32 + b"R" * 32)
    assert node_hash(b"L" * 32, b"R" * 32) != node_hash(b"R" * 32, b"L" * 32)


def test_the_published_roots_for_each_size() -> None:
    for size, expected in enumerate(CT_ROOTS):
        assert root(CT_LEAVES[:size]).hex() == expected, size
        assert ref_mth(CT_ENTRIES[:size]).hex() == expected, size  # and the reference agrees


@pytest.mark.parametrize(("index", "size", "path"), CT_INCLUSION)
def test_the_published_inclusion_proofs(index: int, size: int, path: list[str]) -> None:
    proof = [bytes.fromhex(h) for h in path]
    assert inclusion_proof(CT_LEAVES[:size], index) == proof
    tree_root = bytes.fromhex(CT_ROOTS[size])
    assert inclusion_holds(index, size, CT_LEAVES[index], proof, tree_root)


@pytest.mark.parametrize(("old", "new", "path"), CT_CONSISTENCY)
def test_the_published_consistency_proofs(old: int, new: int, path: list[str]) -> None:
    proof = [bytes.fromhex(h) for h in path]
    assert consistency_proof(CT_LEAVES[:new], old) == proof
    old_root, new_root = bytes.fromhex(CT_ROOTS[old]), bytes.fromhex(CT_ROOTS[new])
    assert consistency_holds(old, new, old_root, new_root, proof)
    assert not consistency_holds(old, new, new_root, old_root, proof)


# Every tree up to 70 leaves, against the reference ------------------------------------------


@pytest.fixture(params=[None, 1, 4], ids=["whole", "blocks-of-1", "blocks-of-4"])
def blocks(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Also with the trees hashed in small blocks, so the joining of blocks is exercised by
    trees of a few leaves (by default a block is 16384 leaves)."""
    if request.param is not None:
        monkeypatch.setattr(merkle, "_CHUNK", request.param)


@pytest.mark.usefixtures("blocks")
def test_every_root_is_the_rfcs() -> None:
    for n in range(MAX + 1):
        assert root(LEAVES[:n]) == ROOTS[n], n


@pytest.mark.usefixtures("blocks")
def test_every_inclusion_proof_is_the_rfcs_and_holds() -> None:
    for n in range(1, MAX + 1):
        leaves = LEAVES[:n]
        for index in range(n):
            proof = inclusion_proof(leaves, index)
            assert proof == ref_path(index, ENTRIES[:n]), (index, n)
            assert inclusion_holds(index, n, leaves[index], proof, ROOTS[n]), (index, n)


@pytest.mark.usefixtures("blocks")
def test_every_consistency_proof_is_the_rfcs_and_holds() -> None:
    for n in range(1, MAX + 1):
        leaves = LEAVES[:n]
        for old in range(1, n + 1):
            proof = consistency_proof(leaves, old)
            assert proof == ref_proof(old, ENTRIES[:n]), (old, n)
            assert consistency_holds(old, n, ROOTS[old], ROOTS[n], proof), (old, n)
        assert consistency_proof(leaves, n) == []


def test_trees_across_the_default_block_size_are_the_rfcs() -> None:
    n = 2 * 16384 + 3
    data = [i.to_bytes(4, "big") for i in range(n)]
    leaves = [leaf_hash(entry) for entry in data]
    assert root(leaves) == ref_mth(data)
    assert root(leaves[:16384]) == ref_mth(data[:16384])
    assert root(leaves[:16385]) == ref_mth(data[:16385])
    for index in (0, 16383, 16384, n - 1):
        assert inclusion_proof(leaves, index) == ref_path(index, data)
    for old in (1, 16383, 16384, 16385, n - 1):
        assert consistency_proof(leaves, old) == ref_proof(old, data)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 600), st.data())
def test_random_trees_agree_with_the_reference(n: int, data: st.DataObject) -> None:
    entries_ = [bytes([i % 256, i // 256]) for i in range(n)]
    leaves = [leaf_hash(entry) for entry in entries_]
    index = data.draw(st.integers(0, n - 1))
    old = data.draw(st.integers(1, n))
    assert root(leaves) == ref_mth(entries_)
    assert inclusion_proof(leaves, index) == ref_path(index, entries_)
    assert consistency_proof(leaves, old) == ref_proof(old, entries_)


# Making proofs of what is not in the tree ---------------------------------------------------


def test_no_inclusion_proof_for_a_leaf_not_in_the_tree() -> None:
    for index in (3, 4, -1):
        with pytest.raises(ValueError, match="not in a tree of 3"):
            inclusion_proof(LEAVES[:3], index)
    with pytest.raises(ValueError):
        inclusion_proof([], 0)


def test_no_consistency_proof_from_the_empty_tree_nor_from_a_larger_one() -> None:
    for old in (0, -1, 4):
        with pytest.raises(ValueError, match="no consistency proof"):
            consistency_proof(LEAVES[:3], old)


def test_a_tree_is_built_from_leaf_hashes_only() -> None:
    with pytest.raises(ValueError, match="32-byte leaf hashes"):
        root([*LEAVES[:3], b"not a hash"])
    with pytest.raises(ValueError, match="32-byte leaf hashes"):
        inclusion_proof([*LEAVES[:3], LEAVES[3][:31]], 0)


# Verifiers refusing what a proof does not prove ---------------------------------------------


SMALL = 40  # every claim against every other, up to this size


def test_an_inclusion_proof_holds_for_its_own_index_and_size_only() -> None:
    for n in range(1, SMALL + 1):
        for index in range(n):
            proof = inclusion_proof(LEAVES[:n], index)
            leaf = LEAVES[index]
            for other in range(n):
                if other != index:
                    assert not inclusion_holds(other, n, leaf, proof, ROOTS[n]), (index, other, n)
            for size in range(index + 1, SMALL + 1):
                if size != n:
                    assert not inclusion_holds(index, size, leaf, proof, ROOTS[size]), (index, n)
            assert not inclusion_holds(index, n, LEAVES[index - 1 if index else 1], proof, ROOTS[n])


def test_an_inclusion_proof_truncated_extended_or_bent_does_not_hold() -> None:
    for n in range(1, MAX + 1):
        for index in range(n):
            proof = inclusion_proof(LEAVES[:n], index)
            leaf, tree_root = LEAVES[index], ROOTS[n]
            assert not inclusion_holds(index, n, leaf, [*proof, tree_root], tree_root)
            assert not inclusion_holds(index, n, leaf, [tree_root, *proof], tree_root)
            assert not inclusion_holds(index, n, leaf, [*proof, EMPTY_ROOT], tree_root)
            if proof:
                assert not inclusion_holds(index, n, leaf, proof[:-1], tree_root)
                assert not inclusion_holds(index, n, leaf, proof[1:], tree_root)
                assert not inclusion_holds(index, n, leaf, proof[::-1], tree_root) or (
                    len(proof) == 1
                )
                for at in range(len(proof)):
                    bent = list(proof)
                    bent[at] = bytes([bent[at][0] ^ 8]) + bent[at][1:]
                    assert not inclusion_holds(index, n, leaf, bent, tree_root)
            assert not inclusion_holds(index, n, leaf, proof, ROOTS[n - 1])
            assert not inclusion_holds(index, n, leaf, proof, EMPTY_ROOT)


def test_an_inclusion_claim_that_is_malformed_is_false_and_raises_nothing() -> None:
    proof = inclusion_proof(LEAVES[:5], 2)
    leaf, tree_root = LEAVES[2], ROOTS[5]
    assert inclusion_holds(2, 5, leaf, proof, tree_root)
    assert inclusion_holds(2, 5, leaf, tuple(proof), tree_root)
    short = [proof[0][:31], *proof[1:]]
    wrong: list[tuple[object, object, object, object, object]] = [
        (5, 5, leaf, proof, tree_root),  # index == size
        (6, 5, leaf, proof, tree_root),
        (-1, 5, leaf, proof, tree_root),
        (2, -5, leaf, proof, tree_root),
        (0, 0, leaf, [], EMPTY_ROOT),  # nothing is in the empty tree
        (2, 5, leaf[:31], proof, tree_root),  # a hash of 31 bytes
        (2, 5, leaf, short, tree_root),
        (2, 5, leaf, proof, tree_root[:31]),
        (2, 5, leaf + b"\x00", proof, tree_root),
        (2, 5, leaf.hex(), proof, tree_root),
        (2, 5, leaf, b"".join(proof), tree_root),
        (2, 5, leaf, [*proof[:-1], None], tree_root),
        (2, 5, leaf, None, tree_root),
        (2.0, 5, leaf, proof, tree_root),
        ("2", 5, leaf, proof, tree_root),
        (True, 5, LEAVES[1], inclusion_proof(LEAVES[:5], 1), tree_root),
        (2, None, leaf, proof, tree_root),
    ]
    for claim in wrong:
        assert inclusion_holds(*claim) is False, claim  # type: ignore[arg-type]


def test_a_proof_does_not_hold_for_the_right_subtree_with_the_left_one_tacked_on() -> None:
    """A leaf of the right subtree D[k:n] claimed as leaf index - k of a tree of n - k, its
    proof ending in MTH(D[0:k]): hashing past the claimed tree's root would reach the root
    of the whole tree. RFC 9162 stops where the claimed tree ends (sn is 0)."""
    for n in range(2, SMALL + 1):
        k = 1 << ((n - 1).bit_length() - 1)
        for index in range(k, n):
            proof = inclusion_proof(LEAVES[:n], index)
            assert proof[-1] == ROOTS[k]
            assert not inclusion_holds(index - k, n - k, LEAVES[index], proof, ROOTS[n])
        for old in range(k + 1, n):
            proof = consistency_proof(LEAVES[:n], old)
            assert proof[-1] == ROOTS[k]
            assert not consistency_holds(old - k, n - k, ROOTS[old], ROOTS[n], proof)


def test_a_one_leaf_tree_proves_its_leaf_with_an_empty_proof() -> None:
    assert inclusion_holds(0, 1, LEAVES[0], [], LEAVES[0])
    assert not inclusion_holds(0, 1, LEAVES[0], [LEAVES[0]], LEAVES[0])
    assert not inclusion_holds(0, 1, LEAVES[1], [], LEAVES[0])


def test_a_consistency_proof_holds_for_its_own_sizes_and_roots_only() -> None:
    for n in range(2, SMALL + 1):
        for old in range(1, n):
            proof = consistency_proof(LEAVES[:n], old)
            for other_new in range(old, SMALL + 1):
                if other_new != n:
                    assert not consistency_holds(
                        old, other_new, ROOTS[old], ROOTS[other_new], proof
                    )
            for other_old in range(1, n + 1):
                if other_old != old:
                    assert not consistency_holds(other_old, n, ROOTS[other_old], ROOTS[n], proof)


def test_a_consistency_proof_truncated_extended_or_bent_does_not_hold() -> None:
    for n in range(2, MAX + 1):
        for old in range(1, n):
            proof = consistency_proof(LEAVES[:n], old)
            old_root, new_root = ROOTS[old], ROOTS[n]
            assert proof
            claims = [
                [],
                proof[1:],  # its first element dropped: it then proves the new root only
                proof[:-1],
                [*proof, new_root],
                [*proof, old_root],
                [old_root, *proof],
                [new_root, *proof],
                [proof[0], *proof],
                [*proof, EMPTY_ROOT],
            ]
            for at in range(len(proof)):
                bent = list(proof)
                bent[at] = bytes([bent[at][0] ^ 16]) + bent[at][1:]
                claims.append(bent)
            for claim in claims:
                assert not consistency_holds(old, n, old_root, new_root, claim), (old, n, claim)
            assert not consistency_holds(old, n, new_root, old_root, proof)  # swapped roots
            assert not consistency_holds(n, old, new_root, old_root, proof)
            assert not consistency_holds(old, n, ROOTS[old - 1], new_root, proof)
            assert not consistency_holds(old, n, old_root, ROOTS[n - 1], proof)
            assert not consistency_holds(old, n, EMPTY_ROOT, new_root, proof)


def test_the_new_root_alone_does_not_prove_the_old_one() -> None:
    """The immudb lesson (GO-2022-1117): a proof whose hashes lead to the new root but not to
    the old one is refused, whatever old root it is offered with."""
    for n in range(2, SMALL + 1):
        for old in range(1, n):
            proof = consistency_proof(LEAVES[:n], old)
            for wrong_old in (ROOTS[old - 1], LEAVES[0], node_hash(ROOTS[old], ROOTS[old])):
                if wrong_old != ROOTS[old]:
                    assert not consistency_holds(old, n, wrong_old, ROOTS[n], proof)


def test_equal_sizes_and_the_empty_tree() -> None:
    for n in (1, 2, 7):
        assert consistency_holds(n, n, ROOTS[n], ROOTS[n], [])
        assert not consistency_holds(n, n, ROOTS[n], ROOTS[n - 1], [])
        assert not consistency_holds(n, n, ROOTS[n], ROOTS[n], [ROOTS[n]])
        assert consistency_holds(0, n, EMPTY_ROOT, ROOTS[n], [])
        assert not consistency_holds(0, n, EMPTY_ROOT, ROOTS[n], [EMPTY_ROOT])
        assert not consistency_holds(0, n, ROOTS[1], ROOTS[n], [])
    assert consistency_holds(0, 0, EMPTY_ROOT, EMPTY_ROOT, [])
    assert not consistency_holds(0, 0, EMPTY_ROOT, ROOTS[1], [])
    assert not consistency_holds(1, 0, ROOTS[1], EMPTY_ROOT, [])


def test_a_consistency_claim_that_is_malformed_is_false_and_raises_nothing() -> None:
    proof = consistency_proof(LEAVES[:7], 3)
    old_root, new_root = ROOTS[3], ROOTS[7]
    assert consistency_holds(3, 7, old_root, new_root, proof)
    short = [*proof[:-1], proof[-1][:31]]
    wrong: list[tuple[object, object, object, object, object]] = [
        (7, 3, new_root, old_root, proof),  # old size above the new one
        (8, 7, old_root, new_root, proof),
        (-3, 7, old_root, new_root, proof),
        (3, -7, old_root, new_root, proof),
        (3, 7, old_root[:31], new_root, proof),  # a hash of 31 bytes
        (3, 7, old_root, new_root[:31], proof),
        (3, 7, old_root, new_root, short),
        (3, 7, old_root, new_root, [*proof, b""]),
        (3, 7, old_root, new_root, b"".join(proof)),
        (3, 7, old_root, new_root, None),
        (3, 7, old_root.hex(), new_root, proof),
        (3.0, 7, old_root, new_root, proof),
        (3, "7", old_root, new_root, proof),
        (3, 7, old_root, new_root, [p.hex() for p in proof]),
    ]
    for claim in wrong:
        assert consistency_holds(*claim) is False, claim  # type: ignore[arg-type]
