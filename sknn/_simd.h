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
 * compiled once, for the baseline.
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

static inline double sknn_exp_d(double x)
{
    SKNN_CONTRACT
    const double log2e = 1.4426950408889634;      /* 1 / ln 2 */
    const double ln2_hi = 6.93147180369123816490e-01; /* fdlibm's split of ln 2 */
    const double ln2_lo = 1.90821492927058770002e-10;
    const double shift = 6755399441055744.0;       /* 1.5 * 2^52 */
    /* Clamp so that k stays within [-1075, 1024]; the selects at the end give
     * the results outside. NaN compares false and flows through to the end. */
    double xc = x > 710.0 ? 710.0 : x;
    xc = xc < -746.0 ? -746.0 : xc;
    /* k = round(x / ln 2): adding 1.5 * 2^52 rounds to an integer, kept in
     * the low bits of t. */
    double t = xc * log2e + shift;
    double k = t - shift;
    double r = (xc - k * ln2_hi) - k * ln2_lo;
    double p = 1.0 / 6227020800.0;                 /* 1/13! */
    p = p * r + 1.0 / 479001600.0;
    p = p * r + 1.0 / 39916800.0;
    p = p * r + 1.0 / 3628800.0;
    p = p * r + 1.0 / 362880.0;
    p = p * r + 1.0 / 40320.0;
    p = p * r + 1.0 / 5040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    /* 2^k = 2^k1 2^k2 with k1 = round(k / 2): both halves are normal numbers. */
    double k1 = (k * 0.5 + shift) - shift;
    double k2 = k - k1;
    double t1 = k1 + shift, t2 = k2 + shift;
    uint64_t b1, b2;
    memcpy(&b1, &t1, sizeof b1);
    memcpy(&b2, &t2, sizeof b2);
    /* The low bits of t hold k (two's complement); shifting by 52 drops the
     * rest, leaving the biased exponent k + 1023 of 2^k. */
    b1 = (b1 + 1023) << 52;
    b2 = (b2 + 1023) << 52;
    double s1, s2;
    memcpy(&s1, &b1, sizeof s1);
    memcpy(&s2, &b2, sizeof s2);
    double y = (p * s1) * s2;
    y = x > 709.782712893384 ? INFINITY : y;
    y = x < -745.1332191019412 ? 0.0 : y;
    return x != x ? x : y;
}

static inline float sknn_exp_f(float x)
{
    SKNN_CONTRACT
    const float log2e = 1.44269504f;
    const float ln2_hi = 0.693145751953125f;       /* 0x3f317200: 16 significant bits */
    const float ln2_lo = 1.428606765330187045e-06f;
    const float shift = 12582912.0f;               /* 1.5 * 2^23 */
    float xc = x > 89.0f ? 89.0f : x;
    xc = xc < -104.0f ? -104.0f : xc;
    float t = xc * log2e + shift;
    float k = t - shift;
    float r = (xc - k * ln2_hi) - k * ln2_lo;
    float p = 1.0f / 5040.0f;                      /* 1/7! */
    p = p * r + 1.0f / 720.0f;
    p = p * r + 1.0f / 120.0f;
    p = p * r + 1.0f / 24.0f;
    p = p * r + 1.0f / 6.0f;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    float k1 = (k * 0.5f + shift) - shift;
    float k2 = k - k1;
    float t1 = k1 + shift, t2 = k2 + shift;
    uint32_t b1, b2;
    memcpy(&b1, &t1, sizeof b1);
    memcpy(&b2, &t2, sizeof b2);
    b1 = (b1 + 127) << 23;
    b2 = (b2 + 127) << 23;
    float s1, s2;
    memcpy(&s1, &b1, sizeof s1);
    memcpy(&s2, &b2, sizeof s2);
    float y = (p * s1) * s2;
    y = x > 88.72283935546875f ? INFINITY : y;
    y = x < -103.97208404541015625f ? 0.0f : y;
    return x != x ? x : y;
}

