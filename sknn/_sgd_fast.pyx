# cython: language_level=3, boundscheck=False, wraparound=False
# cython: cdivision=True, initializedcheck=False, nonecheck=False
"""The compiled epoch of mini-batch SGD and the compiled forward pass.

The same equations as the numpy reference (``_activations``, ``_losses``,
``_backprop``, ``_sgd``, ``_train``), one small inline function each and
named as there, so that the two can be read side by side:

    weighted_input   Z⁽ˡ⁾ = A⁽ˡ⁻¹⁾ W⁽ˡ⁾ + b⁽ˡ⁾   (a GEMM, then the bias in the σ pass)
    sigmoid          A⁽ˡ⁾ = σ(Z⁽ˡ⁾)
    softmax          ŷ = e^(z − max z) / Σⱼ e^(zⱼ − max z), and log Σⱼ e^(zⱼ)
    squared_error, binary_log_loss, log_loss     Σᵢ sᵢ lossᵢ
    penalty          (α / 2) Σₗ ‖W⁽ˡ⁾‖², from the Σ‖W‖² the previous step summed
    batch_weight     m = Σᵢ sᵢ, or the number of rows
    batch_cost       C = (1/m) Σᵢ sᵢ lossᵢ + penalty / m, after the forward pass
    output_error     δ⁽ᴸ⁾ = ŷ − y, times ŷ (1 − ŷ) for sigmoid + squared error
    hidden_error     δ⁽ˡ⁾ = (δ⁽ˡ⁺¹⁾ W⁽ˡ⁺¹⁾ᵀ) ⊙ A⁽ˡ⁾ ⊙ (1 − A⁽ˡ⁾)
    weight_gradient  ∂C/∂W⁽ˡ⁾ = A⁽ˡ⁻¹⁾ᵀ (δ⁽ˡ⁾ / m)        (the L2 term in the step)
    bias_gradient    ∂C/∂b⁽ˡ⁾ = Σ rows of δ⁽ˡ⁾ / m
    backprop         ∂C/∂θ of a batch without the L2 term
    momentum_step    g ← g + (α / m) W (penalty_gradient, over the flat weight
                     block of θ); v ← μ v − η g; θ ← θ + v (or θ + μ v − η g, Nesterov)
    update_mini_batch  one batch: batch_cost, backprop, momentum_step

Every operation is done in the dtype of θ in the reference's order, so that
an epoch here (``sgd_epoch_nogil``: per batch ``batch_weight``, then
``update_mini_batch``) and an epoch of ``_train.reference_epoch`` give the
same θ to rounding (the tests hold them to 1e-12 in float64, 1e-5 in float32).
Sums that numpy takes in the array's dtype (the costs) are accumulated in
double here; they only decide the reported cost, not θ.

Matrices are C-ordered (rows are samples) and handed to the Fortran-ordered
BLAS of ``scipy.linalg.cython_blas`` as their transposes: the row-major
product C = A B is the column-major product Cᵀ = Bᵀ Aᵀ, so every call below
names B before A.

No numpy C-API: typed memoryviews only, so the extension built against one
numpy runs with every numpy the package supports. The epoch runs without
the GIL (in the main thread in pieces of about 0.05 s, between which it looks
at pending signals, so that Ctrl-C stops it); nothing here is shared between
calls (each call allocates its own work arrays), so threads may train or
predict concurrently. The
element-wise loops that gain from wider vectors (e^x, σ, the softmax, σ′ ⊙ δ,
‖W‖², the momentum step) are in ``_simd.h``, compiled once per CPU family.
"""

# SPDX-License-Identifier: BSD-3-Clause

from cpython.exc cimport PyErr_CheckSignals
from cython cimport floating
from libc.math cimport INFINITY, NAN, exp, isfinite, log1p
from libc.stdint cimport int64_t
from libc.stdlib cimport free, malloc
from scipy.linalg.cython_blas cimport dgemm, sgemm

import threading

import numpy as np

# Output activations and costs, as small integers for the nogil code.
cdef enum:
    IDENTITY = 0
    LOGISTIC = 1
    SOFTMAX = 2
cdef enum:
    SQUARED_ERROR = 0
    LOG_LOSS = 1
_ACTIVATIONS = {"identity": IDENTITY, "logistic": LOGISTIC, "softmax": SOFTMAX}
_LOSSES = {"squared_error": SQUARED_ERROR, "log_loss": LOG_LOSS}


cdef extern from "_simd.h" nogil:
    # Element-wise loops compiled for SSE2, AVX2 and AVX-512 (see the header):
    # exp in place, with the NaN / ±∞ / overflow results of libm's exp; σ with
    # the bias; δ ⊙ a (1 − a); Σ x²; the momentum step over a block of θ.
    void sknn_exp_inplace_d(double *x, Py_ssize_t n)
    void sknn_exp_inplace_f(float *x, Py_ssize_t n)
    void sknn_sigmoid_bias_d(double *Z, const double *b, Py_ssize_t rows, Py_ssize_t cols)
    void sknn_sigmoid_bias_f(float *Z, const float *b, Py_ssize_t rows, Py_ssize_t cols)
    double sknn_momentum_step_d(double *theta, double *velocity, const double *grad,
                                Py_ssize_t n, double alpha_over_m, double eta, double mu,
                                int nesterov, int want_sum)
    double sknn_momentum_step_f(float *theta, float *velocity, const float *grad,
                                Py_ssize_t n, float alpha_over_m, float eta, float mu,
                                int nesterov, int want_sum)
    void sknn_times_sigmoid_derivative_d(double *delta, const double *A, Py_ssize_t n)
    void sknn_times_sigmoid_derivative_f(float *delta, const float *A, Py_ssize_t n)
    void sknn_softmax_d(double *Z, double *log_normalizer, Py_ssize_t rows, Py_ssize_t cols)
    void sknn_softmax_f(float *Z, float *log_normalizer, Py_ssize_t rows, Py_ssize_t cols)
    double sknn_sum_of_squares_d(const double *x, Py_ssize_t n)
    double sknn_sum_of_squares_f(const float *x, Py_ssize_t n)


