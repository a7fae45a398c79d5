"""Seed 000's exercises on functions (derivatives, gradients, Hessians by hand), right and wrong, with
each claim's intended formula as NumPy and its truth by central differences of the function itself."""
from __future__ import annotations

import numpy as np

SOURCE = "seed 000 (second derivatives, the Hessian, Newton's method)"
QUARTIC = "x^4 + 0.8*y^4 + 4*x^2 + 2*y^2 - x*y - 0.2*x^2*y"
CUBIC = "x^2*y + y^3"
SADDLE = "x^3 - 3*x + y^2"
ONE_D = "exp(x) - log(x)"
MIXED = "x*exp(y) + sin(x*y)"

F = {
    QUARTIC: lambda x, y: x**4 + 0.8 * y**4 + 4 * x**2 + 2 * y**2 - x * y - 0.2 * x**2 * y,
    CUBIC: lambda x, y: x**2 * y + y**3,
    SADDLE: lambda x, y: x**3 - 3 * x + y**2,
    ONE_D: lambda x: np.exp(x) - np.log(x),
    MIXED: lambda x, y: x * np.exp(y) + np.sin(x * y),
}
FUNCTION_CLAIMS: list[dict] = []


def claim(function, target, text, formula, mistake=None):
    FUNCTION_CLAIMS.append(dict(source=SOURCE, function=function, target=target, text=text, formula=formula,
                                mistake=mistake, kind="fn"))


def derivative(f, point, target, step=1e-4):
    """Central differences: target () for f, (i,) for df/dv_i, (i, j) for d2f/dv_i dv_j."""
    point = np.asarray(point, float)
    if not target:
        return f(*point)
    i, rest = target[0], target[1:]
    e = np.zeros_like(point)
    e[i] = step
    return (derivative(f, point + e, rest, step) - derivative(f, point - e, rest, step)) / (2 * step)


def truth_of_function_claim(entry) -> str:
    rng = np.random.default_rng(3)
    f = F[entry["function"]]
    variables = 1 if entry["function"] == ONE_D else 2
    for _ in range(6):
        point = rng.uniform(0.3, 2.0, variables)
        targets = entry["target"]
        claimed = np.asarray(entry["formula"](*point), float)
        if isinstance(targets, list):
            right = np.array([[derivative(f, point, t) for t in row] for row in targets]) if isinstance(targets[0], list) \
                else np.array([derivative(f, point, t) for t in targets])
        else:
            right = np.asarray(derivative(f, point, targets))
        if claimed.shape != right.shape or np.max(np.abs(claimed - right) / (np.abs(right) + 1e-3)) > 1e-4:
            return "wrong"
    return "correct"


X, Y = (0,), (1,)
XX, XY, YY = (0, 0), (0, 1), (1, 1)
GRAD, HESS = [X, Y], [[XX, XY], [XY, YY]]

# the quartic of seed 000's Newton exercise
q = QUARTIC
claim(q, X, "df/dx = 4x^3 - 0.4xy + 8x - y", lambda x, y: 4 * x**3 - 0.4 * x * y + 8 * x - y)
claim(q, X, "f_x = 4*x^3 - 0.4*x*y + 8*x - y", lambda x, y: 4 * x**3 - 0.4 * x * y + 8 * x - y)
claim(q, X, r"\frac{\partial f}{\partial x} = 4x^3 - \frac{2}{5} x y + 8x - y", lambda x, y: 4 * x**3 - 0.4 * x * y + 8 * x - y)
claim(q, Y, "df/dy = 3.2y^3 + 4y - x - 0.2x^2", lambda x, y: 3.2 * y**3 + 4 * y - x - 0.2 * x**2)
claim(q, Y, "f_y = 3.2y^3 + 4y - x - 0.2x^2", lambda x, y: 3.2 * y**3 + 4 * y - x - 0.2 * x**2)
claim(q, XX, "f_xx = 12x^2 + 8 - 0.4y", lambda x, y: 12 * x**2 + 8 - 0.4 * y)
claim(q, XX, "d2f/dx2 = 12x^2 - 0.4y + 8", lambda x, y: 12 * x**2 + 8 - 0.4 * y)
claim(q, XY, "f_xy = -1 - 0.4x", lambda x, y: -1 - 0.4 * x)
claim(q, XY, r"\frac{\partial^2 f}{\partial x \partial y} = -1 - \frac{2}{5} x", lambda x, y: -1 - 0.4 * x)
claim(q, XY, "f_yx = -0.4x - 1", lambda x, y: -1 - 0.4 * x)
claim(q, YY, "f_yy = 9.6y^2 + 4", lambda x, y: 9.6 * y**2 + 4)
claim(q, GRAD, "grad f = [4x^3 - 0.4xy + 8x - y, 3.2y^3 + 4y - x - 0.2x^2]",
      lambda x, y: [4 * x**3 - 0.4 * x * y + 8 * x - y, 3.2 * y**3 + 4 * y - x - 0.2 * x**2])
