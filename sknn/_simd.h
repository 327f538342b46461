/* The kernel's element-wise loops that are compiled once per CPU family:
 * e^x, the sigmoid, the softmax, δ ⊙ σ′, Σ x² and the momentum step (with
 * the next batch's Σ W²) over contiguous arrays, for sknn/_sgd_fast.pyx.
 *
 * e^x.
 * libm's exp is a function call per element, which stops the compiler from
 * vectorising the σ loop; glibc's vector exp (libmvec) is only offered under
 * -ffast-math, which also lets the compiler assume there is no NaN or ∞ and
 * would break the detection of diverging training. So e^x is written out
 * here in plain C that the compiler vectorises, with exactly libm's special
 * values:
 *
 *     x = NaN          → NaN
 *     x > ln(max)      → +∞      (709.78 in double, 88.72 in float)
 *     x < ln(min sub)  → 0       (−745.13 in double, −103.97 in float)
 *     x = ±∞           → +∞, 0
 *
 * and in between the textbook reduction: k = round(x / ln 2),
 * r = x − k ln 2 (ln 2 in two parts, Cody & Waite, so that k ln 2 is exact),
 * |r| ≤ ln 2 / 2, e^r by its Taylor polynomial to the degree where the
 * remainder is below half an ulp (13 in double, 7 in float), evaluated by
 * Horner's rule, and e^x = e^r 2^k with 2^k built in the exponent bits. 2^k
 * is applied as 2^(k/2) 2^(k − k/2) so that results near overflow and in the
 * subnormal range come out right too. Every step is an IEEE operation (no
 * -ffast-math). Where the CPU has fused multiply-add the polynomial uses it
 * (see below), so a CPU with FMA and one without may differ in the last bit,
 * as numpy's own exp differs between its SSE, AVX2 and AVX-512 versions; on
 * one machine the result is always the same. The error is within 2 ulp of
 * the exact e^x (tests/test_kernel.py checks it against the exact value over
 * the whole range, and the special values against numpy).
 *
 * On x86-64 Linux with GCC ≥ 11 each array function is compiled for
 * the baseline (SSE2), x86-64-v3 (AVX2, FMA) and x86-64-v4 (AVX-512) and the
 * loader picks the best the CPU has (target_clones); elsewhere it is
 * compiled once, for the baseline. e^x itself is written once (SKNN_EXP, for
 * both precisions and both ways of applying 2^k) and so instantiated in each
 * of these instruction sets by the compiler.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SKNN_SIMD_H
#define SKNN_SIMD_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) && defined(__linux__) && defined(__GNUC__) && \
    !defined(__clang__) && __GNUC__ >= 11  /* the x86-64-v3/v4 names: GCC 11 */
#define SKNN_CLONES \
    __attribute__((target_clones("default", "arch=x86-64-v3", "arch=x86-64-v4")))
#else
#define SKNN_CLONES
#endif

/* Here, and only here, a * b + c may become one fused multiply-add where the
 * CPU has one (the x86-64-v3 and v4 clones): it halves the polynomial's
 * work, and a fused operation rounds once instead of twice, so e^x gets no
 * less accurate. (The rest of the kernel is built with -ffp-contract=off, so
 * that its arithmetic rounds exactly as the numpy reference's.) */
#if defined(__clang__)
#define SKNN_CONTRACT _Pragma("clang fp contract(fast)")  /* for the one function body */
#else
#define SKNN_CONTRACT
#if defined(__GNUC__)
#pragma GCC push_options
#pragma GCC optimize("fp-contract=fast")
#endif
#endif