cdef extern from *:
    """
    #if defined(__GNUC__)
    #define sknn_prefetch(p) __builtin_prefetch((p), 0, 3)
    #else
    #define sknn_prefetch(p) ((void)(p))
    #endif
    """
    # A hint to start loading the cache line at p; no effect on results, and
    # a no-op where the compiler has no such builtin.
    void sknn_prefetch(const void *p) nogil

# How many rows ahead gather_rows asks for the rows it will copy: the rows of
# a shuffled batch lie anywhere in X, so each begins with a cache miss, and a
# copy loop by itself keeps only a few of them in flight at once.
cdef enum:
    GATHER_AHEAD = 16


# ---------------------------------------------------------------- BLAS


cdef inline void gemm(char transa, char transb, int M, int N, int K,
                      const floating *A, int lda, const floating *B, int ldb,
                      floating *C, int ldc) noexcept nogil:
    """Column-major C = op(A) op(B) (BLAS gemm, α = 1, β = 0)."""
    cdef floating one = 1, zero = 0
    if floating is float:
        sgemm(&transa, &transb, &M, &N, &K, &one, <float *>A, &lda, <float *>B, &ldb,
              &zero, C, &ldc)
    else:
        dgemm(&transa, &transb, &M, &N, &K, &one, <double *>A, &lda, <double *>B, &ldb,
              &zero, C, &ldc)


cdef inline void matmul(const floating *A, const floating *W, floating *Z,
                        int rows, int fan_in, int fan_out) noexcept nogil:
    """Z = A W: (rows × fan_in) (fan_in × fan_out), row-major."""
    gemm(c'N', c'N', fan_out, rows, fan_in, W, fan_out, A, fan_in, Z, fan_out)


# ---------------------------------------------------------------- activations


cdef inline void weighted_input(const floating *A_prev, const floating *W, const floating *b,
                                floating *Z, int rows, int fan_in, int fan_out) noexcept nogil:
    """Z⁽ˡ⁾ = A⁽ˡ⁻¹⁾ W⁽ˡ⁾ + b⁽ˡ⁾ (output layer; hidden layers fuse the bias into σ)."""
    cdef Py_ssize_t i, j
    matmul(A_prev, W, Z, rows, fan_in, fan_out)
    for i in range(rows):
        for j in range(fan_out):
            Z[i * fan_out + j] = Z[i * fan_out + j] + b[j]


cdef inline void sigmoid_layer(const floating *A_prev, const floating *W, const floating *b,
                               floating *A, int rows, int fan_in, int fan_out) noexcept nogil:
    """A⁽ˡ⁾ = σ(A⁽ˡ⁻¹⁾ W⁽ˡ⁾ + b⁽ˡ⁾): the GEMM, then one pass of bias + σ."""
    matmul(A_prev, W, A, rows, fan_in, fan_out)
    sigmoid(A, b, rows, fan_out)


cdef inline void sigmoid(floating *Z, const floating *b, Py_ssize_t rows,
                         Py_ssize_t cols) noexcept nogil:
    """Z ← σ(Z + b) = 1 / (1 + e^(−(Z + b))) in place, row by row.

    As ``_activations.sigmoid``: e^(−z) overflows to +∞ for very negative z
    and 1 / (1 + ∞) is exactly 0; NaN stays NaN.
    """
    if floating is float:
        sknn_sigmoid_bias_f(Z, b, rows, cols)
    else:
        sknn_sigmoid_bias_d(Z, b, rows, cols)


cdef inline void exp_inplace(floating *x, Py_ssize_t n) noexcept nogil:
    if floating is float:
        sknn_exp_inplace_f(x, n)
    else:
        sknn_exp_inplace_d(x, n)


cdef inline void softmax(floating *Z, floating *log_normalizer, Py_ssize_t rows,
                         Py_ssize_t cols) noexcept nogil:
    """Row-wise softmax in place; log Σⱼ e^(zⱼ) of each row into ``log_normalizer``.

    As ``_activations.softmax``: the row maximum is subtracted first (NaN
    if the row has a NaN, as np.max), the row is divided by its sum;
    ``log_normalizer`` may be NULL (prediction). The exponentials of all rows
    are taken in one vectorised pass (``_simd.h``).
    """
    if floating is float:
        sknn_softmax_f(Z, log_normalizer, rows, cols)
    else:
        sknn_softmax_d(Z, log_normalizer, rows, cols)


cdef inline void output_activation(floating *Z_out, floating *Y_hat, floating *log_normalizer,
                                   int activation, Py_ssize_t rows,
                                   Py_ssize_t cols) noexcept nogil:
    """ŷ = A⁽ᴸ⁾ from Z⁽ᴸ⁾ (``Y_hat`` may be ``Z_out`` when Z⁽ᴸ⁾ is not needed later)."""
    cdef Py_ssize_t k
    if Y_hat != Z_out:
        for k in range(rows * cols):
            Y_hat[k] = Z_out[k]
    if activation == LOGISTIC:
        sigmoid(Y_hat, <floating *>NULL, rows, cols)
    elif activation == SOFTMAX:
        softmax(Y_hat, log_normalizer, rows, cols)


# ---------------------------------------------------------------- costs (Σᵢ sᵢ lossᵢ)


