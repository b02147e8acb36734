"""Records what the pinned Keras gives for every layer case of reference-layers/ (generate-layers.py) when the file
sets a global dtype policy first: `keras.config.set_dtype_policy(<policy>)` right after `import keras`, the rest of
the case's source unchanged. For each case and policy: the model's output dtypes and parameter count, or the error
Keras raises. test/conformance/layer-policies.test.ts compares Tensor Lens with them.

    python test/conformance/generate-policy-dtypes.py          # rewrite reference-layers/policies.json
    python test/conformance/generate-policy-dtypes.py --check  # exit 1 when the committed file differs
    python test/conformance/generate-policy-dtypes.py --check --sample 60  # the same for an even subset of the cases

Nothing is chosen per case: the cases are all of reference-layers/ that Keras accepted, the policies the list below
(mixed precision, whose variables stay float32, and a plain policy other than float32).
"""

import argparse
import glob
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE_DIR = os.path.join(HERE, "reference-layers")
OUTPUT = os.path.join(REFERENCE_DIR, "policies.json")
POLICIES = ["mixed_float16", "float64"]
PREAMBLE = "import keras\n"

for key, value in {
    "KERAS_BACKEND": "jax",
    "JAX_PLATFORMS": "cpu",
    "CUDA_VISIBLE_DEVICES": "",
    "TF_CPP_MIN_LOG_LEVEL": "3",
}.items():
    os.environ[key] = value


def policy_source(source, policy):
    """The case's source with the policy set after its import, as layer-policies.test.ts builds it too."""
    assert source.startswith(PREAMBLE), source
    return f"{PREAMBLE}keras.config.set_dtype_policy({policy!r})\n{source[len(PREAMBLE):]}"


def record(source):
    import keras

    keras.utils.clear_session()
    keras.config.set_dtype_policy("float32")
    namespace = {}
    try:
        exec(compile(source, "<case>", "exec"), namespace)
    except Exception as error:
        return {"error": f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"}
    finally:
        keras.config.set_dtype_policy("float32")
    model = namespace["model"]
    outputs = model.outputs
    return {"dtypes": [keras.backend.standardize_dtype(t.dtype) for t in outputs], "params": int(model.count_params())}


def generate(sample=None):
    import keras

    cases = {}
    paths = sorted(glob.glob(os.path.join(REFERENCE_DIR, "*", "*", "case.json")))
    if sample:
        paths = paths[:: max(1, len(paths) // sample)]
    for path in paths:
        with open(path) as f:
            case = json.load(f)
        if "error" in case or "source" not in case:
            continue
        cases[case["id"]] = {policy: record(policy_source(case["source"], policy)) for policy in POLICIES}
    return {"keras": keras.__version__, "policies": POLICIES, "cases": cases}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--sample", type=int, help="with --check: regenerate about this many cases, evenly spread")
    args = parser.parse_args()
    result = generate(args.sample if args.check else None)
    text = json.dumps(result, indent=1, sort_keys=True) + "\n"
    if args.check:
        with open(OUTPUT) as f:
            committed = json.load(f)
        drifted = [case for case, record in result["cases"].items() if committed["cases"].get(case) != record]
        if drifted or committed["keras"] != result["keras"] or committed["policies"] != result["policies"]:
            print(f"policies.json drifted from the pinned Keras ({', '.join(drifted[:10]) or 'its header'}): "
                  "run test/conformance/generate-policy-dtypes.py")
            sys.exit(1)
        print(f"policies.json: no drift ({len(result['cases'])} cases regenerated)")
        return
    with open(OUTPUT, "w") as f:
        f.write(text)
    print(f"wrote {OUTPUT}: {len(result['cases'])} cases x {len(POLICIES)} policies")


if __name__ == "__main__":
    main()
