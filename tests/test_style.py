"""The book's colours (maxent_tutorial.book.style): every colour handed out for a line
reads on white (WCAG contrast >= 3:1), and distinct methods get distinct colours."""

import pytest

from maxent_tutorial.book import style


def test_contrast_ratio_matches_wcag_reference_values():
    assert style.contrast_ratio("black") == pytest.approx(21.0)
    assert style.contrast_ratio("white") == pytest.approx(1.0)
    # WCAG's own examples: #777777 on white is 4.48:1, #767676 the first to pass 4.5
    assert style.contrast_ratio("#777777") == pytest.approx(4.48, abs=0.01)
    assert style.contrast_ratio("#767676") >= 4.5
    # the ratio is symmetric, and Okabe-Ito yellow is unreadable on white
    assert style.contrast_ratio("white", "#0072B2") == pytest.approx(
        style.contrast_ratio("#0072B2", "white")
    )
    assert style.contrast_ratio(style.OKABE_ITO["yellow"]) < 1.5


def test_contrast_ratio_names_a_bad_colour():
    with pytest.raises(ValueError, match="color"):
        style.contrast_ratio("not a colour")


@pytest.mark.parametrize("n_seeds", range(1, 31))
def test_seed_colors_are_distinct_greys_that_read_on_white(n_seeds):
    shades = style.seed_colors(n_seeds)
    assert len(shades) == n_seeds == len(set(shades))
    for shade in shades:
        assert style.contrast_ratio(shade) >= style.MIN_LINE_CONTRAST, shade
        red, green, blue = shade[1:3], shade[3:5], shade[5:7]
        assert red == green == blue  # one hue: seeds never look like methods


def test_seed_colors_names_a_bad_count():
    assert style.seed_colors(0) == []
    with pytest.raises(ValueError, match="n_seeds"):
        style.seed_colors(-1)


def line_colours():
    """Every colour the style module hands out for a line, with where it comes from."""
    found = {f"LINE_COLORS[{i}]": c for i, c in enumerate(style.LINE_COLORS)}
    for mapping in (
        "METHOD_COLORS",
        "POLICY_COLORS",
        "BASELINE_COLORS",
        "QUANTITY_COLORS",
    ):
        for key, colour in getattr(style, mapping).items():
            found[f"{mapping}[{key!r}]"] = colour
    for key, line in style.REFERENCE_STYLES.items():
        found[f"REFERENCE_STYLES[{key!r}]"] = line["color"]
    for name in ("ARROW_COLOR", "PATH_COLOR", "START_GOAL_COLOR"):
        found[name] = getattr(style, name)
    for name in ("BLACK", "ORANGE", "SKY_BLUE", "GREEN", "BLUE", "VERMILLION"):
        found[name] = getattr(style, name)
    found["PURPLE"], found["GREY"] = style.PURPLE, style.GREY
    return found


def test_every_line_colour_reads_on_white():
    weak = {
        where: round(style.contrast_ratio(colour), 2)
        for where, colour in line_colours().items()
        if style.contrast_ratio(colour) < style.MIN_LINE_CONTRAST
    }
    assert weak == {}
    assert style.YELLOW not in line_colours().values()  # fills only


def test_distinct_methods_get_distinct_colours():
    # the policy kinds share figures with the methods (chapter 10: A2C beside the
    # linear policy), so they are checked together
    colours = {**style.METHOD_COLORS, **style.POLICY_COLORS}
    assert set(colours) == set(style.METHOD_COLORS) | set(style.POLICY_COLORS)

    def method(key):
        return next((frozenset(g) for g in style.SAME_METHOD if key in g), key)

    for first in colours:
        for second in colours:
            same_method = method(first) == method(second)
            same_colour = colours[first].lower() == colours[second].lower()
            assert same_method == same_colour, (first, second)
    for mapping in (style.BASELINE_COLORS, style.QUANTITY_COLORS):
        assert len(set(mapping.values())) == len(mapping)
    assert len(set(style.OPTIMIZER_STYLES.values())) == len(style.OPTIMIZER_STYLES)
    assert len(set(style.LINE_COLORS)) == len(style.LINE_COLORS)


def test_every_mapping_has_a_readable_name():
    assert set(style.METHOD_NAMES) == set(style.METHOD_COLORS)
    assert set(style.BASELINE_NAMES) == set(style.BASELINE_COLORS)
    assert set(style.OPTIMIZER_NAMES) == set(style.OPTIMIZER_STYLES)