cdef inline double logaddexp0(double z) noexcept nogil:
    """log(1 + e^z) = np.logaddexp(0, z), exact for every finite z."""
    if z == 0:
        return 0.6931471805599453  # log 2
    if z > 0:
        return z + log1p(exp(-z))
    if z < 0:
        return log1p(exp(z))
    return z  # NaN


cdef inline double squared_error(const floating *Y_hat, const floating *Y, const floating *s,
                                 Py_ssize_t rows, Py_ssize_t cols) noexcept nogil:
    """Σᵢ sᵢ ½ ‖ŷᵢ − yᵢ‖² (``s`` NULL: no weights)."""
    cdef Py_ssize_t i, j
    cdef double e, row, total = 0
    for i in range(rows):
        row = 0
        for j in range(cols):
            e = <double>Y_hat[i * cols + j] - <double>Y[i * cols + j]
            row = row + e * e
        total = total + (row if s == NULL else s[i] * row)
    return 0.5 * total


cdef inline double binary_log_loss(const floating *Z, const floating *Y, const floating *s,
                                   Py_ssize_t rows, Py_ssize_t cols) noexcept nogil:
    """Σᵢ sᵢ Σₖ [log(1 + e^zᵢₖ) − yᵢₖ zᵢₖ], from the logits."""
    cdef Py_ssize_t i, j
    cdef double z, row, total = 0
    for i in range(rows):
        row = 0
        for j in range(cols):
            z = Z[i * cols + j]
            row = row + (logaddexp0(z) - Y[i * cols + j] * z)
        total = total + (row if s == NULL else s[i] * row)
    return total


cdef inline double log_loss(const floating *Z, const floating *Y, const floating *s,
                            const floating *log_normalizer, Py_ssize_t rows,
                            Py_ssize_t cols) noexcept nogil:
    """Σᵢ sᵢ [log Σⱼ e^(zᵢⱼ) − Σₖ yᵢₖ zᵢₖ], from the logits and the softmax's normaliser."""
    cdef Py_ssize_t i, j
    cdef double row, total = 0
    for i in range(rows):
        row = log_normalizer[i]
        for j in range(cols):
            row = row - <double>Y[i * cols + j] * Z[i * cols + j]
        total = total + (row if s == NULL else s[i] * row)
    return total


cdef inline double penalty(double weights_squared, double alpha) noexcept nogil:
    """(α / 2) Σₗ ‖W⁽ˡ⁾‖², the L2 penalty, from Σₗ ‖W⁽ˡ⁾‖² (``sum_of_squares``)."""
    return 0.5 * alpha * weights_squared


cdef inline double batch_weight(const floating *s, Py_ssize_t rows) noexcept nogil:
    """m = Σᵢ sᵢ in θ's dtype, as ``s_b.sum()`` (``s`` NULL: the number of rows)."""
    cdef Py_ssize_t i
    cdef floating m = 0
    if s == NULL:
        return rows
    for i in range(rows):
        m = m + s[i]
    return m


# ---------------------------------------------------------------- backpropagation


cdef inline void output_error(const floating *Y_hat, const floating *Y, const floating *s,
                              double m, floating *delta, bint sigmoid_squared,
                              Py_ssize_t rows, Py_ssize_t cols) noexcept nogil:
    """δ⁽ᴸ⁾ / m: ŷ − y (times ŷ (1 − ŷ) for sigmoid + squared error), times sᵢ / m."""
    cdef Py_ssize_t i, j, k
    cdef floating d, y_hat, scale = <floating>(1.0 / m), m_f = <floating>m
    for i in range(rows):
        if s != NULL:
            scale = s[i] / m_f
        for j in range(cols):
            k = i * cols + j
            y_hat = Y_hat[k]
            d = y_hat - Y[k]
            if sigmoid_squared:
                d = d * y_hat
                d = d * (1 - y_hat)
            delta[k] = d * scale


cdef inline void hidden_error(const floating *delta_next, const floating *W_next,
                              const floating *A, floating *delta, int rows, int fan_in,
                              int fan_out) noexcept nogil:
    """δ⁽ˡ⁾ = (δ⁽ˡ⁺¹⁾ W⁽ˡ⁺¹⁾ᵀ) ⊙ A⁽ˡ⁾ ⊙ (1 − A⁽ˡ⁾); A, δ⁽ˡ⁾: rows × fan_in."""
    # δ⁽ˡ⁺¹⁾ (rows × fan_out) W⁽ˡ⁺¹⁾ᵀ (fan_out × fan_in)
    gemm(c'T', c'N', fan_in, rows, fan_out, W_next, fan_out, delta_next, fan_out,
         delta, fan_in)
    # ⊙ σ′, with σ′ = a (1 − a) as sigmoid_derivative
    if floating is float:
        sknn_times_sigmoid_derivative_f(delta, A, <Py_ssize_t>rows * fan_in)
    else:
        sknn_times_sigmoid_derivative_d(delta, A, <Py_ssize_t>rows * fan_in)


cdef inline void weight_gradient(const floating *A_prev, const floating *delta,
                                 floating *grad, int rows, int fan_in,
                                 int fan_out) noexcept nogil:
    """∂C/∂W⁽ˡ⁾ = A⁽ˡ⁻¹⁾ᵀ (δ⁽ˡ⁾ / m), (fan_in × fan_out); the L2 term comes in the step."""
    gemm(c'N', c'T', fan_out, fan_in, rows, delta, fan_out, A_prev, fan_in, grad, fan_out)


