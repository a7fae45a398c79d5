"""One escaping function per output language: the only way text reaches an output file or a terminal.

Typed text (a formula, a path) is refused at the door when it holds a comment character or a control
character (`symnn.safe_expr.refuse_unsafe_text`); what symnn prints of a formula is its own canonical
form, printed by SymPy. These functions are the second wall: whatever string reaches an output goes
through the one for that output's language, so even text that slipped past the first cannot end a
comment, a string, a line or a command. Each is registered as a Jinja filter of the same name in
`symnn.render.environment`.

| language | function | what it guarantees |
| --- | --- | --- |
| Python string | `python_string` | a literal (`repr`) that evaluates to the text |
| Python docstring / comment text | `python_text` | one line, no quote or backslash can end the string |
| C | `c_comment` | nothing typed belongs in C; a comment can never be closed early |
| LaTeX prose | `latex_text` | every special character printed as itself |
| LaTeX `\\texttt{}` | `latex_texttt` | as `latex_text`, quotes and hyphens literal |
| LaTeX `%` comment line | `latex_comment` | one line: nothing after it is read as TeX |
| Markdown prose | `markdown_text` | no HTML, no Markdown syntax from the text |
| Markdown code span | `markdown_code` | the text stays inside the span |
| HTML text / attribute | `html_text` | `html.escape` with quotes |
| HTML comment | `html_comment` | `-->` and `--!>` cannot occur |
| XML text / attribute | `xml_text` | markup escaped, characters XML 1.0 cannot hold replaced |
| shell word | `shell_word` | `shlex.quote`: one word, nothing expanded |
| terminal | `terminal` | no escape sequence, no control character reaches the screen |
"""
from __future__ import annotations

import html
import re
import shlex


def visible(text: object) -> str:
    """The text with every character that is not printable (controls, bidi overrides, line and
    paragraph separators, NUL, ...) written as its Python escape (`\\x1b`, `\\n`, `\\u202e`); a
    plain space stays a space. The result is one line."""
    text = str(text)
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else _escape_char(ch) for ch in text)


def _escape_char(ch: str) -> str:
    code = ord(ch)
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
    if ch in named:
        return named[ch]
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def terminal(text: object) -> str:
    """A message line for a terminal or log: control characters (ESC, CR, BEL, ...) and bidi
    overrides are shown as escapes, so input echoed back cannot move the cursor, recolour the
    screen, or reorder what is shown."""
    return visible(text)


def terminal_block(text: object) -> str:
    """Several lines for a terminal: like `terminal`, but newlines and tabs are kept."""
    return "\n".join("\t".join(terminal(part) for part in line.split("\t")) for line in str(text).split("\n"))


def python_string(text: object) -> str:
    """A Python string literal whose value is the text (`repr`; quotes, backslashes and every
    non-printable character escaped)."""
    return repr(str(text))


def python_text(text: object) -> str:
    """Text to place inside a generated module's (non-raw, triple-double-quoted) docstring or after a
    `#`: backslashes and double quotes are escaped, and non-printable characters (newlines included)
    are written as escapes, so the text can end neither the line nor the string, and the docstring's
    value is still the text."""
    text = str(text).replace("\\", "\\\\").replace('"', '\\"')
    return visible(text)


def c_comment(text: object) -> str:
    """Text inside a C block comment. Only symnn's own words belong there (nothing typed ever
    reaches C source); this is the guard that a comment can never be closed or a line spliced
    early: `*/` and `/*` are split, trigraphs (`??/`) broken, and everything on one line."""
    text = re.sub(r"\*(?=/)", "* ", visible(text))  # no */ left, and the next step makes none
    text = re.sub(r"/(?=\*)", "/ ", text)
    return re.sub(r"\?(?=\?)", "? ", text)


_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
}
_LATEX_PATTERN = re.compile("|".join(re.escape(ch) for ch in _LATEX_SPECIAL))


def latex_text(text: object) -> str:
    """Prose for a LaTeX document: every character TeX treats specially is printed as itself, so the
    text can open no group, run no command, start no comment or maths. Formulas never come through
    here: they are SymPy's LaTeX of the parsed expression."""
    return _LATEX_PATTERN.sub(lambda m: _LATEX_SPECIAL[m.group()], visible(text))


_TEXTTT_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "%": r"\%",
                   "#": r"\#", "_": r"\_", "^": r"\^{}", "~": r"\~{}", "'": r"\textquotesingle{}", "-": "-{}"}


def latex_texttt(text: object) -> str:
    """Text inside LaTeX's \\texttt{} (a command line, a name): as `latex_text`, with the quote and
    the hyphen kept literal (no ligatures in typewriter type)."""
    return "".join(_TEXTTT_SPECIAL.get(ch, ch) for ch in visible(text))


def latex_comment(text: object) -> str:
    """The rest of a `%` comment line: one line, so nothing after it can be read as TeX (`^^J` is
    broken too, which TeX would read as a newline character elsewhere)."""
    return re.sub(r"\^(?=\^)", "^ ", visible(text))


_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!|~:\"'$])")


def markdown_text(text: object) -> str:
    """Prose for a Markdown document: `&`, `<`, `>` as HTML entities (no tag, no comment can start),
    every other piece of Markdown punctuation backslash-escaped (no link, emphasis, heading, maths)."""
    escaped = html.escape(visible(text), quote=False)
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", escaped)


def markdown_code(text: object) -> str:
    """A Markdown code span holding the text literally: the fence is longer than any run of
    backticks inside, and the span is one line."""
    text = visible(text)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def html_text(text: object) -> str:
    """Text or an attribute value in HTML (`html.escape`, quotes included), on one line."""
    return html.escape(visible(text), quote=True)


def html_comment(text: object) -> str:
    """Text inside `<!-- ... -->`: `<` and `>` become entities, so neither `-->` nor `--!>` can end
    the comment and no `<!--` can nest."""
    return visible(text).replace("<", "&lt;").replace(">", "&gt;")


_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text) -> str:
    """Text safe inside an XML element or a double- or single-quoted attribute: markup escaped,
    characters XML 1.0 cannot hold (NUL, other control characters, lone surrogates) replaced by U+FFFD."""
    text = _NOT_XML.sub("\ufffd", str(text))
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&apos;"))


def shell_word(text: object) -> str:
    """One shell word (`shlex.quote`): nothing in it is expanded, split or run."""
    return shlex.quote(str(text))


def shell_command(words) -> str:
    """Words joined into a command line, each one quoted with `shell_word`."""
    return " ".join(shell_word(word) for word in words)


# The Jinja filters of every render environment (symnn.render.environment).
FILTERS = {
    "python_string": python_string,
    "python_text": python_text,
    "c_comment": c_comment,
    "latex_text": latex_text,
    "latex_comment": latex_comment,
    "texttt": latex_texttt,
    "markdown_text": markdown_text,
    "markdown_code": markdown_code,
    "html_text": html_text,
    "html_comment": html_comment,
    "shell_word": shell_word,
    "terminal": terminal,
}