/* The constants of e^x in each precision, by suffix: d (double), f (float). */
#define SKNN_LOG2E_d 1.4426950408889634              /* 1 / ln 2 */
#define SKNN_LOG2E_f 1.44269504f
#define SKNN_LN2_HI_d 6.93147180369123816490e-01     /* fdlibm's split of ln 2 */
#define SKNN_LN2_HI_f 0.693145751953125f             /* 0x3f317200: 16 significant bits */
#define SKNN_LN2_LO_d 1.90821492927058770002e-10
#define SKNN_LN2_LO_f 1.428606765330187045e-06f
#define SKNN_SHIFT_d 6755399441055744.0              /* 1.5 * 2^52: x + shift rounds x to an integer */
#define SKNN_SHIFT_f 12582912.0f                     /* 1.5 * 2^23 */
#define SKNN_DEGREE_d 13                             /* of the Taylor polynomial */
#define SKNN_DEGREE_f 7
#define SKNN_BITS_d uint64_t                         /* an integer as wide as the type */
#define SKNN_BITS_f uint32_t
#define SKNN_MANTISSA_d 52                           /* bits below the exponent */
#define SKNN_MANTISSA_f 23
#define SKNN_BIAS_d 1023                             /* of the exponent */
#define SKNN_BIAS_f 127
#define SKNN_LN_MAX_d 709.782712893384               /* ln(max): above, e^x = +∞ */
#define SKNN_LN_MAX_f 88.72283935546875f
#define SKNN_LN_MIN_SUB_d -745.1332191019412         /* ln(min subnormal): below, e^x = 0 */
#define SKNN_LN_MIN_SUB_f -103.97208404541015625f
#define SKNN_CLAMP_HI_d 710.0                        /* k ≤ 1024 (128 in float) */
#define SKNN_CLAMP_HI_f 89.0f
#define SKNN_CLAMP_LO_d -746.0                       /* k ≥ −1075 (−150 in float) */
#define SKNN_CLAMP_LO_f -104.0f
#define SKNN_SIGMOID_LO_d -700.0                     /* k ≥ −1010 (−124 in float) */
#define SKNN_SIGMOID_LO_f -86.0f
#define SKNN_C(name, sfx) SKNN_##name##_##sfx

/* n! for the coefficients 1/n! of the Taylor polynomial (all exact in double). */
static const double sknn_factorial[14] = {
    1.0, 1.0, 2.0, 6.0, 24.0, 120.0, 720.0, 5040.0, 40320.0, 362880.0, 3628800.0,
    39916800.0, 479001600.0, 6227020800.0};

/* Horner's rule unrolled: the loop has a fixed length, and unrolled its
 * coefficients are constants and the vectorised loop around it has no loop
 * inside. */
#if defined(__GNUC__) || defined(__clang__)
#define SKNN_UNROLL _Pragma("GCC unroll 16")
#else
#define SKNN_UNROLL
#endif

/* e^x in one precision (sfx d or f, type T), written once for both:
 *
 * sknn_exp_reduced_<sfx>(xc, &t): the reduction and the polynomial for a
 *     clamped x: k = round(x / ln 2) (kept in the low bits of t),
 *     r = (x − k ln2_hi) − k ln2_lo and e^r = Σₙ rⁿ / n!, n ≤ degree, by
 *     Horner's rule; returns e^r.
 * sknn_exp_<sfx>(x): e^x = e^r 2^k1 2^k2 with k1 = round(k / 2), k2 = k − k1,
 *     both halves normal numbers, so that results near overflow and in the
 *     subnormal range come out right; libm's special values outside.
 * sknn_exp_for_sigmoid_<sfx>(x): e^x for σ only, 2^k applied in one
 *     multiplication, as (2p) 2^(k − 1), which is exact wherever the result
 *     is a normal number. That leaves out only the subnormal range of e^x,
 *     and there σ does not need it: where e^−z is below 2^−53 (2^−24 in
 *     float), 1 + e^−z rounds to exactly 1 and so does σ. So below x = −700
 *     (−86 in float) the result is 0, and 1 / (1 + e^−z) is then bit for bit
 *     what 1 / (1 + sknn_exp(−z)) gives, for every z, NaN and ±∞ included;
 *     it saves the split of 2^k into two halves (a third of the operations
 *     after the polynomial).
 *
 * The clamps keep k in range; the selects at the end give the results
 * outside it. NaN compares false and flows through to the end. The low bits
 * of t + bias hold k + bias (two's complement); shifting them up into the
 * exponent field drops the rest, leaving the bits of 2^k. */
