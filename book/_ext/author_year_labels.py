"""Author-year labels for the bibliography, matching the text's citations.

With `bibtex_reference_style: author_year` the text cites "Williams [1992]", but the
list on the references page keeps the labels of pybtex's formatting style ("[Wil92]"
for the default, alpha). This extension registers a pybtex formatting style,
``author_year``, whose labels read as the text cites: "Williams, 1992", "Sutton and
Barto, 2018", "Ziebart et al., 2008"; entries are sorted by author, year and title.
Labels must be unique (a duplicate is a build warning), so two papers that would share
one get "2018a", "2018b". The references page selects the style with the ``:style:
author_year`` option of its ``{bibliography}``.
"""

from collections import Counter

from pybtex.plugin import register_plugin
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.labels import BaseLabelStyle


def _surname(person) -> str:
    return " ".join(person.prelast_names + person.last_names)


def author_year(entry) -> str:
    """'Williams, 1992'; 'Sutton and Barto, 2018'; 'Ziebart et al., 2008'."""
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    names = [_surname(person) for person in people]
    if len(names) == 1:
        who = names[0]
    elif len(names) == 2:
        who = f"{names[0]} and {names[1]}"
    elif names:
        who = f"{names[0]} et al."
    else:
        who = entry.key
    return f"{who}, {entry.fields.get('year', 'n.d.')}"


class AuthorYearLabelStyle(BaseLabelStyle):
    def format_labels(self, sorted_entries):
        labels = [author_year(entry) for entry in sorted_entries]
        counts, seen = Counter(labels), Counter()
        for label in labels:
            if counts[label] > 1:  # 'Haarnoja et al., 2018a', 'Haarnoja et al., 2018b'
                seen[label] += 1
                label += "abcdefghijklmnopqrstuvwxyz"[seen[label] - 1]
            yield label


class AuthorYearStyle(PlainStyle):
    """pybtex's plain style (sorted by author, year, title) with author-year labels."""

    default_label_style = AuthorYearLabelStyle


def setup(app):
    register_plugin("pybtex.style.formatting", "author_year", AuthorYearStyle)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
