"""The NumPy / plain-maths style (`dW1 = 1/m * (W2.T @ dZ2 * A1 * (1 - A1)) @ X.T`), read with
Python's `ast` and a whitelist, extending the foundation's FormulaReader.

`*` is element-wise and `@`, np.dot, a.dot(b), np.matmul are matrix products, as in NumPy; `.T`, np.sum(...,
axis=..., keepdims=True), np.mean, np.divide, np.multiply, np.power, np.exp/log/tanh, sigmoid, softmax,
(Z > 0) and np.where for ReLU's derivative, .reshape / np.reshape (a rank-1 sum made a column again),
X.shape[1] (m), np.int64(...) and indexing like W1[0, 0] are understood. Nothing is evaluated.
"""
from __future__ import annotations

import ast

import sympy as sp

from ..errors import ParseError
from ..safe_expr import FUNCTIONS, MODULE_PREFIXES, FormulaReader, function_name
from . import algebra
from .functions import activation_function
from .resolve import Resolver

MATRIX_CALLS = {"dot", "matmul", "multiply", "sum", "power", "square", "transpose", "where", "outer", "divide", "mean",
                "reshape", "softmax", "heaviside"}
SAME_VALUE = {"int64", "int32", "float64", "float32", "float", "int", "asarray", "array", "copy"}  # np.int64(m) is m
ACTIVATION_CALLS = {"sigmoid": ("sigmoid", 0), "sigmoid_derivative": ("sigmoid", 1), "relu": ("relu", 0),
                    "relu_derivative": ("relu", 1), "tanh_derivative": ("tanh", 1)}


