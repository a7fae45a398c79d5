"""The Hessian of a small network's cost with respect to all its parameters, derived symbolically.

It starts from the per-weight closed forms dL/dtheta (in the forward symbols a, z, the weights, x
and y), and differentiates each once more with forward-mode sensitivities instead of expanding the
loss: for a parameter phi of layer p,

    dz^{[p]}_j/dphi   = a^{[p-1]}_k (phi = w^{[p]}_{jk}) or 1 (phi = b^{[p]}_j), 0 for the other units,
    dz^{[l]}_i/dphi   = sum_k w^{[l]}_{ik} g'(z^{[l-1]}_k) dz^{[l-1]}_k/dphi        (l > p),
    d(G)/dphi         = dG/dphi + sum_{l,i} (dG/da^{[l]}_i g'(z^{[l]}_i) + dG/dz^{[l]}_i) dz^{[l]}_i/dphi.

A softmax output layer mixes its units: there da^{[L]}_j = a^{[L]}_j (dz_j - sum_i a^{[L]}_i dz_i).
The sensitivities are symbols of their own (computed once per example in the generated code), so
every entry stays small; d^2 J/dtheta dphi = reduction factor * sum over examples.

With --l2 the cost is J = factor (sum_i L^{(i)} + lambda/2 sum of every weight squared): the penalty
is not per example, so its gradient and Hessian (`penalty_gradient`, `penalty_entries`) are SymPy's
diff of that sum, added to the summed per-example ones before the reduction factor (lambda on the
diagonal of every weight, so lambda/m for the mean). Dropout is refused: its masks are random, so
the cost it trains is a different function at every step and has no one Hessian.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import sympy as sp

from ..errors import SpecError
from ..rules.regularization import l2_penalty_term
from .perweight import NetworkDerivation

MAX_PARAMETERS = 60


@dataclass(frozen=True)
class Sensitivity:
    """dz^{[layer]}_unit / d(parameter), as its own symbol with its defining expression."""

    layer: int
    unit: int
    parameter: sp.Symbol
    symbol: sp.Symbol
    value: sp.Expr


@dataclass
class NetworkHessian:
    derivation: NetworkDerivation

    def __post_init__(self):
        spec = self.derivation.spec
        if spec.parameter_count > MAX_PARAMETERS:
            raise SpecError(f"the network has {spec.parameter_count} parameters; the symbolic Hessian is made for "
                            f"small networks (at most {MAX_PARAMETERS})")

    @cached_property
    def positions(self) -> list[tuple[int, int, int | None]]:
        """(layer, j, k) per parameter, in the course's order (W1, b1, W2, b2, ... row by row)."""
        return list(self.derivation.parameters())

    @cached_property
    def parameters(self) -> list[sp.Symbol]:
        n = self.derivation.notation
        return [n.b(l, j) if k is None else n.w(l, j, k) for l, j, k in self.positions]

    @cached_property
    def gradient(self) -> list[sp.Expr]:
        """dL/dtheta for one example, the foundation's closed forms."""
        return [self.derivation.gradient(*p).closed_form for p in self.positions]

    def _slope(self, layer: int, unit: int) -> sp.Expr:
        """g'(z^{[layer]}_unit), through a or z as the rules give it (hidden layers: element-wise)."""
        return self.derivation.activation_derivative(layer, unit)

    @cached_property
    def sensitivities(self) -> dict[sp.Symbol, list[Sensitivity]]:
        """Per parameter, dz/dphi for every unit at or above its layer (zero ones left out)."""
        d, n = self.derivation, self.derivation.notation
        result = {}
        for (layer, j, k), parameter in zip(self.positions, self.parameters):
            seed = sp.Integer(1) if k is None else n.a(layer - 1, k)
            known = {(layer, j): Sensitivity(layer, j, parameter, _name(layer, j, parameter), seed)}
            for above in range(layer + 1, d.spec.depth + 1):
                for i in d.units(above):
                    value = sp.Add(*(n.w(above, i, u) * self._slope(above - 1, u) * known[(above - 1, u)].symbol
                                     for u in d.units(above - 1) if (above - 1, u) in known))
                    if value != 0:
                        known[(above, i)] = Sensitivity(above, i, parameter, _name(above, i, parameter), value)
            result[parameter] = list(known.values())
        return result

    def total_derivative(self, expression: sp.Expr, parameter: sp.Symbol) -> sp.Expr:
        """d(expression)/d(parameter) through the forward pass, in the sensitivity symbols."""
        d, n = self.derivation, self.derivation.notation
        total = sp.diff(expression, parameter)
        sensitivity = {(s.layer, s.unit): s.symbol for s in self.sensitivities[parameter]}
        for (layer, unit), symbol in sensitivity.items():
            through = sp.diff(expression, n.z(layer, unit))
            a = n.a(layer, unit)
            if d.activation(layer).elementwise and expression.has(a):
                through += sp.diff(expression, a) * self._slope(layer, unit)
            if through != 0:
                total += through * symbol
        depth = d.spec.depth
        if not d.activation(depth).elementwise:  # softmax: da_j = a_j (dz_j - sum_i a_i dz_i)
            outputs = [n.a(depth, j) for j in d.units(depth)]
            dz = [sensitivity.get((depth, j), sp.Integer(0)) for j in d.units(depth)]
            mixed = sp.Add(*(a * z for a, z in zip(outputs, dz)))
            for a, z in zip(outputs, dz):
                if expression.has(a):
                    total += sp.diff(expression, a) * a * (z - mixed)
        # relu'(z) = Heaviside(z) and |z|' = sign(z) have derivative 0 almost everywhere; the Dirac spike never
        # enters a Hessian here (SymPy leaves d sign(z)/dz unevaluated for a z not known to be real)
        total = total.replace(lambda e: isinstance(e, sp.Derivative) and isinstance(e.expr, (sp.sign, sp.Heaviside)),
                              lambda e: sp.Integer(0))
        return total.replace(sp.DiracDelta, lambda *args: sp.Integer(0))

    @cached_property
    def entries(self) -> dict[tuple[int, int], sp.Expr]:
        """d^2 L / dtheta_i dtheta_j for one example, upper triangle (i <= j), zeros left out."""
        result = {}
        for i, gradient in enumerate(self.gradient):
            for j in range(i, len(self.parameters)):
                value = self.total_derivative(gradient, self.parameters[j])
                if value != 0:
                    result[(i, j)] = value
        return result

    @cached_property
    def penalty(self) -> sp.Expr:
        """lambda/2 sum of every weight squared (biases are not regularised), 0 without --l2: the L2
        term of the summed cost, J = factor (sum_i L^{(i)} + penalty)."""
        if self.derivation.spec.l2 is None:
            return sp.Integer(0)
        return sp.Add(*[l2_penalty_term(p, sp.Integer(1)) for (_, _, k), p in zip(self.positions, self.parameters)
                        if k is not None])

    @cached_property
    def penalty_gradient(self) -> list[sp.Expr]:
        """d(penalty)/dtheta, by SymPy."""
        return [sp.diff(self.penalty, p) for p in self.parameters]

    @cached_property
    def penalty_entries(self) -> dict[tuple[int, int], sp.Expr]:
        """d^2(penalty)/dtheta_i dtheta_j, by SymPy, upper triangle, zeros left out (lambda on weight diagonals)."""
        result = {}
        for i, gradient in enumerate(self.penalty_gradient):
            if gradient != 0:
                for j in range(i, len(self.parameters)):
                    value = sp.diff(gradient, self.parameters[j])
                    if value != 0:
                        result[(i, j)] = value
        return result

    @property
    def l2(self) -> float | None:
        """The spec's lambda (the symbol `lambd` in the penalty's expressions), None without --l2."""
        return self.derivation.spec.l2

    @property
    def nonzero(self) -> int:
        return len(set(self.entries) | set(self.penalty_entries))

    @property
    def reduction_factor(self) -> sp.Expr:
        return self.derivation.reduction_factor


def _name(layer: int, unit: int, parameter: sp.Symbol) -> sp.Symbol:
    return sp.Symbol(f"dz{layer}_{unit}__{parameter.name}")


def network_hessian(derivation: NetworkDerivation) -> NetworkHessian:
    if derivation.spec.dropout is not None:
        raise SpecError("the network Hessian is not derived with --dropout: its masks are random, so the cost "
                        "changes at every step and has no one Hessian; leave --dropout out")
    return NetworkHessian(derivation)
