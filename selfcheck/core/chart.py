"""Geometry of the radar chart of the domain scores: templates/partials/_radar.svg draws it for the PDF,
the results page draws its numbered variant for the screen."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import cos, pi, sin

# Text on the screen's radar: 16 px in a canvas no wider than a 390 px phone's content box (350 px),
# so the browser never scales the SVG, and its text, down.
SCREEN_FONT = 16
SCREEN_WIDTH = 340


@dataclass(frozen=True)
class Axis:
    label: str
    lines: tuple[str, ...]  # the label wrapped to fit beside the chart
    score: int | None
    end: tuple[float, float]  # outer end of the axis (score 100)
    point: tuple[float, float] | None  # the score on this axis
    label_at: tuple[float, float]
    anchor: str  # SVG text-anchor for the label
    number: int = 0  # 1, 2, ...: the screen's radar labels its axes by number, with a legend
    baseline: float = 0  # y of a one-line label's baseline, clear of the chart


@dataclass(frozen=True)
class Radar:
    width: int
    height: int
    center: tuple[float, float]
    axes: tuple[Axis, ...]
    rings: tuple[tuple[int, str], ...]  # (score, polygon points)
    shape: str  # polygon points of the scores; '' when one is missing
    font_size: int = 12

    def numbered(self) -> Radar:
        """The same scores for the screen: each axis carries its number and score (the names stand in a
        legend beside it), so a phone shows the chart at full size with 16 px text."""
        label_width = 58  # room for "5 · 100" at 16 px
        return radar(
            [(a.label, a.score) for a in self.axes],
            radius=SCREEN_WIDTH / 2 - label_width,
            label_width=label_width,
            label_height=32,
            font_size=SCREEN_FONT,
        )


def _at(center, radius, angle):
    return (round(center[0] + radius * cos(angle), 1), round(center[1] + radius * sin(angle), 1))


def wrap(label: str, width: int = 18) -> tuple[str, ...]:
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return tuple(lines)


def radar(
    scores: Sequence[tuple[str, int | None]],
    radius: float = 110,
    *,
    label_width: float = 150,
    label_height: float = 55,
    font_size: int = 12,
) -> Radar:
    """`label_width` is the room beside the chart for the labels of the side axes, `label_height` the room
    above and below it."""
    width, height = int(2 * (radius + label_width)), int(2 * (radius + label_height))
    center = (width / 2, height / 2)
    angles = [-pi / 2 + 2 * pi * i / len(scores) for i in range(len(scores))]
    gap = 14  # between the outer ring and a label
    axes = []
    for number, ((label, value), angle) in enumerate(zip(scores, angles), start=1):
        label_x = cos(angle)
        anchor = "middle" if abs(label_x) < 0.2 else ("start" if label_x > 0 else "end")
        label_at = _at(center, radius + gap, angle)
        # above the centre a label sits on its point; below it hangs from it (cap height ~ 0.75 em)
        below = label_at[1] > center[1] + 5
        axes.append(
            Axis(
                label=label,
                lines=wrap(label),
                score=value,
                end=_at(center, radius, angle),
                point=None if value is None else _at(center, radius * value / 100, angle),
                label_at=label_at,
                anchor=anchor,
                number=number,
                baseline=round(label_at[1] + 0.75 * font_size, 1) if below else label_at[1],
            )
        )
    rings = tuple(
        (step, " ".join(f"{x},{y}" for x, y in (_at(center, radius * step / 100, a) for a in angles)))
        for step in (20, 40, 60, 80, 100)
    )
    shape = "" if any(a.point is None for a in axes) else " ".join(f"{x},{y}" for x, y in (a.point for a in axes))
    return Radar(width, height, center, tuple(axes), rings, shape, font_size)