cdef inline void bias_gradient(const floating *delta, floating *grad, Py_ssize_t rows,
                               Py_ssize_t cols) noexcept nogil:
    """∂C/∂b⁽ˡ⁾ = Σ rows of δ⁽ˡ⁾ / m, row after row as ``np.add.reduce(axis=0)``."""
    cdef Py_ssize_t i, j
    for j in range(cols):
        grad[j] = delta[j]
    for i in range(1, rows):
        for j in range(cols):
            grad[j] = grad[j] + delta[i * cols + j]


# ---------------------------------------------------------------- the SGD step


cdef inline double sum_of_squares(const floating *x, Py_ssize_t n) noexcept nogil:
    """Σₖ xₖ² in double (the L2 penalty's ‖W‖² over all weights, once per batch)."""
    if floating is float:
        return sknn_sum_of_squares_f(x, n)
    else:
        return sknn_sum_of_squares_d(x, n)


cdef inline double step_block(floating *theta, floating *velocity, const floating *grad,
                              Py_ssize_t n, floating alpha_over_m, floating eta, floating mu,
                              bint nesterov, bint want_sum) noexcept nogil:
    """g ← g + (α / m) θ; v ← μ v − η g; θ ← θ + v (or θ − η g + μ v), element-wise.

    Returns Σ θ² of the new θ, as ``sum_of_squares`` would sum it (with
    ``want_sum``; else 0).
    """
    if floating is float:
        return sknn_momentum_step_f(theta, velocity, grad, n, alpha_over_m, eta, mu,
                                    nesterov, want_sum)
    else:
        return sknn_momentum_step_d(theta, velocity, grad, n, alpha_over_m, eta, mu,
                                    nesterov, want_sum)


cdef inline double momentum_step(floating *theta, floating *velocity, floating *grad,
                                 Py_ssize_t n_params, Py_ssize_t n_weights,
                                 floating alpha_over_m, floating eta, floating mu,
                                 bint nesterov, bint want_sum) noexcept nogil:
    """g ← g + (α / m) W on the weight block (``penalty_gradient``), then the step.

    v ← μ v − η g; θ ← θ + v, or with Nesterov θ ← θ − η g + μ v (the new v):
    element by element the operations of ``_sgd.momentum_step``, in its order,
    in one pass over θ: the weights (with their L2 term, taken before θₖ
    moves), then the biases (without). With ``want_sum``, returns ‖W‖² of
    the new weights (the next batch's penalty), taken in the same pass.
    """
    cdef double weights_squared = step_block(theta, velocity, grad, n_weights, alpha_over_m,
                                             eta, mu, nesterov, want_sum)
    step_block(theta + n_weights, velocity + n_weights, grad + n_weights,
               n_params - n_weights, 0, eta, mu, nesterov, False)
    return weights_squared


# ---------------------------------------------------------------- the network


cdef struct Layout:
    # Units per layer (input first), and offsets of W⁽ˡ⁾, b⁽ˡ⁾ in θ and of
    # each layer's rows × units block in the work arrays.
    int n_layers
    int *units
    Py_ssize_t *w_offset
    Py_ssize_t *b_offset
    Py_ssize_t *a_offset   # start of A⁽ˡ⁾ (and δ⁽ˡ⁾) for l = 1..L, per row of the batch


cdef int make_layout(Layout *net, layer_units) except -1:
    cdef int l, L = len(layer_units) - 1
    cdef Py_ssize_t w = 0, a = 0
    net.n_layers = L
    net.units = <int *>malloc((L + 1) * sizeof(int))
    net.w_offset = <Py_ssize_t *>malloc(L * sizeof(Py_ssize_t))
    net.b_offset = <Py_ssize_t *>malloc(L * sizeof(Py_ssize_t))
    net.a_offset = <Py_ssize_t *>malloc((L + 1) * sizeof(Py_ssize_t))
    if not (net.units and net.w_offset and net.b_offset and net.a_offset):
        free_layout(net)
        raise MemoryError()
    for l in range(L + 1):
        net.units[l] = layer_units[l]
    for l in range(L):
        net.w_offset[l] = w
        w += <Py_ssize_t>net.units[l] * net.units[l + 1]
    for l in range(L):
        net.b_offset[l] = w
        w += net.units[l + 1]
    for l in range(1, L + 1):
        net.a_offset[l] = a
        a += net.units[l]
    net.a_offset[0] = a  # total units of layers 1..L: the row width of the work arrays
    return 0


cdef void free_layout(Layout *net) noexcept:
    free(net.units)
    free(net.w_offset)
    free(net.b_offset)
    free(net.a_offset)


cdef inline void forward_pass(const Layout *net, const floating *theta, const floating *X,
                              floating *work, floating *Z_out, floating *Y_hat,
                              floating *log_normalizer, int activation,
                              int rows) noexcept nogil:
    """Every hidden A⁽ˡ⁾ of a batch into ``work`` (at ``rows * a_offset[l]``), Z⁽ᴸ⁾, ŷ.

    Hidden layers: σ in place over Z⁽ˡ⁾. Training keeps Z⁽ᴸ⁾ in ``Z_out``
    apart from ŷ (the log-losses read the logits); prediction passes the
    same array for both and gets ŷ in place.
    """
    cdef int l, L = net.n_layers
    cdef const floating *A_prev = X
    cdef floating *A
    for l in range(L - 1):
        A = work + <Py_ssize_t>rows * net.a_offset[l + 1]
        sigmoid_layer(A_prev, theta + net.w_offset[l], theta + net.b_offset[l], A,
                      rows, net.units[l], net.units[l + 1])
        A_prev = A
    weighted_input(A_prev, theta + net.w_offset[L - 1], theta + net.b_offset[L - 1], Z_out,
                   rows, net.units[L - 1], net.units[L])
    output_activation(Z_out, Y_hat, log_normalizer, activation, rows, net.units[L])


