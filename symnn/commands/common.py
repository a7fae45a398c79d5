"""Arguments and exit codes shared by the commands."""
from __future__ import annotations

import argparse

EXIT_OK, EXIT_WRONG, EXIT_USAGE = 0, 1, 2


def add_spec_arguments(parser: argparse.ArgumentParser, optional: bool = False) -> None:
    parser.add_argument("spec", nargs="?" if optional else None, default="2-2-1" if optional else None,
                        help="sizes like 2-3-1 (inputs, then each layer's units) or a TOML spec file")
    add_spec_options(parser)


def add_spec_options(parser: argparse.ArgumentParser) -> None:
    """The options of a network spec, without the positional sizes."""
    parser.add_argument("--act", help="activations: one for all layers, hidden,output, or one per layer "
                        "(sigmoid, tanh, relu, leaky_relu(0.01), linear, softmax, or an expression in z)")
    parser.add_argument("--loss", help="bce (binary log loss), half_se (half squared error), mse (mean squared error), cce (categorical cross-entropy)")
    parser.add_argument("--layout", choices=["column", "row"], help="column: X is (n_x, m) [default]; row: X is (m, n_x)")
    parser.add_argument("--bias", dest="bias", action="store_true", default=None, help="use biases [default]")
    parser.add_argument("--no-bias", dest="bias", action="store_false", help="no biases")
    parser.add_argument("--reduction", choices=["mean", "sum"], help="cost over m examples: mean [default] or sum")
    parser.add_argument("--l2", metavar="LAMBDA", help="L2 regularisation: J + lambda/(2m) sum_l ||W[l]||_F^2 (biases not regularised)")
    parser.add_argument("--dropout", metavar="KEEP_PROB", nargs="?", const="0.5",
                        help="inverted dropout on every hidden layer, keeping each unit with probability KEEP_PROB [0.5]")


def spec_options(args) -> dict:
    """The spec options of parsed arguments, as keyword arguments for the API."""
    return {"act": args.act, "loss": args.loss, "layout": args.layout, "bias": args.bias, "reduction": args.reduction,
            "l2": args.l2, "dropout": args.dropout}


def add_function_arguments(parser: argparse.ArgumentParser) -> None:
    """A function to derive: the expression and how its variables are named."""
    parser.add_argument("expression", help="a function, e.g. 'x^4 + 0.8*y^4 - x*y' or 'exp(x) - ln(x)'")
    parser.add_argument("--vars", help="the variables in order, e.g. x,y (default: the names the expression uses)")
    parser.add_argument("--solve-seconds", type=float, default=5.0, help="time limit for SymPy's exact solve, above 0 and at most 600 [5]")