claim(q, HESS, "H = [[12x^2 + 8 - 0.4y, -1 - 0.4x], [-1 - 0.4x, 9.6y^2 + 4]]",
      lambda x, y: [[12 * x**2 + 8 - 0.4 * y, -1 - 0.4 * x], [-1 - 0.4 * x, 9.6 * y**2 + 4]])
claim(q, HESS, r"\nabla^2 f = \begin{bmatrix} 12x^2 + 8 - 0.4y & -1 - 0.4x \\ -1 - 0.4x & 9.6y^2 + 4 \end{bmatrix}",
      lambda x, y: [[12 * x**2 + 8 - 0.4 * y, -1 - 0.4 * x], [-1 - 0.4 * x, 9.6 * y**2 + 4]])
claim(q, XY, "f_xy = 1 + 0.4x", lambda x, y: 1 + 0.4 * x, "sign")
claim(q, YY, "f_yy = 9.6y^2", lambda x, y: 9.6 * y**2, "term")
claim(q, XX, "f_xx = 12x^2 + 8", lambda x, y: 12 * x**2 + 8, "term")
claim(q, XX, "f_xx = 24x^2 + 16 - 0.8y", lambda x, y: 24 * x**2 + 16 - 0.8 * y, "constant")
claim(q, X, "df/dx = 4x^3 - 0.4xy + 8x", lambda x, y: 4 * x**3 - 0.4 * x * y + 8 * x, "term")
claim(q, X, "df/dx = -(4x^3 - 0.4xy + 8x - y)", lambda x, y: -(4 * x**3 - 0.4 * x * y + 8 * x - y), "sign")
claim(q, X, "f_x = 3.2y^3 + 4y - x - 0.2x^2", lambda x, y: 3.2 * y**3 + 4 * y - x - 0.2 * x**2, "variable")
claim(q, XX, "f_xx = 4x^3 - 0.4xy + 8x - y", lambda x, y: 4 * x**3 - 0.4 * x * y + 8 * x - y, "order")
claim(q, YY, "f_yy = 12x^2 + 8 - 0.4y", lambda x, y: 12 * x**2 + 8 - 0.4 * y, "variable")
claim(q, XY, "f_xy = -0.4x", lambda x, y: -0.4 * x, "term")