class NumpyClaimReader(FormulaReader):
    """FormulaReader whose names are the course's variables and whose operators follow NumPy."""

    def __init__(self, resolver: Resolver):
        super().__init__(variables={})
        self.resolver = resolver
        self.notes: list[str] = []
        self._rank_ones = 0  # sums with an axis and without keepdims=True that no reshape made a column again

    @property
    def rank_one(self) -> bool:
        return self._rank_ones > 0

    def read_side(self, text: str):
        tree = self._parse(text)
        self._nodes = 0
        return self._build(tree.body, depth=0)

    def _build_Name(self, node: ast.Name, depth):
        if node.id in ("e", "pi"):
            return self.constants[node.id]
        if node.id in self.functions or node.id in ACTIVATION_CALLS:
            raise ParseError(f"{node.id} is a function; write {node.id}(...)")
        return self.resolver.code_name(node.id)

    def _build_BinOp(self, node: ast.BinOp, depth):
        left, right = self._build(node.left, depth), self._build(node.right, depth)
        operations = {
            ast.Add: algebra.add, ast.Sub: algebra.sub, ast.Mult: algebra.hadamard, ast.MatMult: algebra.matmul,
            ast.Div: algebra.divide, ast.Pow: algebra.power, ast.BitXor: algebra.power,
        }
        operation = operations.get(type(node.op))
        if operation is None:
            raise ParseError(f"the operator {type(node.op).__name__} is not allowed in a formula")
        return operation(left, right)

    def _build_UnaryOp(self, node: ast.UnaryOp, depth):
        operand = self._build(node.operand, depth)
        if isinstance(node.op, ast.USub):
            return algebra.neg(operand)
        if isinstance(node.op, ast.UAdd):
            return operand
        raise ParseError(f"the operator {type(node.op).__name__} is not allowed in a formula")

    def _build_Attribute(self, node: ast.Attribute, depth):
        if node.attr.startswith("_"):
            raise ParseError("attribute names starting with _ are not allowed")
        if node.attr == "T":
            return algebra.transpose(self._build(node.value, depth))
        raise ParseError(f"the attribute .{node.attr} is not allowed (only .T)")

    def _build_Subscript(self, node: ast.Subscript, depth):
        if isinstance(node.value, ast.Attribute) and node.value.attr == "shape":  # X.shape[1] is m
            matrix = self._build(node.value.value, depth)
            index = node.slice
            if not (algebra.is_matrix(matrix) and isinstance(index, ast.Constant) and index.value in (0, 1, -1, -2)):
                raise ParseError("only .shape[0] or .shape[1] of a matrix, like X.shape[1]")
            return matrix.shape[index.value]
        if not isinstance(node.value, ast.Name):
            raise ParseError("only a named matrix can be indexed, like W1[0, 0]")
        indices = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        values = []
        for index in indices:
            if not (isinstance(index, ast.Constant) and isinstance(index.value, int) and not isinstance(index.value, bool)):
                raise ParseError("indices must be whole numbers, like W1[0, 1]")
            values.append(index.value)
        return self.resolver.indexed(node.value.id, tuple(values))

    def _build_Compare(self, node: ast.Compare, depth):
        """Z1 > 0 (ReLU's derivative): a step function, 1 where the comparison holds."""
        if len(node.ops) != 1:
            raise ParseError("only one comparison at a time, like Z1 > 0")
        left, right = self._build(node.left, depth), self._build(node.comparators[0], depth)
        if algebra.is_matrix(right) or right != 0:
            raise ParseError("comparisons are only allowed against 0, like Z1 > 0")
        at_zero = {ast.Gt: 0, ast.GtE: 1, ast.Lt: 0, ast.LtE: 1}.get(type(node.ops[0]))
        if at_zero is None:
            raise ParseError("use >, >=, < or <= to compare with 0")
        flip = isinstance(node.ops[0], (ast.Lt, ast.LtE))
        try:  # SymPy refuses the step of a number it knows is not real (np.log(-1) > 0)
            return algebra.apply(lambda t: sp.Heaviside(-t if flip else t, at_zero), left)
        except ValueError:
            raise ParseError(f"cannot compare {left} with 0: it is not a real number") from None

    def _build_Call(self, node: ast.Call, depth):
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in ("sum", "mean", "astype", "reshape", "copy", "dot") and not (
                isinstance(func.value, ast.Name) and func.value.id in MODULE_PREFIXES):
            if func.attr.startswith("_"):
                raise ParseError("attribute names starting with _ are not allowed")
            if func.attr == "reshape":
                return self._reshape(func.value, node.args, depth)
            if func.attr == "dot":  # a.dot(b) is np.dot(a, b)
                if len(node.args) != 1 or node.keywords:
                    raise ParseError("a.dot() takes one array")
                return algebra.matmul(self._build(func.value, depth), self._build(node.args[0], depth))
            target = self._build(func.value, depth)
            if func.attr in ("sum", "mean"):
                return self._total(target, node.keywords, depth, mean=func.attr == "mean")
            return target  # .astype(float), .copy(): the same values
        name = function_name(func)
        if name == "reshape":
            if len(node.args) != 2 or node.keywords:
                raise ParseError("np.reshape() takes an array and a shape, like np.reshape(db1, (4, 1))")
            return self._reshape(node.args[0], [node.args[1]], depth)
        args = [self._build(arg, depth) for arg in node.args]
        if name in SAME_VALUE and len(args) == 1 and not node.keywords:
            return args[0]
        if name in ACTIVATION_CALLS and len(args) == 1 and not node.keywords:
            function, prime = ACTIVATION_CALLS[name]
            return algebra.apply(activation_function(function, prime, self.resolver.spec, None), args[0])
        if name in MATRIX_CALLS:
            return self._matrix_call(name, args, node.keywords, depth)
        if name not in self.functions:
            raise ParseError(f"unknown function {name!r}")
        builder, arities = self.functions[name]
        if node.keywords:
            raise ParseError(f"{name}() takes no keyword arguments here")
        if len(args) not in arities:
            raise ParseError(f"{name}() takes {' or '.join(map(str, arities))} argument(s), got {len(args)}")
        if len(args) == 1:
            return algebra.apply(builder, args[0])
        matrices = [a for a in args if algebra.is_matrix(a)]
        if not matrices:
            return builder(*args)
        if len(matrices) == 2:
            raise ParseError(f"{name}() of two matrices is not supported")
        other = args[1] if algebra.is_matrix(args[0]) else args[0]
        return algebra.apply(lambda t: builder(other, t), matrices[0])

    def _reshape(self, array_node, shape_nodes, depth):
        """x.reshape(4, 1), np.reshape(x, (4, 1)): the same entries in another shape; a rank-1 sum made
        a column again is no longer rank-1 (seed 003: keepdims=True or reshape)."""
        before = self._rank_ones
        value = self._build(array_node, depth)
        if len(shape_nodes) == 1 and isinstance(shape_nodes[0], (ast.Tuple, ast.List)):
            shape_nodes = shape_nodes[0].elts
        shape = [_whole_number(n) for n in shape_nodes]
        if not algebra.is_matrix(value):
            return value
        rows, columns = value.shape
        if len(shape) != 2 or any(v is None for v in shape):
            raise ParseError("reshape to two whole-number sizes, like .reshape(4, 1)")
        if shape.count(-1) == 1:
            known = shape[1 - shape.index(-1)]
            if known != 1 and known not in (rows, columns):
                raise algebra.ShapeMismatch(f"shape mismatch: cannot reshape {algebra.shape_text(value.shape)} to {tuple(shape)}")
            shape = [rows * columns if v == -1 else v for v in shape] if known == 1 else \
                [columns if v == -1 and known == rows else rows if v == -1 else v for v in shape]
        shape = tuple(sp.sympify(v) if isinstance(v, int) else v for v in shape)
        self._rank_ones = before
        if shape == (rows, columns):
            return value
        if shape == (columns, rows) and 1 in (rows, columns):
            return algebra.transpose(value)
        raise algebra.ShapeMismatch(f"shape mismatch: cannot reshape {algebra.shape_text(value.shape)} to "
                                    f"{algebra.shape_text(shape)} and keep each entry in place")

    def _matrix_call(self, name, args, keywords, depth):
        if name in ("sum", "mean"):
            if len(args) != 1:
                raise ParseError(f"np.{name}() takes one array")
            return self._total(args[0], keywords, depth, mean=name == "mean")
        if name == "softmax":
            if len(args) != 1:
                raise ParseError("softmax() takes one array")
            return algebra.softmax(args[0], self.resolver)
        if name == "heaviside":  # np.heaviside(Z1, 0): ReLU's derivative, the second argument its value at 0
            if len(args) != 2 or algebra.is_matrix(args[1]) or not args[1].is_Number:
                raise ParseError("np.heaviside() takes an array and its value at 0, like np.heaviside(Z1, 0)")
            at_zero = args[1]
            return algebra.apply(lambda t: sp.Heaviside(t, at_zero), args[0])
        if keywords:
            raise ParseError(f"np.{name}() takes no keyword arguments here")
        expected = {"dot": 2, "matmul": 2, "multiply": 2, "power": 2, "square": 1, "transpose": 1, "where": 3, "outer": 2,
                    "divide": 2}[name]
        if len(args) != expected:
            raise ParseError(f"np.{name}() takes {expected} argument(s), got {len(args)}")
        if name in ("dot", "matmul"):
            return algebra.matmul(*args)
        if name == "multiply":
            return algebra.hadamard(*args)
        if name == "divide":
            return algebra.divide(*args)
        if name == "power":
            return algebra.power(*args)
        if name == "square":
            return algebra.power(args[0], sp.Integer(2))
        if name == "transpose":
            return algebra.transpose(args[0])
        if name == "outer":
            return algebra.matmul(args[0], algebra.transpose(args[1]))
        condition, yes, no = args  # np.where(Z1 > 0, 1, 0): the step times yes plus the rest times no
        return algebra.add(algebra.hadamard(condition, yes), algebra.hadamard(algebra.sub(sp.Integer(1), condition), no))

    def _total(self, array, keywords, depth, mean: bool = False):
        options = {}
        for keyword in keywords:
            if keyword.arg not in ("axis", "keepdims") or not isinstance(keyword.value, ast.Constant):
                raise ParseError("np.sum() takes only axis=0/1 and keepdims=True/False here")
            options[keyword.arg] = keyword.value.value
        axis = options.get("axis")
        if axis not in (None, 0, 1):
            raise ParseError("np.sum(axis=...) must be 0 or 1 for a 2-D array")
        if axis is not None and not options.get("keepdims", False) and algebra.is_matrix(array):
            self._rank_ones += 1  # graded wrong unless reshaped: a rank-1 array broadcasts into an (n, n) matrix later
        total = algebra.total(array, axis)
        if mean and algebra.is_matrix(array):  # np.mean: the sum over the axis divided by its length
            rows, columns = array.shape
            total = algebra.divide(total, {None: rows * columns, 0: rows, 1: columns}[axis])
        return total


def looks_like_numpy(text: str) -> bool:
    """LaTeX has backslashes or braces; the NumPy style has neither."""
    return "\\" not in text and "{" not in text and "$" not in text


def read_numpy_side(text: str, resolver: Resolver) -> tuple[object, NumpyClaimReader]:
    reader = NumpyClaimReader(resolver)
    return reader.read_side(text), reader


__all__ = ["NumpyClaimReader", "read_numpy_side", "looks_like_numpy", "FUNCTIONS"]


def _whole_number(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, int) and not isinstance(node.value, bool):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant) \
            and node.operand.value == 1:
        return -1
    return None
