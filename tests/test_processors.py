"""The test run computes as every processor can: NumPy's AVX-512 kernels are off (the
root conftest.py says why), in this process and in the kernels nbval starts."""

import os
import subprocess
import sys

from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
from numpy.lib.introspect import opt_func_info

AVX512 = ("X86_V4", "AVX512_ICL", "AVX512_SPR")  # NumPy's names
CHILD = (
    "import os; from numpy.lib.introspect import opt_func_info; "
    "print(os.environ.get('NPY_DISABLE_CPU_FEATURES', '')); "
    "print(opt_func_info('^exp$', 'float64')['exp']['dd']['current'])"
)


def test_numpy_runs_without_avx512_kernels_here_and_in_child_processes():
    # NumPy ignores a name it does not know (with a warning Python hides): every name
    # set must be one of its dispatch targets, so a renamed target fails here
    features_off = os.environ["NPY_DISABLE_CPU_FEATURES"].split()
    assert set(AVX512) <= set(features_off) <= set(__cpu_dispatch__)
    assert not any(__cpu_features__.get(name) for name in AVX512)
    exp_kernel = opt_func_info("^exp$", "float64")["exp"]["dd"]["current"]
    assert exp_kernel not in AVX512
    # a notebook kernel is a child process: it inherits the setting
    child = subprocess.run(
        [sys.executable, "-c", CHILD], capture_output=True, text=True, check=True
    )
    assert child.stdout.split("\n")[:2] == [" ".join(features_off), exp_kernel]
