"""`python -m pipeline.units --bench`: how long the gazetteer takes to build and to answer."""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from pipeline.units import Gazetteer, gazetteer, snapshot

LOOKUPS = [
    "xã Nghĩa Kỳ",
    "Nghia Ky",
    "Phường 1",
    "TP. Hồ Chí Minh",
    "huyện Cư Jút",
    "Đăk Glei",
    "Hồ Chí Minh",
]
SEARCHES = ["nghia ky", "tu ng", "ha", "phuong 1", "Quảng Ngãi", "xa"]
TEXT = (
    "ỦY BAN MẶT TRẬN TỔ QUỐC VIỆT NAM XÃ NGHĨA KỲ\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
    "Báo cáo kết quả công tác Mặt trận năm 2024 của xã Nghĩa Kỳ, huyện Tư Nghĩa, tỉnh Quảng Ngãi; "
    "công tác an sinh xã hội được Huyện ủy quan tâm, phối hợp với thị trấn La Hà và TP. Hồ Chí Minh. "
) * 20  # about 6,000 characters, a short report


def _ms(action: Callable[[], object], repeat: int = 1) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def bench() -> None:
    """Print build and query times (ms); figures, not assertions."""
    reference = _ms(lambda: sum(range(1_000_000)))
    print(f"machine: sum(range(10**6)) takes {reference:.0f} ms (about 15-20 ms on an idle core)")
    first = _ms(snapshot.build)
    snapshot.load()  # make sure the cache file exists
    cached = _ms(snapshot.load, 3)
    data = snapshot.load()
    index = _ms(lambda: Gazetteer(data), 3)
    start = time.perf_counter()
    g = gazetteer()
    build = (time.perf_counter() - start) * 1000
    print(f"units: {len(g)} ({', '.join(f'{k} {v}' for k, v in g.versions.items())})")
    print(f"read the packages and fold every name (no cache): {first:.0f} ms")
    print(f"read the cached snapshot {snapshot.cache_file()}: {cached:.0f} ms; index it: {index:.0f} ms")
    print(f"gazetteer() in this process: {build:.0f} ms")
    print(f"first search (builds its index): {_ms(lambda: g.search('nghia')):.0f} ms")
    print(f"first find_in_text (builds the trie): {_ms(lambda: g.find_in_text('xã Nghĩa Kỳ')):.0f} ms")
    for query in LOOKUPS:
        print(f"lookup {query!r}: {_ms(lambda q=query: g.lookup(q), 50):.3f} ms median")
    for query in SEARCHES:
        print(f"search {query!r}: {_ms(lambda q=query: g.search(q), 50):.3f} ms median")
    mentions = len(g.find_in_text(TEXT))
    took = _ms(lambda: g.find_in_text(TEXT), 10)
    print(f"find_in_text {len(TEXT)} chars, {mentions} mentions: {took:.1f} ms median")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m pipeline.units", description=__doc__)
    parser.add_argument("--bench", action="store_true", help="print build and lookup times")
    args = parser.parse_args()
    if args.bench:
        bench()
    else:
        parser.print_help()


if __name__ == "__main__":
    main()
