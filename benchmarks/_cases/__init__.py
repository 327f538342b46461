"""The cases of ``benchmarks/bench.py``, one module each (the command line is there).

- :mod:`.common`: cases A, B and C's data, the shared hyperparameters, the timer;
- :mod:`.floors`: the GEMM floor, the BLAS floor and the flat numpy loop;
- :mod:`.training`: cases A, B and C, training time per epoch;
- :mod:`.prediction`: case D, prediction throughput;
- :mod:`.scaling`: case E, time per row as n grows;
- :mod:`.memory`: case F, peak and streaming memory (in subprocesses);
- :mod:`.array_api`: case G, the kernel against torch on the CPU and a GPU;
- :mod:`.threads`: case H, GridSearchCV on two threads;
- :mod:`.report`: the machine's description and ``docs/benchmarks.rst``.
"""

# SPDX-License-Identifier: BSD-3-Clause