# x^2 y + y^3 (seed 000's gradient exercise written the way students write it: 2xy)
c = CUBIC
claim(c, GRAD, "grad f = [2xy, x^2 + 3y^2]", lambda x, y: [2 * x * y, x**2 + 3 * y**2])
claim(c, GRAD, r"\nabla f = \begin{bmatrix} 2xy \\ x^2 + 3y^2 \end{bmatrix}", lambda x, y: [2 * x * y, x**2 + 3 * y**2])
claim(c, X, "f_x = 2xy", lambda x, y: 2 * x * y)
claim(c, Y, "f_y = x^2 + 3y^2", lambda x, y: x**2 + 3 * y**2)
claim(c, XX, "f_xx = 2y", lambda x, y: 2 * y)
claim(c, XY, "f_xy = 2x", lambda x, y: 2 * x)
claim(c, YY, "f_yy = 6y", lambda x, y: 6 * y)
claim(c, HESS, "H = [[2y, 2x], [2x, 6y]]", lambda x, y: [[2 * y, 2 * x], [2 * x, 6 * y]])
claim(c, X, "f_x = xy", lambda x, y: x * y, "constant")
claim(c, Y, "f_y = x^2 + y^2", lambda x, y: x**2 + y**2, "term")
claim(c, Y, "f_y = 3y^2", lambda x, y: 3 * y**2, "term")
claim(c, XX, "f_xx = 2x", lambda x, y: 2 * x, "variable")
claim(c, YY, "f_yy = 3y", lambda x, y: 3 * y, "constant")
claim(c, XY, "f_xy = -2x", lambda x, y: -2 * x, "sign")
claim(c, GRAD, "grad f = [2xy, x^2 + y^2]", lambda x, y: [2 * x * y, x**2 + y**2], "term")
claim(c, HESS, "H = [[2y, 2x], [2x, 3y]]", lambda x, y: [[2 * y, 2 * x], [2 * x, 3 * y]], "constant")

# x^3 - 3x + y^2 (minimum / saddle)
s = SADDLE
claim(s, X, "f_x = 3x^2 - 3", lambda x, y: 3 * x**2 - 3)
claim(s, Y, "f_y = 2y", lambda x, y: 2 * y)
claim(s, XX, "f_xx = 6x", lambda x, y: 6 * x)
claim(s, XY, "f_xy = 0", lambda x, y: 0.0)
claim(s, YY, "f_yy = 2", lambda x, y: 2.0)
claim(s, HESS, "H = [[6x, 0], [0, 2]]", lambda x, y: [[6 * x, 0], [0, 2]])
claim(s, X, "f_x = 3x^2", lambda x, y: 3 * x**2, "term")
claim(s, X, "f_x = 3 - 3x^2", lambda x, y: 3 - 3 * x**2, "sign")
claim(s, XX, "f_xx = 3x", lambda x, y: 3 * x, "constant")
claim(s, Y, "f_y = y", lambda x, y: y, "constant")

# e^x - ln x (seed 000's one-variable Newton example)
o = ONE_D
claim(o, X, "f'(x) = e^x - 1/x", lambda x: np.exp(x) - 1 / x)
claim(o, X, "df/dx = exp(x) - 1/x", lambda x: np.exp(x) - 1 / x)
claim(o, XX, "f''(x) = e^x + 1/x^2", lambda x: np.exp(x) + 1 / x**2)
claim(o, XX, r"f''(x) = e^{x} + \frac{1}{x^2}", lambda x: np.exp(x) + 1 / x**2)
claim(o, X, "f'(x) = e^x + 1/x", lambda x: np.exp(x) + 1 / x, "term")
claim(o, XX, "f''(x) = e^x - 1/x^2", lambda x: np.exp(x) - 1 / x**2, "term")
claim(o, XX, "f''(x) = e^x - 1/x", lambda x: np.exp(x) - 1 / x, "order")

# x e^y + sin(xy)
w = MIXED
claim(w, X, "f_x = e^y + y*cos(x*y)", lambda x, y: np.exp(y) + y * np.cos(x * y))
claim(w, Y, "f_y = x*e^y + x*cos(x*y)", lambda x, y: x * np.exp(y) + x * np.cos(x * y))
claim(w, XX, "f_xx = -y^2*sin(x*y)", lambda x, y: -y**2 * np.sin(x * y))
claim(w, X, "f_x = e^y + cos(x*y)", lambda x, y: np.exp(y) + np.cos(x * y), None if False else "term")
claim(w, Y, "f_y = x*e^y - x*cos(x*y)", lambda x, y: x * np.exp(y) - x * np.cos(x * y), "term")
