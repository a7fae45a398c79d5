"""The escaping functions (symnn/render/escape.py), one per output language, against any text:
each is checked by that language's own reader where one is at hand (Python's parser, shlex, html)."""
from __future__ import annotations

import ast
import html
import shlex

from hypothesis import example, given, settings
from hypothesis import strategies as st

from symnn.render import escape
from symnn.render.environment import make_environment

# Any code point, with the dangerous ones made frequent.
HOSTILE = st.text(st.one_of(st.characters(), st.sampled_from(list('"\'\\#*/-><!`$%{}^\n\r\x00\x1b\u202e\u2028?'))),
                  max_size=60)
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


@settings(max_examples=150, deadline=None)
@given(HOSTILE)
def test_python_text_stays_inside_a_docstring_and_reads_back(text):
    source = f'"""Generated: {escape.python_text(text)}"""\nCANARY = 1\n'
    tree = ast.parse(source)
    assert len(tree.body) == 2  # nothing after the docstring became a statement of its own
    assert ast.literal_eval(tree.body[0].value) == f"Generated: {text}"
    assert not any(ch in escape.python_text(text) for ch in LINE_BREAKS)


@settings(max_examples=150, deadline=None)
@given(HOSTILE)
def test_python_string_is_a_literal_of_the_text(text):
    assert ast.literal_eval(escape.python_string(text)) == text


@settings(max_examples=150, deadline=None)
@given(st.lists(HOSTILE, max_size=5))
def test_shell_words_split_back_into_the_same_words(words):
    assert shlex.split(escape.shell_command(words)) == words


@settings(max_examples=150, deadline=None)
@given(HOSTILE)
@example("???/")
@example("*/*//**/")
def test_c_comments_cannot_be_closed_or_spliced(text):
    out = escape.c_comment(text)
    assert "*/" not in f"/* {out} */"[:-2] and "/*" not in out and "??" not in out
    assert not any(ch in out for ch in LINE_BREAKS)


@settings(max_examples=150, deadline=None)
@given(HOSTILE)
@example("^^^J")
def test_latex_comments_stay_on_one_line(text):
    out = escape.latex_comment(text)
    assert len(f"% {out}".splitlines()) == 1 and "^^" not in out


@settings(max_examples=150, deadline=None)
@given(HOSTILE)
def test_latex_text_has_no_active_character(text):
    out = escape.latex_text(text)
    stripped = out
    for safe in escape._LATEX_SPECIAL.values():
        stripped = stripped.replace(safe, "")
    assert not any(ch in stripped for ch in "\\{}$&%#_^~") and len(out.splitlines()) <= 1


@settings(max_examples=150, deadline=None)
@given(HOSTILE)
def test_html_comments_cannot_end_early(text):
    out = escape.html_comment(text)
    assert "-->" not in out and "--!>" not in out and ">" not in out and "<" not in out


@settings(max_examples=150, deadline=None)
@given(HOSTILE)
def test_html_and_markdown_text_hold_no_tag(text):
    assert "<" not in escape.html_text(text) and html.unescape(escape.html_text(text)) == escape.visible(text)
    out = escape.markdown_text(text)
    assert "<" not in out and ">" not in out and len(out.splitlines()) <= 1


@settings(max_examples=150, deadline=None)
@given(HOSTILE)
def test_markdown_code_spans_hold_the_text(text):
    out = escape.markdown_code(text)
    fence = len(out) - len(out.lstrip("`"))
    inner = out[fence:len(out) - fence]
    assert "`" * fence not in inner and len(out.splitlines()) <= 1


@settings(max_examples=150, deadline=None)
@given(HOSTILE)
def test_terminal_text_holds_no_control_character(text):
    assert escape.terminal(text).isprintable()


def test_every_escape_is_a_jinja_filter():
    env = make_environment()
    for name in escape.FILTERS:
        assert env.filters[name] is escape.FILTERS[name]
    assert env.from_string("{{ x | shell_word }}").render(x="it's") == "'it'\"'\"'s'"
