"""All weights and biases of a network as one flat vector θ.

The layers' W⁽ˡ⁾ and b⁽ˡ⁾ are views into θ: the weights first, layer after
layer, then the biases. The SGD update then runs once over θ, the L2 penalty
once over the weight part, and a gradient vector laid out the same way gives
every layer's ∂C/∂W⁽ˡ⁾ and ∂C/∂b⁽ˡ⁾ as views too. (Views for numpy, torch
and CuPy; the array API standard does not promise them, so training takes
the layers from θ afresh after every step.)
"""

# SPDX-License-Identifier: BSD-3-Clause

import numpy as np

from ._array_api import get_namespace


def n_weights(layer_units):
    """Number of entries of all weight matrices together.

    Examples
    --------
    >>> from sknn._parameters import n_weights
    >>> n_weights([4, 3, 2])
    18
    """
    return sum(fan_in * fan_out for fan_in, fan_out in zip(layer_units, layer_units[1:]))


def _reshape(A, shape):
    return A.reshape(shape)


def unpack(theta, layer_units):
    """Views W⁽ˡ⁾ of shape (fan_in, fan_out) and b⁽ˡ⁾ of shape (fan_out,) into θ.

    Parameters
    ----------
    theta : ndarray of shape (n_params,)
        The flat parameter (or gradient) vector.
    layer_units : sequence of int
        Units per layer, input first.

    Returns
    -------
    coefs, intercepts : list of ndarray
        Views that share memory with ``theta``.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._parameters import unpack
    >>> coefs, intercepts = unpack(np.arange(9.0), [2, 2, 1])
    >>> coefs[0], coefs[1], intercepts[0], intercepts[1]
    (array([[0., 1.],
           [2., 3.]]), array([[4.],
           [5.]]), array([6., 7.]), array([8.]))
    """
    # numpy's own method where it can: a call of the namespace's reshape costs
    # microseconds, and a stream of small partial_fit calls unpacks θ often.
    reshape = _reshape if isinstance(theta, np.ndarray) else get_namespace(theta).reshape
    coefs, intercepts = [], []
    start = 0
    for fan_in, fan_out in zip(layer_units, layer_units[1:]):
        coefs.append(reshape(theta[start : start + fan_in * fan_out], (fan_in, fan_out)))
        start += fan_in * fan_out
    for fan_out in layer_units[1:]:
        intercepts.append(theta[start : start + fan_out])
        start += fan_out
    return coefs, intercepts


def pack(coefs, intercepts, dtype):
    """A new flat θ holding copies of ``coefs`` and ``intercepts``, and views into it.

    Parameters
    ----------
    coefs, intercepts : list of array
        W⁽ˡ⁾ and b⁽ˡ⁾ for l = 1..L, all of one namespace and device.
    dtype : dtype
        dtype of θ, of that namespace.

    Returns
    -------
    theta : ndarray of shape (n_params,)
    coefs, intercepts : list of ndarray
        Views into ``theta``.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._parameters import pack
    >>> theta, coefs, intercepts = pack([np.ones((2, 1))], [np.zeros(1)], np.float64)
    >>> theta
    array([1., 1., 0.])
    """
    xp = get_namespace(*coefs)
    layer_units = [coefs[0].shape[0]] + [W.shape[1] for W in coefs]
    theta = xp.concat([xp.reshape(A, (-1,)) for A in coefs + intercepts])
    theta = xp.astype(theta, dtype, copy=False)
    coef_views, intercept_views = unpack(theta, layer_units)
    return theta, coef_views, intercept_views
