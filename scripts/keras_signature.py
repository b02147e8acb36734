"""A Python callable's parameters as the registry's signature files hold them (signatures.json, ops/ops.json): in
order, each positional or keyword with its default (`required` when it has none), `*args` and `**kwargs` by kind.
Used by scripts/generate-keras-signatures.py and scripts/generate-keras-ops.py.
"""
import inspect


def literal(value):
    if value is inspect.Parameter.empty:
        return {"required": True}
    if isinstance(value, tuple):
        return {"default": list(value)}
    if value is None or isinstance(value, (bool, int, float, str)):
        return {"default": value}
    return {"default": repr(value)}


def describe_parameters(fn):
    out = []
    for p in inspect.signature(fn).parameters.values():
        if p.name == "self":
            continue
        if p.kind == p.VAR_POSITIONAL:
            out.append({"name": p.name, "kind": "*"})
        elif p.kind == p.VAR_KEYWORD:
            out.append({"name": p.name, "kind": "**"})
        else:
            out.append({"name": p.name, "kind": "keyword" if p.kind == p.KEYWORD_ONLY else "positional", **literal(p.default)})
    return out