SKNN_CLONES static void sknn_exp_inplace_d(double *x, ptrdiff_t n)
{
    for (ptrdiff_t k = 0; k < n; k++)
        x[k] = sknn_exp_d(x[k]);
}

SKNN_CLONES static void sknn_exp_inplace_f(float *x, ptrdiff_t n)
{
    for (ptrdiff_t k = 0; k < n; k++)
        x[k] = sknn_exp_f(x[k]);
}

/* e^x for σ only: the same reduction and polynomial as sknn_exp_d/_f, but
 * 2^k applied in one multiplication, as (2p) 2^(k − 1), which is exact
 * wherever the result is a normal number. That leaves out only the
 * subnormal range of e^x, and there σ does not need it: where e^−z is below
 * 2^−53 (2^−24 in float), 1 + e^−z rounds to exactly 1 and so does σ. So
 * below x = −700 (−86 in float) the result is 0, and 1 / (1 + e^−z) is then
 * bit for bit what 1 / (1 + sknn_exp_d(−z)) gives, for every z, NaN and ±∞
 * included; it saves the split of 2^k into two halves (a third of the
 * operations after the polynomial). */
static inline double sknn_exp_for_sigmoid_d(double x)
{
    SKNN_CONTRACT
    const double log2e = 1.4426950408889634;
    const double ln2_hi = 6.93147180369123816490e-01;
    const double ln2_lo = 1.90821492927058770002e-10;
    const double shift = 6755399441055744.0;       /* 1.5 * 2^52 */
    double xc = x > 710.0 ? 710.0 : x;            /* k ≤ 1024 */
    xc = xc < -700.0 ? -700.0 : xc;               /* k ≥ −1010 */
    double t = xc * log2e + shift;
    double k = t - shift;
    double r = (xc - k * ln2_hi) - k * ln2_lo;
    double p = 1.0 / 6227020800.0;                 /* 1/13!, as sknn_exp_d */
    p = p * r + 1.0 / 479001600.0;
    p = p * r + 1.0 / 39916800.0;
    p = p * r + 1.0 / 3628800.0;
    p = p * r + 1.0 / 362880.0;
    p = p * r + 1.0 / 40320.0;
    p = p * r + 1.0 / 5040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    uint64_t bits;
    memcpy(&bits, &t, sizeof bits);
    bits = (bits + 1022) << 52;                    /* 2^(k − 1), k − 1 in [−1011, 1023] */
    double scale;
    memcpy(&scale, &bits, sizeof scale);
    double y = (p + p) * scale;
    y = x > 709.782712893384 ? INFINITY : y;
    y = x < -700.0 ? 0.0 : y;
    return x != x ? x : y;
}

static inline float sknn_exp_for_sigmoid_f(float x)
{
    SKNN_CONTRACT
    const float log2e = 1.44269504f;
    const float ln2_hi = 0.693145751953125f;
    const float ln2_lo = 1.428606765330187045e-06f;
    const float shift = 12582912.0f;               /* 1.5 * 2^23 */
    float xc = x > 89.0f ? 89.0f : x;             /* k ≤ 128 */
    xc = xc < -86.0f ? -86.0f : xc;               /* k ≥ −124 */
    float t = xc * log2e + shift;
    float k = t - shift;
    float r = (xc - k * ln2_hi) - k * ln2_lo;
    float p = 1.0f / 5040.0f;                      /* 1/7!, as sknn_exp_f */
    p = p * r + 1.0f / 720.0f;
    p = p * r + 1.0f / 120.0f;
    p = p * r + 1.0f / 24.0f;
    p = p * r + 1.0f / 6.0f;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    uint32_t bits;
    memcpy(&bits, &t, sizeof bits);
    bits = (bits + 126) << 23;                     /* 2^(k − 1), k − 1 in [−125, 127] */
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    float y = (p + p) * scale;
    y = x > 88.72283935546875f ? INFINITY : y;
    y = x < -86.0f ? 0.0f : y;
    return x != x ? x : y;
}

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