#define SKNN_EXP(sfx, T)                                                       \
    static inline T sknn_exp_reduced_##sfx(T xc, T *t)                         \
    {                                                                          \
        SKNN_CONTRACT                                                          \
        const T shift = SKNN_C(SHIFT, sfx);                                    \
        *t = xc * SKNN_C(LOG2E, sfx) + shift;                                  \
        T k = *t - shift;                                                      \
        T r = (xc - k * SKNN_C(LN2_HI, sfx)) - k * SKNN_C(LN2_LO, sfx);        \
        T p = (T)1 / (T)sknn_factorial[SKNN_C(DEGREE, sfx)];                   \
        SKNN_UNROLL                                                            \
        for (int n = SKNN_C(DEGREE, sfx) - 1; n >= 0; n--)                     \
            p = p * r + (T)1 / (T)sknn_factorial[n];                           \
        return p;                                                              \
    }                                                                          \
                                                                               \
    static inline T sknn_exp_##sfx(T x)                                        \
    {                                                                          \
        SKNN_CONTRACT                                                          \
        const T shift = SKNN_C(SHIFT, sfx);                                    \
        T xc = x > SKNN_C(CLAMP_HI, sfx) ? SKNN_C(CLAMP_HI, sfx) : x;          \
        xc = xc < SKNN_C(CLAMP_LO, sfx) ? SKNN_C(CLAMP_LO, sfx) : xc;          \
        T t;                                                                   \
        T p = sknn_exp_reduced_##sfx(xc, &t);                                  \
        T k = t - shift;                                                       \
        T k1 = (k * (T)0.5 + shift) - shift;                                   \
        T k2 = k - k1;                                                         \
        T t1 = k1 + shift, t2 = k2 + shift;                                    \
        SKNN_C(BITS, sfx) b1, b2;                                              \
        memcpy(&b1, &t1, sizeof b1);                                           \
        memcpy(&b2, &t2, sizeof b2);                                           \
        b1 = (b1 + SKNN_C(BIAS, sfx)) << SKNN_C(MANTISSA, sfx);                \
        b2 = (b2 + SKNN_C(BIAS, sfx)) << SKNN_C(MANTISSA, sfx);                \
        T s1, s2;                                                              \
        memcpy(&s1, &b1, sizeof s1);                                           \
        memcpy(&s2, &b2, sizeof s2);                                           \
        T y = (p * s1) * s2;                                                   \
        y = x > SKNN_C(LN_MAX, sfx) ? (T)INFINITY : y;                         \
        y = x < SKNN_C(LN_MIN_SUB, sfx) ? (T)0 : y;                            \
        return x != x ? x : y;                                                 \
    }                                                                          \
                                                                               \
    static inline T sknn_exp_for_sigmoid_##sfx(T x)                            \
    {                                                                          \
        SKNN_CONTRACT                                                          \
        T xc = x > SKNN_C(CLAMP_HI, sfx) ? SKNN_C(CLAMP_HI, sfx) : x;          \
        xc = xc < SKNN_C(SIGMOID_LO, sfx) ? SKNN_C(SIGMOID_LO, sfx) : xc;      \
        T t;                                                                   \
        T p = sknn_exp_reduced_##sfx(xc, &t);                                  \
        SKNN_C(BITS, sfx) bits;                                                \
        memcpy(&bits, &t, sizeof bits);                                        \
        bits = (bits + (SKNN_C(BIAS, sfx) - 1)) << SKNN_C(MANTISSA, sfx);      \
        T scale;                                                               \
        memcpy(&scale, &bits, sizeof scale);                                   \
        T y = (p + p) * scale;                                                 \
        y = x > SKNN_C(LN_MAX, sfx) ? (T)INFINITY : y;                         \
        y = x < SKNN_C(SIGMOID_LO, sfx) ? (T)0 : y;                            \
        return x != x ? x : y;                                                 \
    }                                                                          \
                                                                               \
    SKNN_CLONES static void sknn_exp_inplace_##sfx(T *x, ptrdiff_t n)          \
    {                                                                          \
        for (ptrdiff_t k = 0; k < n; k++)                                      \
            x[k] = sknn_exp_##sfx(x[k]);                                       \
    }
SKNN_EXP(d, double)
SKNN_EXP(f, float)

