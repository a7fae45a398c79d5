"""What to derive: a network's sizes, activations, loss, layout, bias and reduction, validated.

Specs come from a sizes string with options (`2-4-1 --act tanh,sigmoid --loss bce`) or a TOML file.
Every problem raises SpecError with one sentence that names it.
"""
from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .errors import SpecError
from .render.escape import shell_command
from .safe_expr import refuse_unsafe_text
from .limits import MAX_UNITS, check_network_size  # noqa: F401  (MAX_UNITS: imported from here by others)
from .rules.activations import Activation, Softmax, activation_from_text
from .rules.losses import Loss, loss_from_text

LAYOUTS = ("column", "row")
REDUCTIONS = ("mean", "sum")
DEFAULT_SIZES = "2-2-1"
SPEC_KEYS = {"sizes", "activations", "loss", "layout", "bias", "reduction", "l2", "dropout"}


@dataclass(frozen=True)
class NetworkSpec:
    sizes: tuple[int, ...]  # n_x, n^{[1]}, ..., n^{[L]}
    activations: tuple[Activation | Softmax, ...]  # g^{[1]} ... g^{[L]}
    loss: Loss
    layout: str = "column"
    bias: bool = True
    reduction: str = "mean"
    l2: float | None = None  # lambda of the L2 penalty lambda/(2m) sum_l ||W^{[l]}||_F^2 (see rules/regularization.py)
    dropout: float | None = None  # keep_prob of inverted dropout on every hidden layer

    @property
    def depth(self) -> int:
        """L, the number of layers with weights."""
        return len(self.sizes) - 1

    @property
    def n_inputs(self) -> int:
        return self.sizes[0]

    @property
    def n_outputs(self) -> int:
        return self.sizes[-1]

    @property
    def parameter_count(self) -> int:
        return sum(n * (m + self.bias) for m, n in zip(self.sizes, self.sizes[1:]))

    def command_line(self) -> str:
        """The spec written as CLI arguments, each one shell-quoted; parsing it back gives an equal
        spec. Built from symnn's own names (a custom activation is SymPy's printing of it), never
        from typed text."""
        words = ["-".join(map(str, self.sizes)), "--act", ",".join(a.spec_text for a in self.activations)]
        words += ["--loss", self.loss.name, "--layout", self.layout, "--reduction", self.reduction]
        if not self.bias:
            words.append("--no-bias")
        if self.l2 is not None:
            words += ["--l2", repr(self.l2)]
        if self.dropout is not None:
            words += ["--dropout", repr(self.dropout)]
        return shell_command(words)

    @property
    def slug(self) -> str:
        """A file-name-safe name, e.g. 2-2-1_sigmoid-sigmoid_bce."""
        acts = "-".join(re.sub(r"[^A-Za-z0-9.]+", "", a.spec_text)[:16] or "custom" for a in self.activations)
        extras = ("" if self.layout == "column" else "_row") + ("" if self.bias else "_nobias")
        extras += "" if self.reduction == "mean" else "_sum"
        extras += "" if self.l2 is None else f"_l2-{self.l2!r}"
        extras += "" if self.dropout is None else f"_dropout-{self.dropout!r}"
        return f"{'-'.join(map(str, self.sizes))}_{acts}_{self.loss.name}{extras}"


def parse_sizes(text: str) -> tuple[int, ...]:
    cleaned = text.strip()
    if not re.fullmatch(r"\d+(\s*[-x,]\s*\d+)+", cleaned):
        raise SpecError(f"network sizes {text!r} are not like 2-3-1 (input size, then each layer's units)")
    sizes = tuple(int(s) for s in re.split(r"\s*[-x,]\s*", cleaned))
    for index, size in enumerate(sizes):
        if size == 0:
            what = "the input" if index == 0 else f"layer {index}"
            raise SpecError(f"{what} has size 0; every layer needs at least one unit")
    check_network_size(sizes)
    return sizes


def split_top_level(text: str) -> list[str]:
    """Split on commas that are not inside brackets, so max(0, z) stays one activation."""
    parts, depth, current = [], 0, []
    for ch in text:
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p.strip() for p in parts]