cdef inline double batch_cost(const Layout *net, const floating *theta, const floating *X,
                              const floating *Y, const floating *s, double m,
                              floating *work, floating *Z_out, floating *log_normalizer,
                              int activation, int loss, double alpha, double weights_squared,
                              int rows) noexcept nogil:
    """Forward pass and C = (1/m) Σᵢ sᵢ lossᵢ + (α / 2m) ‖W‖² of one batch.

    ``weights_squared`` is ‖W‖² = ``sum_of_squares`` over the weight block of
    θ, which the previous batch's ``momentum_step`` returned.

    The sums are cast to θ's dtype before they are used, so that a float32
    cost overflows to ∞ where the reference's float32 sums do.
    """
    cdef int L = net.n_layers, n_out = net.units[net.n_layers]
    cdef floating *Y_hat = work + <Py_ssize_t>rows * net.a_offset[L]
    cdef double loss_sum, C
    forward_pass(net, theta, X, work, Z_out, Y_hat, log_normalizer, activation, rows)
    if loss == SQUARED_ERROR:
        loss_sum = squared_error(Y_hat, Y, s, rows, n_out)
    elif activation == SOFTMAX:
        loss_sum = log_loss(Z_out, Y, s, log_normalizer, rows, n_out)
    else:
        loss_sum = binary_log_loss(Z_out, Y, s, rows, n_out)
    C = <floating>loss_sum / m
    if alpha != 0:
        C = C + penalty(<floating>weights_squared, alpha) / m
    return C


cdef inline void backprop(const Layout *net, const floating *theta, const floating *X,
                          const floating *Y, const floating *s, double m, floating *work,
                          floating *deltas, floating *grad, int activation, int loss,
                          int rows) noexcept nogil:
    """∂C/∂θ of the batch (without the L2 term), after its forward pass.

    δ⁽ᴸ⁾ / m first; every δ⁽ˡ⁾ derived from it is then already divided by m.
    """
    cdef int l, L = net.n_layers
    cdef Py_ssize_t r = rows
    cdef floating *delta
    cdef const floating *A_prev
    output_error(work + r * net.a_offset[L], Y, s, m, deltas + r * net.a_offset[L],
                 loss == SQUARED_ERROR and activation == LOGISTIC, rows, net.units[L])
    for l in range(L - 1, -1, -1):
        delta = deltas + r * net.a_offset[l + 1]
        A_prev = X if l == 0 else work + r * net.a_offset[l]
        weight_gradient(A_prev, delta, grad + net.w_offset[l], rows, net.units[l],
                        net.units[l + 1])
        bias_gradient(delta, grad + net.b_offset[l], rows, net.units[l + 1])
        if l > 0:
            hidden_error(delta, theta + net.w_offset[l], work + r * net.a_offset[l],
                         deltas + r * net.a_offset[l], rows, net.units[l], net.units[l + 1])


cdef inline double update_mini_batch(const Layout *net, floating *theta, floating *velocity,
                                     floating *grad, const floating *X, const floating *Y,
                                     const floating *s, double m, floating *work,
                                     floating *deltas, floating *Z_out, floating *log_normalizer,
                                     int activation, int loss, double alpha, double learning_rate,
                                     double momentum, bint nesterov, double *weights_squared,
                                     int rows) noexcept nogil:
    """C of one mini-batch, then one SGD step on it: backprop, the L2 term, the momentum step.

    ``_train.update_mini_batch``, in place: C (penalty included) at θ before
    the step; then, where C is finite, ∂C/∂θ without the L2 term
    (``backprop``) and the step, which adds (α / m) W over the weight block.
    ``weights_squared`` holds ‖W‖² of θ, before the step and after it (the
    next batch's penalty, which the step sums as it goes).
    """
    cdef Py_ssize_t n_weights = net.b_offset[0], n_params = n_weights + net.a_offset[0]
    cdef double C = batch_cost(net, theta, X, Y, s, m, work, Z_out, log_normalizer,
                               activation, loss, alpha, weights_squared[0], rows)
    if not isfinite(C):
        return C  # no step: the epoch stops here
    backprop(net, theta, X, Y, s, m, work, deltas, grad, activation, loss, rows)
    weights_squared[0] = momentum_step(theta, velocity, grad, n_params, n_weights,
                                       <floating>(alpha / m) if alpha != 0 else 0,
                                       <floating>learning_rate, <floating>momentum, nesterov,
                                       alpha != 0)
    return C


cdef inline void gather_rows(const floating *M, const int64_t *index, floating *out,
                             Py_ssize_t n, Py_ssize_t n_ahead, Py_ssize_t cols) noexcept nogil:
    """out = M[index]: the rows of a shuffled batch, copied.

    Row ``index[i + GATHER_AHEAD]`` is prefetched (one hint per 64-byte line)
    while row ``index[i]`` is copied, across the end of the batch into the
    next one's rows (``n_ahead`` more indices follow ``index[n - 1]``).
    """
    cdef Py_ssize_t i, j, offset, row_bytes = cols * sizeof(floating)
    cdef const floating *row
    for i in range(n):
        if i + GATHER_AHEAD < n + n_ahead:
            for offset in range(0, row_bytes, 64):
                sknn_prefetch(<const char *>(M + index[i + GATHER_AHEAD] * cols) + offset)
        row = M + index[i] * cols
        for j in range(cols):
            out[i * cols + j] = row[j]


# How much work the epoch does between two looks at pending signals (Ctrl-C):
# rows × parameters of the batches run (about 0.05 s of work on a current
# CPU), or this many batches, whichever comes first (small networks).
cdef double WORK_PER_SIGNAL_CHECK = 4e8
cdef enum:
    BATCHES_PER_SIGNAL_CHECK = 4096