/* Z ← σ(Z + b) = 1 / (1 + e^−(Z + b)) (b may be NULL): _activations.sigmoid's
 * four operations, in its order. The bias is added row by row first, then σ
 * runs over the whole block as one flat array, so that the vector loop has
 * one remainder per block instead of one per row (100 units a row is 12
 * vectors of 8 doubles and 4 left over; 32 rows of them are 3200 = 400
 * vectors and none). z + b is the same rounded sum either way. */
#define SKNN_SIGMOID_BIAS(name, type, exp_for_sigmoid)                         \
    SKNN_CLONES static void name(type *restrict Z, const type *restrict b,    \
                                 ptrdiff_t rows, ptrdiff_t cols)               \
    {                                                                          \
        if (b)                                                                 \
            for (ptrdiff_t i = 0; i < rows; i++) {                             \
                type *restrict z = Z + i * cols;                               \
                for (ptrdiff_t j = 0; j < cols; j++)                           \
                    z[j] = z[j] + b[j];                                        \
            }                                                                  \
        for (ptrdiff_t k = 0; k < rows * cols; k++)                            \
            Z[k] = (type)1 / ((type)1 + exp_for_sigmoid(-Z[k]));               \
    }
SKNN_SIGMOID_BIAS(sknn_sigmoid_bias_d, double, sknn_exp_for_sigmoid_d)
SKNN_SIGMOID_BIAS(sknn_sigmoid_bias_f, float, sknn_exp_for_sigmoid_f)

/* Row-wise softmax in place, as _activations.softmax: each row's maximum
 * subtracted (NaN if the row has a NaN, as np.max), e^z over the whole block
 * in one vector pass, each row divided by its sum; log Σⱼ e^(zⱼ) of each row
 * into log_normalizer unless it is NULL (prediction). The maximum is a
 * select, not a branch: which of the row's entries is largest is data, and
 * a branch on it is mispredicted about once a row. */
#define SKNN_SOFTMAX(name, type, exp, log)                                     \
    SKNN_CLONES static void name(type *restrict Z, type *restrict log_normalizer, \
                                 ptrdiff_t rows, ptrdiff_t cols)               \
    {                                                                          \
        for (ptrdiff_t i = 0; i < rows; i++) {                                 \
            type *restrict z = Z + i * cols;                                   \
            type z_max = z[0];                                                 \
            int has_nan = 0;                                                   \
            for (ptrdiff_t j = 1; j < cols; j++)                               \
                z_max = z[j] > z_max ? z[j] : z_max;                           \
            for (ptrdiff_t j = 0; j < cols; j++)                               \
                has_nan |= z[j] != z[j];                                       \
            z_max = has_nan ? (type)NAN : z_max;                               \
            for (ptrdiff_t j = 0; j < cols; j++)                               \
                z[j] = z[j] - z_max;                                           \
            if (log_normalizer)                                                \
                log_normalizer[i] = z_max;  /* completed below */              \
        }                                                                      \
        for (ptrdiff_t k = 0; k < rows * cols; k++)                            \
            Z[k] = exp(Z[k]);                                                  \
        for (ptrdiff_t i = 0; i < rows; i++) {                                 \
            type *restrict z = Z + i * cols;                                   \
            type row_sum = 0;                                                  \
            for (ptrdiff_t j = 0; j < cols; j++)                               \
                row_sum = row_sum + z[j];                                      \
            if (log_normalizer)                                                \
                log_normalizer[i] = log(row_sum) + log_normalizer[i];          \
            for (ptrdiff_t j = 0; j < cols; j++)                               \
                z[j] = z[j] / row_sum;                                         \
        }                                                                      \
    }
SKNN_SOFTMAX(sknn_softmax_d, double, sknn_exp_d, log)
SKNN_SOFTMAX(sknn_softmax_f, float, sknn_exp_f, logf)

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC pop_options
#endif

/* δ ← δ ⊙ a (1 − a), σ′ written with the activation, as (1 − a) a in
 * _activations.sigmoid_derivative. */
SKNN_CLONES static void sknn_times_sigmoid_derivative_d(double *restrict delta,
                                                        const double *restrict A, ptrdiff_t n)
{
    for (ptrdiff_t k = 0; k < n; k++)
        delta[k] = delta[k] * ((1.0 - A[k]) * A[k]);
}