def expand_activations(names: list[str], depth: int) -> list[str]:
    """One name for every layer, 'hidden,output' for deeper nets, or one per layer."""
    if any(not n for n in names):
        raise SpecError("an activation in the list is empty")
    if len(names) == depth:
        return names
    if len(names) == 1:
        return names * depth
    if len(names) == 2 and depth > 2:
        return [names[0]] * (depth - 1) + [names[1]]
    raise SpecError(f"{len(names)} activations given for {depth} layers; give one per layer, one for all, or hidden,output")


def build_spec(
    sizes: str | tuple[int, ...] = DEFAULT_SIZES,
    act: str | list[str] | None = None,
    loss: str | None = None,
    layout: str = "column",
    bias: bool = True,
    reduction: str = "mean",
    l2: float | str | None = None,
    dropout: float | str | None = None,
) -> NetworkSpec:
    _refuse_unsafe_options(sizes=sizes, act=act, loss=loss, layout=layout, reduction=reduction)
    sizes = parse_sizes(sizes) if isinstance(sizes, str) else tuple(sizes)
    check_network_size(sizes)
    if len(sizes) < 2:
        raise SpecError("a network needs an input size and at least one layer, like 2-1")
    depth = len(sizes) - 1
    if act is None:
        names = ["sigmoid"] * depth
        if loss is not None and loss_from_text(loss).name in ("half_se", "mse"):
            names[-1] = "linear"
        if loss is not None and loss_from_text(loss).name == "cce":
            names[-1] = "softmax"
    else:
        names = split_top_level(act) if isinstance(act, str) else list(act)
        names = expand_activations(names, depth)
    activations = tuple(activation_from_text(n) for n in names)
    loss_rule = loss_from_text(loss) if loss is not None else _default_loss(activations[-1])
    if layout not in LAYOUTS:
        raise SpecError(f"layout must be column or row, got {layout!r}")
    if reduction not in REDUCTIONS:
        raise SpecError(f"reduction must be mean or sum, got {reduction!r}")
    l2, dropout = regularization_options(l2, dropout, depth)
    spec = NetworkSpec(sizes, activations, loss_rule, layout, bool(bias), reduction, l2, dropout)
    validate(spec)
    return spec


def _refuse_unsafe_options(**options) -> None:
    """Every text option is refused, with one line, when it holds a comment character or a control
    character, rather than stripped of it (`sigmoid\n` is not quietly read as sigmoid)."""
    for key, value in options.items():
        for item in value if isinstance(value, (list, tuple)) and key == "act" else [value]:
            if item is None or (key == "sizes" and not isinstance(item, str)):
                continue
            if not isinstance(item, str):
                raise SpecError(f"{'activations' if key == 'act' else key} must be text, got {type(item).__name__}")
            refuse_unsafe_text(item, f"the {'activation' if key == 'act' else key} {item!r}", SpecError)


