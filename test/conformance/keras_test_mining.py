"""What the two miners of Keras's own tests share (mine-keras-layer-tests.py, mine-keras-ops-tests.py, and their
pytest recorders): the environment pytest runs Keras in, its arguments, a collection error in one line, and the
committed JSON's layout.
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def prepare_environment():
    """Keras on JAX, on one CPU core (the machine is shared), nothing written into site-packages."""
    os.environ["KERAS_BACKEND"] = "jax"
    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")
    sys.dont_write_bytecode = True
    sys.path.insert(0, HERE)


def pytest_arguments(files, site_packages, verbose):
    """Keras's test files as their own root, without pytest's cache, plugins that reorder, or its assertion rewriting."""
    arguments = [
        *files,
        "-p",
        "no:cacheprovider",
        "-p",
        "no:randomly",
        "--rootdir",
        site_packages,
        "-c",
        os.devnull,
        "--assert=plain",
        "-W",
        "ignore",
        "--continue-on-collection-errors",
    ]
    return arguments + (["-q", "--tb=short", "--no-header"] if verbose else ["-p", "no:terminal"])


def collection_error(report):
    """A failed collection of a test file: the file and the last `E` line of the report (its error)."""
    text = str(report.longrepr)
    lines = [line for line in text.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("E ")]
    reason = errors[-1][2:].strip() if errors else (lines[-1] if lines else text)
    return {"file": report.nodeid.split("::")[0], "reason": reason[:500]}


def prettier(path):
    """Formats the file as the repository's `prettier --check` wants it, when the repository's prettier is installed."""
    binary = os.path.join(HERE, "..", "..", "node_modules", ".bin", "prettier")
    if not os.path.exists(binary):
        print(f"note: {binary} not found: format the output with `npx prettier --write {os.path.relpath(path)}`")
        return
    subprocess.run([binary, "--write", "--log-level", "warn", path], check=True)


def dump(document):
    """JSON with one line per case (and per file, per test without cases): small diffs, one case per line."""
    parts = []
    for key, value in document.items():
        if isinstance(value, list):
            items = ",\n".join("  " + json.dumps(item) for item in value)
            parts.append(f"{json.dumps(key)}: [\n{items}\n ]" if value else f"{json.dumps(key)}: []")
        else:
            parts.append(f"{json.dumps(key)}: {json.dumps(value)}")
    return "{\n " + ",\n ".join(parts) + "\n}\n"
