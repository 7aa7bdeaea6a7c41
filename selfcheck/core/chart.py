"""Geometry of the radar chart of the domain scores, drawn by templates/partials/_radar.svg."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import cos, pi, sin


@dataclass(frozen=True)
class Axis:
    label: str
    lines: tuple[str, ...]  # the label wrapped to fit beside the chart
    score: int | None
    end: tuple[float, float]  # outer end of the axis (score 100)
    point: tuple[float, float] | None  # the score on this axis
    label_at: tuple[float, float]
    anchor: str  # SVG text-anchor for the label


@dataclass(frozen=True)
class Radar:
    width: int
    height: int
    center: tuple[float, float]
    axes: tuple[Axis, ...]
    rings: tuple[tuple[int, str], ...]  # (score, polygon points)
    shape: str  # polygon points of the scores; '' when one is missing


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


def radar(scores: Sequence[tuple[str, int | None]], radius: float = 110) -> Radar:
    width, height = int(2 * radius + 300), int(2 * radius + 110)
    center = (width / 2, height / 2)
    angles = [-pi / 2 + 2 * pi * i / len(scores) for i in range(len(scores))]
    axes = []
    for (label, value), angle in zip(scores, angles):
        label_x = cos(angle)
        anchor = "middle" if abs(label_x) < 0.2 else ("start" if label_x > 0 else "end")
        axes.append(
            Axis(
                label=label,
                lines=wrap(label),
                score=value,
                end=_at(center, radius, angle),
                point=None if value is None else _at(center, radius * value / 100, angle),
                label_at=_at(center, radius + 14, angle),
                anchor=anchor,
            )
        )
    rings = tuple(
        (step, " ".join(f"{x},{y}" for x, y in (_at(center, radius * step / 100, a) for a in angles)))
        for step in (20, 40, 60, 80, 100)
    )
    shape = "" if any(a.point is None for a in axes) else " ".join(f"{x},{y}" for x, y in (a.point for a in axes))
    return Radar(width, height, center, tuple(axes), rings, shape)