def _number(value, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise SpecError(f"{what} must be a number, got {value!r}")
    if isinstance(value, str):
        refuse_unsafe_text(value, f"{what} {value!r}", SpecError)
    try:
        number = float(value)
    except ValueError:
        if isinstance(value, str) and "," in value:
            raise SpecError(f"{what} takes one number (one keep_prob for every hidden layer, as in the course), "
                            f"got {value!r}") from None
        raise SpecError(f"{what} must be a number, got {value!r}") from None
    if not math.isfinite(number):
        raise SpecError(f"{what} must be a finite number, got {value!r}")
    return number


def regularization_options(l2, dropout, depth: int) -> tuple[float | None, float | None]:
    """--l2 LAMBDA (lambda >= 0) and --dropout KEEP_PROB (0 < keep_prob <= 1, hidden layers only)."""
    if l2 is not None:
        l2 = _number(l2, "--l2 (lambda)")
        if l2 < 0:
            raise SpecError(f"--l2 (lambda) must be 0 or more, got {l2!r}")
    if dropout is not None:
        dropout = _number(dropout, "--dropout (keep_prob)")
        if not 0 < dropout <= 1:
            raise SpecError(f"--dropout is the probability of keeping a unit: more than 0 and at most 1, got {dropout!r}")
        if depth < 2:
            raise SpecError("--dropout applies to hidden layers, and this network has none")
    return l2, dropout


def _default_loss(output: Activation | Softmax) -> Loss:
    if isinstance(output, Softmax):
        return loss_from_text("cce")
    if output.name == "sigmoid":
        return loss_from_text("bce")
    return loss_from_text("half_se")


def validate(spec: NetworkSpec) -> None:
    for layer, activation in enumerate(spec.activations, start=1):
        if isinstance(activation, Softmax) and layer != spec.depth:
            raise SpecError(f"softmax is only allowed on the output layer, not layer {layer}")
    output = spec.activations[-1]
    if isinstance(output, Softmax) and spec.n_outputs < 2:
        raise SpecError(f"softmax needs at least 2 output units (layer {spec.depth} has 1); use sigmoid for one unit")
    if spec.loss.needs_one_hot and spec.n_outputs < 2:
        raise SpecError("categorical cross-entropy needs at least 2 output units; use bce for one unit")
    if spec.loss.needs_unit_interval and not output.custom and output.name not in ("sigmoid", "softmax"):
        raise SpecError(
            f"{spec.loss.title} needs outputs in (0, 1), which the {output.name} output layer does not guarantee; "
            "use sigmoid or softmax on the output layer"
        )
    if spec.loss.needs_unit_interval and output.custom:
        from .rules.activations import z
        from .rules.domain import outside_unit_interval

        found = outside_unit_interval(output.forward, z)
        if found:
            raise SpecError(
                f"{spec.loss.title} needs outputs in (0, 1), and the output activation {output.name} is "
                f"{found[1]:.4g} at z = {found[0]:g}; use sigmoid or softmax on the output layer, or one whose values lie in [0, 1]"
            )


MAX_SPEC_BYTES = 64 << 10


def load_spec_file(path: str | Path, **overrides) -> NetworkSpec:
    """A TOML spec file; options given on the command line override its values."""
    path = Path(path)
    if not path.is_file():
        raise SpecError(f"spec file {str(path)!r} not found")
    with path.open("rb") as handle:  # a spec is a few lines: read no more than MAX_SPEC_BYTES
        content = handle.read(MAX_SPEC_BYTES + 1)
    if len(content) > MAX_SPEC_BYTES:
        raise SpecError(f"spec file {str(path)!r} is larger than {MAX_SPEC_BYTES >> 10} KB; a spec is a few lines")
    try:
        data = tomllib.loads(content.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SpecError(f"spec file {str(path)!r} is not valid TOML: {exc}") from None
    unknown = set(data) - SPEC_KEYS
    if unknown:
        raise SpecError(f"spec file {str(path)!r} has unknown keys: {', '.join(sorted(unknown))} (known: {', '.join(sorted(SPEC_KEYS))})")
    if "sizes" not in data:
        raise SpecError(f"spec file {str(path)!r} has no sizes (e.g. sizes = [2, 3, 1])")
    values = dict(data)
    if isinstance(values["sizes"], list):
        if not all(isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in values["sizes"]):
            raise SpecError("sizes in the spec file must be a list of whole numbers")
        values["sizes"] = "-".join(map(str, values["sizes"]))
    if "activations" in values:
        acts = values.pop("activations")
        values["act"] = acts if isinstance(acts, list) else str(acts)
    for key, expected in (("bias", bool), ("loss", str), ("layout", str), ("reduction", str), ("sizes", str)):
        if key in values and not isinstance(values[key], expected):
            raise SpecError(f"{key} in the spec file must be {'true or false' if expected is bool else 'text'}")
    for key in ("l2", "dropout"):
        if key in values and (isinstance(values[key], bool) or not isinstance(values[key], (int, float))):
            raise SpecError(f"{key} in the spec file must be a number, e.g. {key} = {0.7 if key == 'l2' else 0.86}")
    values.update({k: v for k, v in overrides.items() if v is not None})
    return build_spec(**values)


def looks_like_file(text: str) -> bool:
    return text.endswith(".toml") or "/" in text or Path(text).is_file()


def parse_spec(text: str = DEFAULT_SIZES, **options) -> NetworkSpec:
    """A sizes string or a TOML path, with options (act, loss, layout, bias, reduction, l2, dropout)."""
    if looks_like_file(text):
        return load_spec_file(text, **options)
    return build_spec(text, **{k: v for k, v in options.items() if v is not None})
