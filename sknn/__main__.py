"""``python -m sknn``: the quick start (see :mod:`sknn.quickstart`, ``--help``)."""

# SPDX-License-Identifier: BSD-3-Clause

from sknn.quickstart import main

if __name__ == "__main__":
    main()