cdef struct Progress:
    # Where an epoch run in pieces (see sgd_batches_nogil) stands.
    Py_ssize_t start        # the first row of the next batch
    double weighted_cost    # Σ_b m_b C_b so far
    double total_weight     # Σ_b m_b so far
    double weights_squared  # ‖W‖² of θ now (with α ≠ 0)
    bint diverged           # a batch's cost was not finite


cdef void sgd_batches_nogil(const Layout *net, floating *theta, floating *velocity,
                            floating *grad, const floating *X, const floating *Y,
                            const floating *sample_weight, const int64_t *order,
                            Py_ssize_t n_samples, Py_ssize_t batch_size, floating *work,
                            floating *deltas, floating *Z_out, floating *log_normalizer,
                            floating *X_b, floating *Y_b, floating *s_b, int activation,
                            int loss, double alpha, double learning_rate, double momentum,
                            bint nesterov, Progress *progress, double work_limit) noexcept nogil:
    """The epoch's batches from ``progress.start`` on, until the end or ``work_limit``.

    Per batch: its rows (a view, or gathered in the shuffled order), its
    weight m (``batch_weight``), then ``update_mini_batch``. ``work_limit``
    bounds rows × parameters (and batches, by BATCHES_PER_SIGNAL_CHECK) of
    this piece, so that the caller can look at pending signals in between;
    infinity runs the epoch to its end. ``progress.diverged`` is set, and the
    piece ends, as soon as a batch's cost is not finite.
    """
    cdef int L = net.n_layers
    cdef Py_ssize_t n_features = net.units[0], n_out = net.units[L]
    cdef Py_ssize_t n_params = net.b_offset[0] + net.a_offset[0]
    cdef Py_ssize_t start = progress.start, n, batches = 0
    cdef const floating *X_batch
    cdef const floating *Y_batch
    cdef const floating *s_batch
    cdef double m, C, done = 0
    while start < n_samples:
        if done >= work_limit or batches == BATCHES_PER_SIGNAL_CHECK:
            break
        batches += 1
        n = min(batch_size, n_samples - start)
        done += <double>n * n_params
        s_batch = NULL
        if order == NULL:  # the rows in the given order: the batch is a view
            X_batch = X + start * n_features
            Y_batch = Y + start * n_out
            if sample_weight != NULL:
                s_batch = sample_weight + start
        else:
            gather_rows(X, order + start, X_b, n, n_samples - start - n, n_features)
            gather_rows(Y, order + start, Y_b, n, n_samples - start - n, n_out)
            X_batch, Y_batch = X_b, Y_b
            if sample_weight != NULL:
                gather_rows(sample_weight, order + start, s_b, n, 0, 1)
                s_batch = s_b
        start += n
        progress.start = start
        m = batch_weight(s_batch, n)
        if m == 0:
            continue  # all weights zero: this batch carries no information
        C = update_mini_batch(net, theta, velocity, grad, X_batch, Y_batch, s_batch, m, work,
                              deltas, Z_out, log_normalizer, activation, loss, alpha,
                              learning_rate, momentum, nesterov, &progress.weights_squared,
                              <int>n)
        if not isfinite(C):
            progress.diverged = True
            return
        progress.weighted_cost += m * C
        progress.total_weight += m


# ---------------------------------------------------------------- Python entry points


cdef tuple _run_epoch(const Layout *net, floating[::1] theta, floating[::1] velocity,
                      const floating[:, ::1] X, const floating[:, ::1] Y,
                      const floating *s_ptr, const int64_t *order_ptr, Py_ssize_t batch_size,
                      list arrays, int activation, int loss, double alpha,
                      double learning_rate, double momentum, bint nesterov,
                      bint check_signals):
    """The epoch without the GIL, in pieces with a look at pending signals in between.

    With ``check_signals`` (the main thread, where Python runs signal
    handlers), the GIL is taken back after every piece of about
    WORK_PER_SIGNAL_CHECK and a pending Ctrl-C raises KeyboardInterrupt here,
    mid-epoch; θ and v are then those of the last batch run, and the caller
    restores them. Elsewhere the epoch runs in one piece.
    """
    cdef floating[::1] work = arrays[0], deltas = arrays[1], grad = arrays[2]
    cdef floating[::1] Z_out = arrays[3], log_normalizer = arrays[4]
    cdef floating[::1] X_b = arrays[5], Y_b = arrays[6], s_b = arrays[7]
    cdef Progress progress
    cdef double work_limit = WORK_PER_SIGNAL_CHECK if check_signals else INFINITY
    progress.start = 0
    progress.weighted_cost = progress.total_weight = progress.weights_squared = 0
    progress.diverged = False
    with nogil:
        if alpha != 0:  # ‖W‖² for the first batch; each step returns the next one's
            progress.weights_squared = sum_of_squares(&theta[0], net.b_offset[0])
    while True:
        with nogil:
            sgd_batches_nogil(
                net, &theta[0], &velocity[0], &grad[0], &X[0, 0], &Y[0, 0], s_ptr, order_ptr,
                X.shape[0], batch_size, &work[0], &deltas[0], &Z_out[0], &log_normalizer[0],
                &X_b[0], &Y_b[0], &s_b[0], activation, loss, alpha, learning_rate, momentum,
                nesterov, &progress, work_limit)
        if progress.diverged:
            return NAN, progress.total_weight
        if progress.start >= X.shape[0]:
            return progress.weighted_cost, progress.total_weight
        PyErr_CheckSignals()  # raises KeyboardInterrupt after Ctrl-C


