import re
from pathlib import Path

from selfcheck.core.chart import radar, wrap


def test_radar_places_scores_on_their_axes():
    chart = radar([("A", 100), ("B", 0), ("C", 50), ("D", 50), ("E", 50)], radius=100)
    cx, cy = chart.center
    assert chart.axes[0].point == (cx, cy - 100)  # first axis points up; 100 is the outer ring
    assert chart.axes[1].point == (cx, cy)  # 0 is the centre
    assert chart.shape.count(",") == 5
    assert [step for step, _ in chart.rings] == [20, 40, 60, 80, 100]


def test_missing_score_leaves_no_shape_but_keeps_the_axis():
    chart = radar([("A", 10), ("B", None), ("C", 30)])
    assert chart.shape == "" and chart.axes[1].point is None and chart.axes[1].score is None


def test_long_labels_wrap():
    assert wrap("Opdrachtgever- en opdrachtnemerschap") == ("Opdrachtgever- en", "opdrachtnemerschap")
    assert wrap("Inkoop") == ("Inkoop",)


def test_the_screens_radar_never_scales_its_16px_text_on_a_phone():
    chart = radar([("Agendasetting", 45), ("Inkoop", 47), ("Regie", None), ("Lang " * 8, 48), ("Rand", 100)])
    screen = chart.numbered()
    assert screen.width <= 350  # a 390 px phone's content box: the SVG is drawn at full size
    assert screen.font_size == 16 and [a.number for a in screen.axes] == [1, 2, 3, 4, 5]
    assert [(a.label, a.score) for a in screen.axes] == [(a.label, a.score) for a in chart.axes]
    for axis in screen.axes:  # the labels stay inside the canvas, clear of the outer ring
        assert screen.font_size <= axis.baseline <= screen.height - 4
        below = axis.label_at[1] > screen.center[1] + 5
        assert axis.baseline == (round(axis.label_at[1] + 12, 1) if below else axis.label_at[1])
    assert (chart.width, chart.height, chart.font_size) == (520, 330, 12)  # the PDF's radar as it was


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_bar_colours_stand_out_from_white_and_from_their_neighbours():
    css = (Path(__file__).parents[1] / "static" / "css" / "results.css").read_text()
    colours = [c for _, c in sorted(re.findall(r"\.series-(\d) \{ --series: (#[0-9a-f]{6}); \}", css))]
    assert len(colours) == 4
    for i, colour in enumerate(colours):
        assert _contrast(colour, "#ffffff") >= 3, colour
        assert _contrast(colour, colours[(i + 1) % len(colours)]) >= 3, (colour, colours[(i + 1) % len(colours)])
