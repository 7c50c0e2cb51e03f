"""The test run computes as every processor can: NumPy's AVX-512 kernels are off (the
root conftest.py says why), in this process and in the kernels nbval starts."""

import os
import subprocess
import sys

AVX512 = ("X86_V4", "AVX512_ICL", "AVX512_SPR")  # NumPy's names
FOUND = "from numpy._core._multiarray_umath import __cpu_features__ as found"


def test_numpy_runs_without_avx512_kernels_here_and_in_child_processes():
    assert set(AVX512) <= set(os.environ["NPY_DISABLE_CPU_FEATURES"].split())
    from numpy._core._multiarray_umath import __cpu_features__ as found

    assert not any(found.get(name) for name in AVX512)
    # a notebook kernel is a child process: it inherits the setting
    names = ", ".join(repr(name) for name in AVX512)
    check = f"{FOUND}; print(any(found.get(name) for name in ({names})))"
    child = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, check=True
    )
    assert child.stdout.strip() == "False"
