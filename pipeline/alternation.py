"""Many literal phrases as one trie-shaped regex: the same matches as their longest-first alternation.

`a|ab|abc` makes the regex engine try every phrase at every position of the text; the same set
written as a trie, `a(?:b(?:c)?)?`, reads each character once and tries the longer phrase first,
giving back the shorter when what follows does not fit, exactly as the longest-first alternation
does (at one position only one branch can match the next character). Organisation names and kind
words are matched this way against whole documents.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

END = ""  # the trie entry marking that a phrase ends at this node
Node = dict[str, "Node"]


def trie_regex(phrases: Iterable[str]) -> str:
    """A regex (no groups that capture) matching exactly `phrases`, the longest that fits first.

    Only for patterns matched case-sensitively: under IGNORECASE two branches could match one
    character, and the first branch, not the longest phrase, would win."""
    root: Node = {}
    for phrase in phrases:
        if not phrase:
            raise ValueError("an empty phrase would match everywhere")
        node = root
        for char in phrase:
            node = node.setdefault(char, {})
        node[END] = {}
    return _branches(root)


def _branches(node: Node) -> str:
    branches = [re.escape(char) + _branches(child) for char, child in sorted(node.items()) if char != END]
    if not branches:
        return ""
    if END not in node:
        return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
    return f"(?:{'|'.join(branches)})?"  # greedy: the longer phrase first, this one if it must
