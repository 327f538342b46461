"""Build of the compiled kernel, sknn._sgd_fast (the rest is in pyproject.toml).

setuptools rather than meson-python: the project is already a setuptools
project (pyproject.toml, ``pip install -e .``), the kernel is one Cython
extension with no dependencies to find beyond scipy's ``cython_blas`` .pxd
(found through the Python path, no library to link), and an editable install
then works with plain pip, without meson-python's rebuild-on-import hook.
"""

# SPDX-License-Identifier: BSD-3-Clause

import os
import tempfile

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

NO_COMPILER = """
scikit-backprop needs a C compiler to build its compiled training kernel
(sknn._sgd_fast), and none worked here ({error}).
Install one and retry, e.g.:
    Debian/Ubuntu:  apt-get install build-essential
    Fedora/RHEL:    dnf install gcc
    macOS:          xcode-select --install
    conda:          conda install -c conda-forge c-compiler
"""


class BuildExt(build_ext):
    """build_ext that first checks the C compiler works and says so if not."""

    def build_extensions(self):
        self._check_compiler()
        for ext in self.extensions:
            if self.compiler.compiler_type == "msvc":
                ext.extra_compile_args = ["/O2", "/fp:precise"]
            else:
                # -O3 for the loops. No -ffast-math: it would let the compiler
                # assume there is no NaN or ∞, which divergence detection relies
                # on. No contraction into FMA, so that every multiply and add
                # rounds as in the numpy reference. -fno-trapping-math only
                # gives up floating-point *traps* (not IEEE results, NaN or ∞):
                # it lets the compiler turn the selects of sknn/_simd.h into
                # vector blends, so that e^x and σ vectorise.
                ext.extra_compile_args = ["-O3", "-ffp-contract=off", "-fno-trapping-math"]
        super().build_extensions()

    def _check_compiler(self):
        with tempfile.TemporaryDirectory() as tmp:
            source = os.path.join(tmp, "probe.c")
            with open(source, "w") as f:
                f.write("int main(void) { return 0; }\n")
            try:
                self.compiler.compile([source], output_dir=tmp)
            except Exception as exc:  # CompileError, or the compiler missing altogether
                raise SystemExit(NO_COMPILER.format(error=exc)) from exc


def extensions():
    from Cython.Build import cythonize

    kernel = Extension("sknn._sgd_fast", ["sknn/_sgd_fast.pyx"], include_dirs=["sknn"])
    return cythonize([kernel], compiler_directives={"language_level": 3})


setup(ext_modules=extensions(), cmdclass={"build_ext": BuildExt})
