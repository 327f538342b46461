"""Snapshots of an estimator's attributes, to check that a failed call changed nothing."""

import copy

import numpy as np
import scipy.sparse as sp


def snapshot(estimator, exclude=()):
    """A deep copy of every attribute except those named in ``exclude``."""
    return {k: copy.deepcopy(v) for k, v in vars(estimator).items() if k not in exclude}


def assert_same(a, b, path="state"):
    """Recursively equal: same keys, same types, arrays equal in dtype, shape and bits."""
    assert type(a) is type(b), f"{path}: {type(a).__name__} != {type(b).__name__}"
    if isinstance(a, dict):
        assert a.keys() == b.keys(), f"{path}: keys differ: {set(a) ^ set(b)}"
        for key in a:
            assert_same(a[key], b[key], f"{path}[{key!r}]")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), f"{path}: lengths {len(a)} != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same(x, y, f"{path}[{i}]")
    elif isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.shape == b.shape, f"{path}: {a.dtype}{a.shape} != {b.dtype}{b.shape}"
        assert np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"), f"{path}: values differ"
    elif sp.issparse(a):
        assert_same(a.toarray(), b.toarray(), path)
    elif isinstance(a, float) and np.isnan(a):
        assert np.isnan(b), f"{path}: nan != {b!r}"
    else:
        assert a == b, f"{path}: {a!r} != {b!r}"


def assert_unchanged(estimator, before, exclude=()):
    """``estimator`` holds exactly the attributes of the snapshot ``before``."""
    assert_same(before, snapshot(estimator, exclude))
