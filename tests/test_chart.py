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
