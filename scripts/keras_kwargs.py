"""The keywords a Keras layer class accepts through its `**kwargs`, read from the source of its `__init__` chain.

A class's `__init__(..., **kwargs)` may pop keywords from them (`rms_scaling = kwargs.pop("rms_scaling", False)`) and
passes the rest on to its parent's `__init__` (`super().__init__(rank=2, **kwargs)`), whose parameters a user may then
give, less those the call gives itself (`rank`: "got multiple values"). The chain ends at an `__init__` without
`**kwargs`, or one that does not pass them on, or at `Layer`, which pops `input_dim` and `input_shape` and raises
"Unrecognized keyword arguments" for any other. Used by scripts/generate-keras-signatures.py (the registry's
signatures) and test/conformance/generate-layers.py (variants of these keywords).
"""
import ast
import inspect
import textwrap


def _tree(cls):
    return ast.parse(textwrap.dedent(inspect.getsource(cls.__init__))).body[0]


def _popped(tree, var):
    """`var.pop("name", default)` / `var.get("name", default)` calls: a keyword-only Parameter each."""
    found = {}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("pop", "get")
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == var
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            default = node.args[1].value if len(node.args) > 1 and isinstance(node.args[1], ast.Constant) else None
            found.setdefault(node.args[0].value, inspect.Parameter(node.args[0].value, inspect.Parameter.KEYWORD_ONLY, default=default))
    return [found[name] for name in sorted(found)]


def _parent_call(tree):
    """The `super().__init__(...)` (or `Parent.__init__(self, ...)`) call of an __init__."""
    return next(
        (n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "__init__"),
        None,
    )


def parameters_through_kwargs(cls):
    """The parameters (name, default) a user may pass through `cls(**kwargs)` without Keras raising, in chain order."""
    chain = [c for c in cls.__mro__ if "__init__" in c.__dict__]
    found, given = [], set()
    for current, parent in zip(chain, chain[1:] + [None]):
        parameters = list(inspect.signature(current.__init__).parameters.values())
        if current is not cls:
            found += [p for p in parameters if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and p.name != "self" and p.name not in given]
        var = next((p.name for p in parameters if p.kind == p.VAR_KEYWORD), None)
        if var is None or parent is None:
            break
        tree = _tree(current)
        found += _popped(tree, var)
        call = _parent_call(tree)
        if call is None or not any(k.arg is None and isinstance(k.value, ast.Name) and k.value.id == var for k in call.keywords):
            break
        positional = [a for a in call.args if not (isinstance(a, ast.Name) and a.id == "self")]
        parent_parameters = [p for p in inspect.signature(parent.__init__).parameters.values() if p.name != "self"]
        given = {k.arg for k in call.keywords if k.arg} | {p.name for p in parent_parameters[: len(positional)]}
    own = set(inspect.signature(cls.__init__).parameters)
    unique = {}
    for p in found:
        if p.name not in own:
            unique.setdefault(p.name, p)
    return list(unique.values())


def layer_keywords(layer_class):
    """The keywords `Layer.__init__` itself takes (name, dtype, trainable, …) and pops (input_dim, input_shape)."""
    parameters = inspect.signature(layer_class.__init__).parameters.values()
    own = [p.name for p in parameters if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and p.name != "self"]
    return set(own) | {p.name for p in _popped(_tree(layer_class), "kwargs")}
