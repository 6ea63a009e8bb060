"""The Markdown brief names a service whose channels are treated very differently."""
from reports.brief import _channel_gap_line, _channel_gaps


def _data(groups):
    return {"response": {"observed": {"available": True, "groups": groups}}}


def _g(channel, within_48h, median, p, n=20, target="pixelpost", service="PixelPost"):
    return {"target": target, "service": service, "channel": channel, "within_48h": within_48h,
            "median_hours": median, "logrank_p": p, "n": n}


def test_copyright_fast_ncii_slow_is_a_finding():
    gaps = _channel_gaps(_data([_g("copyright", 0.9, 27.8, 1e-6), _g("ncii_form", 0.0, None, 1e-6),
                                _g("all", 0.45, 150.0, 1e-6)]))
    assert len(gaps) == 1
    line = _channel_gap_line(gaps[0])
    assert line.startswith("PixelPost: copyright reports 90% removed within 48 h")
    assert "ncii\\_form reports 0% removed within 48 h (median not reached, n = 20)" in line
    assert "p < 0.001" in line


def test_small_or_not_significant_differences_are_not_findings():
    assert _channel_gaps(_data([_g("copyright", 0.9, 20.0, 0.2), _g("ncii_form", 0.1, 300.0, 0.2)])) == []
    assert _channel_gaps(_data([_g("copyright", 0.6, 20.0, 0.01), _g("ncii_form", 0.5, 30.0, 0.01)])) == []
    assert _channel_gaps({"response": {"observed": {"available": False, "groups": []}}}) == []
