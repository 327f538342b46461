/* e^x and the sigmoid over contiguous arrays, for sknn/_sgd_fast.pyx.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SKNN_FASTEXP_H
#define SKNN_FASTEXP_H

#include <math.h>
#include <stddef.h>

static inline void sknn_exp_inplace_d(double *x, ptrdiff_t n)
{
    for (ptrdiff_t k = 0; k < n; k++)
        x[k] = exp(x[k]);
}

static inline void sknn_exp_inplace_f(float *x, ptrdiff_t n)
{
    for (ptrdiff_t k = 0; k < n; k++)
        x[k] = expf(x[k]);
}

/* Z <- 1 / (1 + e^-(Z + b)) row by row (b may be NULL). */
static inline void sknn_sigmoid_bias_d(double *Z, const double *b, ptrdiff_t rows, ptrdiff_t cols)
{
    for (ptrdiff_t i = 0; i < rows; i++) {
        double *z = Z + i * cols;
        for (ptrdiff_t j = 0; j < cols; j++)
            z[j] = 1.0 / (1.0 + exp(-(b ? z[j] + b[j] : z[j])));
    }
}

static inline void sknn_sigmoid_bias_f(float *Z, const float *b, ptrdiff_t rows, ptrdiff_t cols)
{
    for (ptrdiff_t i = 0; i < rows; i++) {
        float *z = Z + i * cols;
        for (ptrdiff_t j = 0; j < cols; j++)
            z[j] = 1.0f / (1.0f + expf(-(b ? z[j] + b[j] : z[j])));
    }
}

#endif
