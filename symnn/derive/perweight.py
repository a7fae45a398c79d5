"""Per-weight backpropagation: each parameter's chain-rule factors and its closed form.

Deltas dL/dz^{[l]}_j are derived once, from the output layer down, and reused by every parameter
that needs them (the seeds' "store the derivatives for reuse"); closed forms are built from
SymPy-simplified factors, never by simplifying an expanded loss (which takes minutes).

A closed form written out in the inputs, weights and unit values alone has one term per path to the
output, so its size grows exponentially with depth (2-2-...-2). Each delta's closed form is written
out only while it stays under MAX_CLOSED_FORM_SIZE nodes; past that it is written through the next
layer's delta symbols, whose own closed forms are given once (a DAG of deltas). The derivation is
then linear in depth and in the number of parameters.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import sympy as sp

from ..limits import check_derivable
from ..notation import Notation, layer_symbol
from ..rules.activations import Softmax
from ..rules.fused import fused_output_gradient
from ..spec import NetworkSpec

LOSS = sp.Symbol("L")
MAX_CLOSED_FORM_SIZE = 600  # nodes of a delta's written-out closed form; larger ones go through deltas


@dataclass(frozen=True)
class ChainFactor:
    """d(of)/d(wrt) with its value: a scalar, or a matrix (Jacobian) where several paths meet."""

    of: sp.Symbol
    wrt: sp.Symbol
    value: sp.Expr | sp.ImmutableMatrix

    @property
    def shape(self) -> tuple[int, int]:
        return self.value.shape if isinstance(self.value, sp.MatrixBase) else (1, 1)


@dataclass(frozen=True)
class Delta:
    """delta^{[l]}_j = dL/dz^{[l]}_j: its recursion through the next layer and its closed form."""

    layer: int
    unit: int
    symbol: sp.Symbol
    recursion: sp.Expr  # in the next layer's delta symbols (the output layer: the fused gradient)
    closed_form: sp.Expr  # in the unit values alone when `expanded`, else also in later layers' deltas
    size: int = 0  # nodes of closed_form's expression tree
    expanded: bool = True
    derivation: "NetworkDerivation | None" = field(default=None, compare=False, repr=False)  # for display in its notation


@dataclass(frozen=True)
class ParameterGradient:
    parameter: sp.Symbol
    kind: str  # "weight" or "bias"
    layer: int
    unit: int  # j: the unit the parameter feeds
    source: int | None  # k: the unit of the layer before (None for a bias)
    factors: tuple[ChainFactor, ...]
    delta_form: sp.Expr  # delta^{[l]}_j a^{[l-1]}_k
    closed_form: sp.Expr
    expanded: bool = True  # closed_form in the unit values alone (False: also in later layers' deltas)
    derivation: "NetworkDerivation | None" = field(default=None, compare=False, repr=False)  # for display in its notation

    def chain_product(self) -> sp.Expr:
        """The factors multiplied out in order (equal to the closed form)."""
        product = sp.Integer(1)
        for factor in self.factors:
            product = product * factor.value
        return product[0, 0] if isinstance(product, sp.MatrixBase) else product


@dataclass
class NetworkDerivation:
    spec: NetworkSpec
    notation: Notation = field(init=False)

    def __post_init__(self):
        check_derivable(self.spec.sizes)  # before any work: a one-line refusal, never minutes
        self.notation = Notation(self.spec)

    # --- forward pass (per example) ---
    def units(self, layer: int) -> range:
        return range(1, self.spec.sizes[layer] + 1)

    def activation(self, layer: int):
        return self.spec.activations[layer - 1]

    def preactivation(self, layer: int, j: int) -> sp.Expr:
        """z^{[l]}_j = sum_k w^{[l]}_{jk} a^{[l-1]}_k (+ b^{[l]}_j)."""
        n = self.notation
        total = sp.Add(*[n.w(layer, j, k) * self.kept(layer - 1, k) for k in self.units(layer - 1)])  # one flatten
        return total + n.b(layer, j) if self.spec.bias else total

    # --- dropout's hooks (derive/regularization.py masks hidden units; here every unit is kept) ---
    def keep_factor(self, layer: int, j: int) -> sp.Expr:
        """What multiplies a^{[l]}_j where the next layer reads it: 1 here, d^{[l]}_j / p under dropout."""
        return sp.Integer(1)

    def kept(self, layer: int, j: int) -> sp.Expr:
        """a^{[l]}_j as the next layer reads it."""
        return self.notation.a(layer, j) * self.keep_factor(layer, j)

    def constants(self) -> dict:
        """Values of the symbols that are neither parameters, inputs nor targets (dropout's mask and
        keep_prob), for numeric checks; none here."""
        return {}

    def output_of(self, layer: int, j: int) -> sp.Expr:
        """a^{[l]}_j in terms of the layer's z symbols."""
        n = self.notation
        activation = self.activation(layer)
        if isinstance(activation, Softmax):
            return activation.forward_vector([n.z(layer, i) for i in self.units(layer)])[j - 1]
        return activation.apply(n.z(layer, j))

    @cached_property
    def outputs(self) -> list[sp.Symbol]:
        return [self.notation.a(self.spec.depth, j) for j in self.units(self.spec.depth)]

    @cached_property
    def targets(self) -> list[sp.Symbol]:
        return [self.notation.y(j) for j in self.units(self.spec.depth)]

    @cached_property
    def loss(self) -> sp.Expr:
        """L(a^{[L]}, y) for one example."""
        return self.spec.loss.total(self.outputs, self.targets)

    # --- activation derivatives, in the unit's own symbols ---
    def activation_derivative(self, layer: int, j: int) -> sp.Expr:
        key = (layer, j)
        if key not in self._unit_cache:
            n = self.notation
            self._unit_cache[key] = self.activation(layer).derivative_at(n.a(layer, j), n.z(layer, j))
        return self._unit_cache[key]

    @cached_property
    def _unit_cache(self) -> dict:
        """Per-unit results asked for by every parameter of the unit: derived once (a listing of 100,000
        parameters would otherwise rebuild them 100,000 times)."""
        return {}

    # --- chain-rule factors ---
    @cached_property
    def loss_gradient(self) -> list[sp.Expr]:
        """dL/da^{[L]}_j for each output unit."""
        derivative = self.spec.loss.derivative
        a, y = sp.Symbol("a"), sp.Symbol("y")
        return [derivative.xreplace({a: aj, y: yj}) for aj, yj in zip(self.outputs, self.targets)]

    def activation_jacobian(self, layer: int) -> sp.ImmutableMatrix:
        """da^{[l]}/dz^{[l]}: diagonal for element-wise activations, full for softmax (derived once
        per layer: every parameter below asks for it)."""
        if layer not in self._jacobians:
            self._jacobians[layer] = self._derive_activation_jacobian(layer)
        return self._jacobians[layer]

    @cached_property
    def _jacobians(self) -> dict[int, sp.ImmutableMatrix]:
        return {}

    def _derive_activation_jacobian(self, layer: int) -> sp.ImmutableMatrix:
        n = self.notation
        activation = self.activation(layer)
        if isinstance(activation, Softmax):
            return sp.ImmutableMatrix(activation.jacobian_in_output(
                [n.a(layer, j) for j in self.units(layer)], [n.z(layer, j) for j in self.units(layer)]))
        width = self.spec.sizes[layer]  # sparse: a dense diag of a wide layer costs seconds in SymPy
        return sp.ImmutableSparseMatrix(width, width, {(j - 1, j - 1): self.activation_derivative(layer, j) for j in self.units(layer)})

    def linear_jacobian(self, layer: int) -> sp.ImmutableMatrix:
        """dz^{[l]}/da^{[l-1]}: entry (j, k) is the weight into j from k (built once per layer)."""
        if layer not in self._linear_jacobians:
            n = self.notation
            self._linear_jacobians[layer] = sp.ImmutableMatrix(
                [[n.w(layer, j, k) * self.keep_factor(layer - 1, k) for k in self.units(layer - 1)] for j in self.units(layer)])
        return self._linear_jacobians[layer]

    @cached_property
    def _linear_jacobians(self) -> dict[int, sp.ImmutableMatrix]:
        return {}

    @cached_property
    def _upstream(self) -> dict[int, tuple[ChainFactor, ...]]:
        """Factors from L down to da^{[l]}/dz^{[l]} of the whole layer, shared by its parameters."""
        depth = self.spec.depth
        a_vec, z_vec = (lambda l: self._layer_quantity("a", l)), (lambda l: self._layer_quantity("z", l))
        chain = (
            ChainFactor(LOSS, a_vec(depth), _scalar_or_matrix(sp.ImmutableMatrix([self.loss_gradient]))),
            ChainFactor(a_vec(depth), z_vec(depth), _scalar_or_matrix(self.activation_jacobian(depth))),
        )
        upstream = {depth: chain}
        for layer in range(depth - 1, 0, -1):
            chain = chain + (
                ChainFactor(z_vec(layer + 1), a_vec(layer), _scalar_or_matrix(self.linear_jacobian(layer + 1))),
                ChainFactor(a_vec(layer), z_vec(layer), _scalar_or_matrix(self.activation_jacobian(layer))),
            )
            upstream[layer] = chain
        return upstream

    def _layer_quantity(self, name: str, layer: int) -> sp.Symbol:
        """The whole layer's a or z; for a one-unit layer, that unit's own symbol."""
        if self.spec.sizes[layer] == 1:
            return getattr(self.notation, name)(layer, 1)
        return layer_symbol(name, layer)

    def chain_factors(self, layer: int, j: int, source: int | None) -> tuple[ChainFactor, ...]:
        """dL/da^{[L]}, da^{[L]}/dz^{[L]}, dz^{[L]}/da^{[L-1]}, ..., dz^{[l]}_j/d(parameter)."""
        return self.shared_factors(layer) + self.unit_factors(layer, j) + (self.local_factor(layer, j, source),)

    def shared_factors(self, layer: int) -> tuple[ChainFactor, ...]:
        """The factors every parameter of `layer` shares (from L down to the next layer's z)."""
        depth = self.spec.depth
        if layer == depth:
            return () if self.activation(depth).elementwise else self._upstream[depth][:1]
        return self._upstream[layer + 1]

    def unit_factors(self, layer: int, j: int) -> tuple[ChainFactor, ...]:
        """The factors that depend on the unit j the parameter feeds, but not on its source k."""
        key = ("factors", layer, j)
        if key not in self._unit_cache:
            self._unit_cache[key] = self._unit_factors(layer, j)
        return self._unit_cache[key]

    def _unit_factors(self, layer: int, j: int) -> tuple[ChainFactor, ...]:
        n = self.notation
        depth = self.spec.depth
        a_j, z_j = n.a(layer, j), n.z(layer, j)
        if layer == depth:
            if self.activation(depth).elementwise:
                return (
                    ChainFactor(LOSS, a_j, self.loss_gradient[j - 1]),
                    ChainFactor(a_j, z_j, self.activation_derivative(depth, j)),
                )
            column = self.activation_jacobian(depth)[:, j - 1]
            return (ChainFactor(self._layer_quantity("a", depth), z_j, _scalar_or_matrix(column)),)
        column = self.linear_jacobian(layer + 1)[:, j - 1]
        return (
            ChainFactor(self._layer_quantity("z", layer + 1), a_j, _scalar_or_matrix(column)),
            ChainFactor(a_j, z_j, self.activation_derivative(layer, j)),
        )

    def local_factor(self, layer: int, j: int, source: int | None) -> ChainFactor:
        """dz^{[l]}_j / d(parameter): a^{[l-1]}_k for a weight, 1 for a bias."""
        n = self.notation
        parameter = n.b(layer, j) if source is None else n.w(layer, j, source)
        z_j = self._symbol("z", layer, j)
        return ChainFactor(z_j, parameter, sp.Integer(1) if source is None else self._kept(layer - 1, source))

    def _kept(self, layer: int, unit: int) -> sp.Expr:
        """`kept`, remembered per unit (a listing asks for it once per parameter)."""
        key = ("kept", layer, unit)
        if key not in self._unit_cache:
            self._unit_cache[key] = self.kept(layer, unit)
        return self._unit_cache[key]

    def _symbol(self, kind: str, layer: int, unit: int) -> sp.Symbol:
        """n.z / n.a, remembered: a listing asks for the same few thousand symbols 100,000 times."""
        key = (kind, layer, unit)
        if key not in self._unit_cache:
            self._unit_cache[key] = getattr(self.notation, kind)(layer, unit)
        return self._unit_cache[key]

    # --- deltas, derived once and reused ---
    @cached_property
    def deltas(self) -> dict[int, list[Delta]]:
        n = self.notation
        depth = self.spec.depth
        fused = fused_output_gradient(
            self.activation(depth), self.spec.loss, self.outputs,
            [n.z(depth, j) for j in self.units(depth)], self.targets,
        )
        deltas = {depth: [Delta(depth, j, n.delta(depth, j), fused[j - 1], fused[j - 1], _tree_size(fused[j - 1]), derivation=self)
                          for j in self.units(depth)]}
        for layer in range(depth - 1, 0, -1):
            below = deltas[layer + 1]
            below_size = sum(d.size + 2 for d in below)  # an upper bound of the written-out sum's size
            row = []
            for j in self.units(layer):
                derivative = self.activation_derivative(layer, j)
                weights = [n.w(layer + 1, i.unit, j) for i in below]
                local = derivative * self.keep_factor(layer, j)
                recursion = local * sp.Add(*[w * d.symbol for w, d in zip(weights, below)])  # one flatten, not n
                if _tree_size(local) + below_size <= MAX_CLOSED_FORM_SIZE:
                    closed = local * _weighted_sum_with_common_factors_out(weights, [d.closed_form for d in below])
                    row.append(Delta(layer, j, n.delta(layer, j), recursion, closed, _tree_size(closed),
                                     all(d.expanded for d in below), derivation=self))
                else:  # written out it would repeat every path below: go through the next layer's deltas
                    row.append(Delta(layer, j, n.delta(layer, j), recursion, recursion, _tree_size(recursion), False, derivation=self))
            deltas[layer] = row
        return deltas

    def delta_values(self, values: dict) -> dict:
        """Every delta's number at one example (`values`: the forward pass), from the output down, so
        closed forms written through deltas can be evaluated."""
        out = dict(values)
        for layer in sorted(self.deltas, reverse=True):
            for d in self.deltas[layer]:
                out[d.symbol] = d.closed_form.xreplace(out)
        return out

    # --- gradients ---
    def gradient(self, layer: int | str, j: int | None = None, source: int | None = None) -> ParameterGradient:
        """dL/dw^{[l]}_{j,source} (or dL/db^{[l]}_j when source is None) for one example; `layer` may
        instead be a parameter's name: `gradient("w1_1_2")`, `gradient("w^{[1]}_{12}")`, `gradient("b2_1")`.
        A position or name this network lacks raises a SymnnError (a KeyError or IndexError) saying what exists."""
        sizes = self.spec.sizes
        if not (type(layer) is int and 0 < layer < len(sizes) and type(j) is int and 0 < j <= sizes[layer]
                and (type(source) is int and 0 < source <= sizes[layer - 1] or source is None and self.spec.bias)):
            layer, j, source = self._position(layer, j, source)  # a name, or a clear error (the fast test above is per call)
        n = self.notation
        delta = self.deltas[layer][j - 1]
        upstream_input = sp.Integer(1) if source is None else self.kept(layer - 1, source)
        return ParameterGradient(
            parameter=n.b(layer, j) if source is None else n.w(layer, j, source),
            kind="bias" if source is None else "weight",
            layer=layer,
            unit=j,
            source=source,
            factors=self.chain_factors(layer, j, source),
            delta_form=delta.symbol * upstream_input,
            closed_form=delta.closed_form * upstream_input,
            expanded=delta.expanded,
            derivation=self,
        )

    def _position(self, layer, j, source) -> tuple[int, int, int | None]:
        from ..lookup import checked_position, parameter_position

        if isinstance(layer, str):
            if j is not None or source is not None:
                raise TypeError("gradient(name) takes the name alone, e.g. gradient('w1_1_2'), or gradient(layer, j, k)")
            return parameter_position(self, layer)
        return checked_position(self, layer, j, source)

    def parameters(self):
        """(layer, j, k) for every parameter, in the course's order: W1, b1, W2, b2, ... row by row."""
        n = self.notation
        for layer in range(1, self.spec.depth + 1):
            cells = [(j, k) for j in self.units(layer) for k in self.units(layer - 1)]
            for row, column in sorted(n.weight_position(j, k) for j, k in cells):
                j, k = (row, column) if self.spec.layout == "column" else (column, row)
                yield layer, j, k
            if self.spec.bias:
                for j in self.units(layer):
                    yield layer, j, None

    def gradients(self) -> list[ParameterGradient]:
        return [self.gradient(*p) for p in self.parameters()]

    def representative_gradients(self) -> list[ParameterGradient]:
        """One weight (and bias) per layer: what a sheet shows for networks too large to list."""
        chosen = []
        for layer in range(1, self.spec.depth + 1):
            chosen.append(self.gradient(layer, 1, 1))
            if self.spec.bias:
                chosen.append(self.gradient(layer, 1, None))
        return chosen

    @property
    def reduction_factor(self) -> sp.Expr:
        """dJ/dtheta = factor * sum_i dL^{(i)}/dtheta: 1/m for the mean, 1 for the sum."""
        return 1 / sp.Symbol("m") if self.spec.reduction == "mean" else sp.Integer(1)


def _weighted_sum_with_common_factors_out(weights, terms) -> sp.Expr:
    """sum_i w_i t_i with the factors every t_i shares written once in front, e.g. (a^{[3]} - y) for
    a single-output net: cheap and exact (SymPy's factor_terms does the same but costs ~100x more)."""
    factor_sets = [set(sp.Mul.make_args(t)) for t in terms]
    common = set.intersection(*factor_sets) if factor_sets else set()
    common = {f for f in common if not f.is_Number}
    rest = [sp.Mul(*[f for f in sp.Mul.make_args(t) if f not in common]) for t in terms]
    return sp.Mul(*common) * sp.Add(*[w * r for w, r in zip(weights, rest)])


def _tree_size(expression) -> int:
    """Nodes of the expression tree as printed (shared subtrees counted every time they appear)."""
    return sum(1 for _ in sp.preorder_traversal(expression))


def _scalar_or_matrix(matrix: sp.ImmutableMatrix):
    return matrix[0, 0] if matrix.shape == (1, 1) else matrix


def derive_network(spec: NetworkSpec) -> NetworkDerivation:
    if spec.dropout is not None:
        from .regularization import DropoutDerivation

        return DropoutDerivation(spec)
    return NetworkDerivation(spec)