def sgd_epoch(floating[::1] theta, floating[::1] velocity, const floating[:, ::1] X,
              const floating[:, ::1] Y, const floating[::1] sample_weight,
              const int64_t[::1] order, layer_units, Py_ssize_t batch_size, str loss,
              str out_activation, double alpha, double learning_rate, double momentum,
              bint nesterov):
    """One epoch of mini-batch SGD over (X, Y); θ and v are updated in place.

    Parameters
    ----------
    theta, velocity : ndarray of shape (n_params,)
        θ (all W⁽ˡ⁾, then all b⁽ˡ⁾) and the velocity, float32 or float64.
    X : ndarray of shape (n_samples, n_features), C-contiguous, dtype of θ
    Y : ndarray of shape (n_samples, n_outputs), C-contiguous, dtype of θ
    sample_weight : ndarray of shape (n_samples,) or None
    order : ndarray of shape (n_samples,), int64, or None
        A permutation of the rows, or None for the given order.
    layer_units : sequence of int
        Units per layer, input first.
    batch_size : int
    loss, out_activation : str
        As in :func:`sknn._backprop.backprop`.
    alpha, learning_rate, momentum : float
    nesterov : bool

    Returns
    -------
    weighted_cost : float
        Σ_b m_b C_b, or NaN as soon as a batch's cost is not finite.
    total_weight : float
        Σ_b m_b.
    """
    cdef Layout net
    cdef int activation = _ACTIVATIONS[out_activation], loss_code = _LOSSES[loss]
    cdef Py_ssize_t n_samples = X.shape[0], rows = min(batch_size, n_samples)
    cdef double weighted_cost, total_weight = 0
    cdef const floating *s_ptr = NULL
    cdef const int64_t *order_ptr = NULL
    cdef Py_ssize_t i
    cdef bint check_signals
    if len(layer_units) < 2 or min(layer_units) < 1:
        raise ValueError("layer_units needs an input and an output layer of at least one unit")
    if batch_size < 1 or n_samples < 1:
        raise ValueError("an epoch needs batch_size >= 1 and at least one row")
    make_layout(&net, layer_units)
    try:
        if theta.shape[0] != velocity.shape[0] or theta.shape[0] != net.b_offset[0] + (
            net.a_offset[0]
        ):
            raise ValueError("theta and velocity do not match layer_units")
        if X.shape[1] != net.units[0] or Y.shape[1] != net.units[net.n_layers]:
            raise ValueError("X or Y does not match layer_units")
        if Y.shape[0] != n_samples:
            raise ValueError("X and Y have different numbers of rows")
        if sample_weight is not None:
            if sample_weight.shape[0] != n_samples:
                raise ValueError("sample_weight does not match X")
            s_ptr = &sample_weight[0]
        if order is not None:
            if order.shape[0] != n_samples:
                raise ValueError("order does not match X")
            for i in range(n_samples):
                if not 0 <= order[i] < n_samples:
                    raise ValueError("order must index the rows of X")
            order_ptr = &order[0]
        dtype = np.float32 if floating is float else np.float64
        width = net.a_offset[0]
        # Work arrays, all this call's own: A⁽ˡ⁾ and δ⁽ˡ⁾ of layers 1..L side by
        # side (rows × width each), the gradient, Z⁽ᴸ⁾, log Σ e^z, one batch.
        arrays = [np.empty(rows * width, dtype), np.empty(rows * width, dtype),
                  np.empty(theta.shape[0], dtype),
                  np.empty(rows * net.units[net.n_layers], dtype), np.empty(rows, dtype),
                  np.empty(rows * net.units[0], dtype),
                  np.empty(rows * net.units[net.n_layers], dtype), np.empty(rows, dtype)]
        # Only the main thread runs signal handlers: elsewhere, no pieces.
        check_signals = threading.current_thread() is threading.main_thread()
        return _run_epoch(&net, theta, velocity, X, Y, s_ptr, order_ptr, batch_size,
                          arrays, activation, loss_code, alpha, learning_rate, momentum,
                          nesterov, check_signals)
    finally:
        free_layout(&net)


cdef void _predict(const Layout *net, const floating[::1] theta, const floating[:, ::1] X,
                   floating[:, ::1] Y_hat, floating[::1] work, int activation,
                   Py_ssize_t chunk_rows):
    cdef Py_ssize_t start, n, n_samples = X.shape[0]
    cdef floating *out
    if n_samples == 0:
        return
    with nogil:
        start = 0
        while start < n_samples:
            n = min(chunk_rows, n_samples - start)
            # Z⁽ᴸ⁾ straight into the chunk's rows of Y_hat, σ or softmax in place.
            out = &Y_hat[start, 0]
            forward_pass(net, &theta[0], &X[start, 0], &work[0], out, out,
                         <floating *>NULL, activation, <int>n)
            start += n


cdef object packed_theta(const Layout *net, coefs, intercepts, const floating[:, ::1] X):
    """θ in the kernel's layout, W⁽ˡ⁾ then b⁽ˡ⁾, in X's dtype: the vector they view, or a copy.

    The fitted coefs_ and intercepts_ are usually views into one such vector
    (``_parameters.unpack``): then it is used as it is, which spares a single
    row's prediction the copy of every weight (most of its cost). They need
    not be (after unpickling, the regressor's rescaled output layer, a user's
    own arrays): then they are copied into one.
    """
    cdef Py_ssize_t l
    cdef const floating[::1] theta_view
    cdef const floating[:, ::1] W_view
    cdef const floating[::1] b_view
    dtype = np.float32 if floating is float else np.float64
    theta = coefs[0].base
    if (type(theta) is np.ndarray and theta.dtype == dtype and theta.ndim == 1
            and theta.flags.c_contiguous
            and theta.shape[0] == net.b_offset[net.n_layers - 1] + net.units[net.n_layers]):
        theta_view = theta
        for l in range(net.n_layers):
            W, b = coefs[l], intercepts[l]
            if not (W.base is theta and b.base is theta and W.dtype == dtype and b.dtype == dtype
                    and W.flags.c_contiguous and b.flags.c_contiguous):
                break
            W_view, b_view = W, b
            if (&W_view[0, 0] != &theta_view[net.w_offset[l]]
                    or &b_view[0] != &theta_view[net.b_offset[l]]):
                break
        else:
            return theta
    theta = np.concatenate([np.ravel(W) for W in coefs] + [np.ravel(b) for b in intercepts])
    return theta.astype(dtype, copy=False)


