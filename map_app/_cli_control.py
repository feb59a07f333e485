"""``map-app control``: who held a place at each snapshot of the user's control layer, and
when that changed.

Registered on the main parser by :func:`add_parser`; errors are one line on stderr and exit
status 2, never a traceback.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ._cli_distance import add_point_arguments, point_of
from ._exit import EXIT_OK, EXIT_USAGE

__all__ = ["add_parser", "cmd_control"]


def add_parser(sub: Any) -> argparse.ArgumentParser:
    """Register the ``control`` command on the sub-parsers ``sub`` of ``map-app``."""
    p = sub.add_parser(
        "control",
        help="who held a place at each snapshot of a control layer, and when it changed",
        description="The place's status (occupied or not) and signed distance to the line "
                    "of contact at each snapshot of the control layer, and the snapshots "
                    "between which its status changed. map_app ships no control data: give "
                    "your own with --control.",
        epilog="example: map-app control Pokrovsk --control frontline/")
    add_point_arguments(p)
    p.add_argument("--control", required=True, metavar="PATH",
                   help="a GeoJSON/GeoPackage of dated occupied areas, or a folder of "
                        "*_YYYYMMDD.geojson[.gz] snapshots")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=cmd_control)
    return p


def cmd_control(args: argparse.Namespace) -> int:
    """Run ``map-app control``; returns the exit status."""
    from .control import ControlError, changes, read_control

    where = point_of(args, "control")
    if isinstance(where, str):
        print(f"map-app: {where}", file=sys.stderr)
        return EXIT_USAGE
    lat, lon, label, _ = where
    try:
        layer = read_control(args.control)
    except ControlError as exc:
        print(f"map-app: {exc}", file=sys.stderr)
        return EXIT_USAGE
    rows = []
    for snap in layer.snapshots:
        inside, km, _ = layer.measure(lon, lat, snap.day)
        rows.append({"date": snap.day.isoformat(), "occupied": bool(inside[0]),
                     "distance_to_front_km": round(float(km[0]), 2)})
    # the changes of the statuses just measured, not of a second pass over the snapshots
    history = [(s.day, bool(r["occupied"])) for s, r in zip(layer.snapshots, rows)]
    changed = [{"after": a.isoformat(), "by": b.isoformat(), "occupied": occ}
               for a, b, occ in changes(history)]
    if args.json:
        print(json.dumps({"place": label, "lat": lat, "lon": lon, "snapshots": rows,
                          "changes": changed}, ensure_ascii=False))
        return EXIT_OK
    print(f"{label} ({lat:.4f} N, {lon:.4f} E), {len(rows)} snapshots:")
    for r in rows:
        print(f"  {r['date']}  {'occupied    ' if r['occupied'] else 'not occupied'}  "
              f"{r['distance_to_front_km']:8.1f} km to the front")
    for c in changed:
        print(f"changed between {c['after']} and {c['by']}: "
              f"{'occupied' if c['occupied'] else 'not occupied'} since")
    if not changed:
        print("no change over the layer's dates")
    return EXIT_OK