SKNN_CLONES static void sknn_times_sigmoid_derivative_f(float *restrict delta,
                                                        const float *restrict A, ptrdiff_t n)
{
    for (ptrdiff_t k = 0; k < n; k++)
        delta[k] = delta[k] * ((1.0f - A[k]) * A[k]);
}

/* Σ x² in double, in eight interleaved partial sums (as a BLAS dot does):
 * one running sum would wait for every addition to finish before the next.
 * sknn_sum_of_squares_chunk adds x[0..n) to the partial sums (n a multiple
 * of 8, or the end of the array: the rest goes to *total). */
#define SKNN_SUM_OF_SQUARES(name, type)                                        \
    static inline void name##_chunk(const type *restrict x, ptrdiff_t n,       \
                                    double *restrict partial, double *total)   \
    {                                                                          \
        ptrdiff_t k = 0;                                                       \
        for (; k + 8 <= n; k += 8)                                             \
            for (int j = 0; j < 8; j++)                                        \
                partial[j] += (double)x[k + j] * (double)x[k + j];             \
        for (; k < n; k++)                                                     \
            *total += (double)x[k] * (double)x[k];                             \
    }                                                                          \
    SKNN_CLONES static double name(const type *restrict x, ptrdiff_t n)        \
    {                                                                          \
        double partial[8] = {0, 0, 0, 0, 0, 0, 0, 0}, total = 0;              \
        name##_chunk(x, n, partial, &total);                                   \
        for (int j = 0; j < 8; j++)                                            \
            total += partial[j];                                               \
        return total;                                                          \
    }
SKNN_SUM_OF_SQUARES(sknn_sum_of_squares_d, double)
SKNN_SUM_OF_SQUARES(sknn_sum_of_squares_f, float)

/* One SGD step over a block of θ, in place (alpha_over_m = α / m on the
 * weight block, the L2 penalty's gradient; 0 on the biases):
 *     g ← g + (α / m) θ,  v ← μ v − η g,  θ ← θ + v   (or θ − η g + μ v, Nesterov)
 * element by element, each operation rounded as in _sgd.momentum_step
 * (outside the contraction region above: no fused multiply-adds here).
 * With want_sum, returns Σ θ² of the block's new θ, summed exactly as
 * sknn_sum_of_squares sums it (the same partial sums in the same order),
 * taken chunk by chunk while the chunk is still in the L1 cache: the next
 * batch's L2 penalty ‖W‖² comes from this pass instead of another one over W.
 * Without, returns 0. */
#define SKNN_STEP_CHUNK 512  /* elements, a multiple of 8 */
#define SKNN_MOMENTUM_STEP(name, type, sum_of_squares_chunk)                   \
    SKNN_CLONES static double name(type *restrict theta, type *restrict velocity, \
                                   const type *restrict grad, ptrdiff_t n,     \
                                   type alpha_over_m, type eta, type mu, int nesterov, \
                                   int want_sum)                               \
    {                                                                          \
        double partial[8] = {0, 0, 0, 0, 0, 0, 0, 0}, total = 0;              \
        for (ptrdiff_t start = 0; start < n; start += SKNN_STEP_CHUNK) {       \
            ptrdiff_t end = n - start < SKNN_STEP_CHUNK ? n : start + SKNN_STEP_CHUNK; \
            for (ptrdiff_t k = start; k < end; k++) {                          \
                type g = alpha_over_m != 0 ? grad[k] + theta[k] * alpha_over_m : grad[k]; \
                type step = g * eta;                                           \
                type v = velocity[k] * mu - step;                              \
                velocity[k] = v;                                               \
                theta[k] = nesterov ? (theta[k] - step) + v * mu : theta[k] + v; \
            }                                                                  \
            if (want_sum)                                                      \
                sum_of_squares_chunk(theta + start, end - start, partial, &total); \
        }                                                                      \
        for (int j = 0; j < 8; j++)                                            \
            total += partial[j];                                               \
        return total;                                                          \
    }
SKNN_MOMENTUM_STEP(sknn_momentum_step_d, double, sknn_sum_of_squares_d_chunk)
SKNN_MOMENTUM_STEP(sknn_momentum_step_f, float, sknn_sum_of_squares_f_chunk)

#endif