def predict(const floating[:, ::1] X, coefs, intercepts, str out_activation,
            Py_ssize_t chunk_rows):
    """ŷ = A⁽ᴸ⁾ for every row of X, fed forward ``chunk_rows`` rows at a time.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), C-contiguous, float32 or float64
    coefs, intercepts : list of ndarray
        W⁽ˡ⁾ and b⁽ˡ⁾, C-contiguous, dtype of X.
    out_activation : {'identity', 'logistic', 'softmax'}
    chunk_rows : int
        Rows per chunk.

    Returns
    -------
    Y_hat : ndarray of shape (n_samples, n_outputs)
    """
    cdef Layout net
    cdef const floating[::1] theta_view
    cdef floating[:, ::1] Y_hat_view
    cdef floating[::1] work
    cdef int activation = _ACTIVATIONS[out_activation]
    layer_units = [X.shape[1]] + [W.shape[1] for W in coefs]
    dtype = np.float32 if floating is float else np.float64
    for l, (W, b) in enumerate(zip(coefs, intercepts)):
        if W.shape != (layer_units[l], layer_units[l + 1]) or b.shape != (layer_units[l + 1],):
            raise ValueError("coefs and intercepts do not match X and each other")
    chunk_rows = max(1, min(chunk_rows, X.shape[0]))
    make_layout(&net, layer_units)
    try:
        theta_view = packed_theta(&net, coefs, intercepts, X)
        Y_hat = np.empty((X.shape[0], layer_units[len(layer_units) - 1]), dtype)
        Y_hat_view = Y_hat
        work = np.empty(chunk_rows * net.a_offset[0], dtype)
        _predict(&net, theta_view, X, Y_hat_view, work, activation, chunk_rows)
        return Y_hat
    finally:
        free_layout(&net)


def _exp(floating[::1] x):
    """e^x in place with the kernel's vectorised exp (for the tests)."""
    if x.shape[0]:
        with nogil:
            exp_inplace(&x[0], x.shape[0])


def _sigmoid(floating[:, ::1] Z, const floating[::1] b):
    """Z ← σ(Z + b) in place with the kernel's σ (for the tests)."""
    if b.shape[0] != Z.shape[1]:
        raise ValueError("b does not match Z")
    if Z.shape[0] and Z.shape[1]:
        with nogil:
            sigmoid(&Z[0, 0], &b[0], Z.shape[0], Z.shape[1])


def _blas_products_epoch(const floating[:, ::1] X, layer_units, Py_ssize_t batch_size):
    """Only the matrix products of one epoch, BLAS called from here (for the benchmark).

    Per full batch: A⁽ˡ⁻¹⁾W⁽ˡ⁾ for every layer, A⁽ˡ⁻¹⁾ᵀδ⁽ˡ⁾ for every layer
    and δ⁽ˡ⁺¹⁾W⁽ˡ⁺¹⁾ᵀ for every hidden layer, into preallocated arrays, the
    batches read in order from X: what the kernel's products cost without
    anything else of the epoch (benchmarks/bench.py's "BLAS floor").

    Returns
    -------
    n_batches : int
        The number of batches run (full batches only).
    """
    cdef Layout net
    cdef floating[::1] theta, grad, work, deltas
    cdef Py_ssize_t start, n_batches = 0, n_samples = X.shape[0]
    cdef int l, L, rows = <int>batch_size
    dtype = np.float32 if floating is float else np.float64
    make_layout(&net, layer_units)
    try:
        L = net.n_layers
        if X.shape[1] != net.units[0] or batch_size > n_samples:
            raise ValueError("X does not match layer_units and batch_size")
        n_params = net.b_offset[0] + net.a_offset[0]
        theta = np.full(n_params, 0.01, dtype)
        grad = np.empty(n_params, dtype)
        work = np.full(batch_size * net.a_offset[0], 0.01, dtype)
        deltas = np.full(batch_size * net.a_offset[0], 0.01, dtype)
        with nogil:
            start = 0
            while start + batch_size <= n_samples:
                for l in range(L):
                    matmul(&X[start, 0] if l == 0 else &work[0] + rows * net.a_offset[l],
                           &theta[0] + net.w_offset[l], &work[0] + rows * net.a_offset[l + 1],
                           rows, net.units[l], net.units[l + 1])
                for l in range(L - 1, -1, -1):
                    weight_gradient(
                        &X[start, 0] if l == 0 else &work[0] + rows * net.a_offset[l],
                        &deltas[0] + rows * net.a_offset[l + 1], &grad[0] + net.w_offset[l],
                        rows, net.units[l], net.units[l + 1])
                    if l > 0:
                        gemm(c'T', c'N', net.units[l], rows, net.units[l + 1],
                             &theta[0] + net.w_offset[l], net.units[l + 1],
                             &deltas[0] + rows * net.a_offset[l + 1], net.units[l + 1],
                             &deltas[0] + rows * net.a_offset[l], net.units[l])
                start += batch_size
                n_batches += 1
        return n_batches
    finally:
        free_layout(&net)
