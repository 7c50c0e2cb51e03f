"""Settings for every test run, including the notebook kernels nbval starts (they
inherit the environment).

One thread per process: on small machines two torch threads fight over two cores
(training ran ten times slower under load), and one thread everywhere also keeps the
stored outputs and the re-run ones computed the same way.
"""

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
