"""The test run computes as every processor can: NumPy's AVX-512 kernels are off (the
root conftest.py says why), in this process and in the kernels nbval starts."""

import json
import os
import subprocess
import sys

from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__

from maxent_tutorial.results import machine

AVX512 = ("X86_V4", "AVX512_ICL", "AVX512_SPR")  # NumPy's names
# what a record says of NumPy (results.machine), as a child process sees it
CHILD = (
    "import json; from maxent_tutorial.results import machine; m = machine(); "
    "print(json.dumps([m['numpy_features_off'], m['vector_instructions']['numpy']]))"
)


def test_numpy_runs_without_avx512_kernels_here_and_in_child_processes():
    # NumPy ignores a name it does not know (with a warning Python hides): every name
    # set must be one of its dispatch targets, so a renamed target fails here
    features_off = os.environ["NPY_DISABLE_CPU_FEATURES"]
    assert set(AVX512) <= set(features_off.split()) <= set(__cpu_dispatch__)
    assert not any(__cpu_features__.get(name) for name in AVX512)
    exp_kernel = machine()["vector_instructions"]["numpy"]  # float64 exp's
    assert exp_kernel not in (*AVX512, "unknown")
    # a notebook kernel is a child process: it inherits the setting
    child = subprocess.run(
        [sys.executable, "-c", CHILD], capture_output=True, text=True, check=True
    )
    assert json.loads(child.stdout) == [features_off, exp_kernel]
