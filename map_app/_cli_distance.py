"""``map-app distance``: how far a place or a point is from an international land border.

Registered on the main parser by :func:`add_parser`; errors are one line on stderr and exit
status 2, never a traceback.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any

from ._exit import EXIT_OK, EXIT_USAGE

__all__ = ["add_parser", "add_point_arguments", "cmd_distance", "format_result", "point_of"]


def add_parser(sub: Any) -> argparse.ArgumentParser:
    """Register the ``distance`` command on the sub-parsers ``sub`` of ``map-app``."""
    p = sub.add_parser(
        "distance",
        help="distance from a place or point to the nearest land border",
        description="Geodesic distance to the nearest international land border (de jure by "
                    "default), the border, the nearest point on it and the place's country. "
                    "Maritime boundaries are not measured.",
        epilog="examples: map-app distance Sumy | map-app distance --lat 45.3083 --lon 36.5118 "
               "--de-facto | map-app distance Kharkiv --border RU-UA --json")
    add_point_arguments(p)
    p.add_argument("--border", metavar="RU-UA", help="only this border (two ISO codes)")
    p.add_argument("--country", metavar="RU", help="only the land borders of this country")
    p.add_argument("--de-facto", action="store_true",
                   help="use the de facto borders (lines of control; Crimea in Russia)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument("--list-borders", action="store_true",
                   help="list the valid --border values (of --country, if given) and exit")
    p.set_defaults(func=cmd_distance)
    return p


def _fail(message: str) -> int:
    print(f"map-app: {message}", file=sys.stderr)
    return EXIT_USAGE


def _deg(value: float, pos: str, neg: str) -> str:
    return f"{abs(value):.2f} {pos if value >= 0 else neg}"


def format_result(label: str, r: dict, view: str) -> str:
    """Human-readable lines for one result of :func:`map_app.distance.nearest_border`
    with ``context=True``."""
    where = f"{label} ({r['country']})" if r["country"] else label
    lines = [
        f"{where}: {r['distance_km']:.1f} km to the {r['nearest_border']} border "
        f"({view.replace('_', ' ')}); nearest point "
        f"{_deg(r['near_lat'], 'N', 'S')} {_deg(r['near_lon'], 'E', 'W')}"
    ]
    if r["note"]:
        lines += [f"  note: {n}" for n in r["note"].split("; ")]
    return "\n".join(lines)


def add_point_arguments(p: argparse.ArgumentParser) -> None:
    """A place name or ``--lat``/``--lon``: how a command names the point it is about
    (read back by :func:`point_of`)."""
    p.add_argument("place", nargs="?", help="a place name, looked up in the gazetteer")
    p.add_argument("--lat", type=float, help="latitude, WGS84 degrees (with --lon)")
    p.add_argument("--lon", type=float, help="longitude, WGS84 degrees (with --lat)")


def point_of(args: argparse.Namespace, command: str) -> tuple[float, float, str, Any] | str:
    """The point ``args`` name — a place (``args.place``, looked up in the gazetteer) or
    ``--lat``/``--lon`` — as ``(lat, lon, label, candidate or None)``, or a one-line error."""
    has_point = args.lat is not None or args.lon is not None
    if args.place and has_point:
        return "give a place or --lat/--lon, not both"
    if has_point:
        if args.lat is None or args.lon is None:
            return "--lat and --lon go together"
        if not (math.isfinite(args.lat) and math.isfinite(args.lon)):
            return "--lat and --lon must be numbers"
        return args.lat, args.lon, f"{_deg(args.lat, 'N', 'S')} {_deg(args.lon, 'E', 'W')}", None
    if args.place:
        from .places import find_place

        c = find_place(args.place)
        if c is None:
            return f"unknown place {args.place!r} (try `map-app lookup`, or give --lat/--lon)"
        return c.lat, c.lon, c.name, c
    return f"give a place name or --lat and --lon (see map-app {command} --help)"


def cmd_distance(args: argparse.Namespace) -> int:
    """Run ``map-app distance``; returns the exit status."""
    from .distance import border_names, nearest_border

    view = "de_facto" if args.de_facto else "de_jure"
    if args.list_borders:
        names = border_names(view, args.country)
        if not names:
            return _fail(f"unknown country {args.country!r}: no land border in the "
                         f"{view.replace('_', ' ')} view")
        print("\n".join(names))
        return EXIT_OK

    where = point_of(args, "distance")
    if isinstance(where, str):
        return _fail(where)
    lat, lon, label, place = where

    try:
        r = nearest_border(lon, lat, view=view, border=args.border, country=args.country,
                           context=True)
    except (ValueError, FileNotFoundError) as exc:
        return _fail(str(exc))
    if r["nearest_border"] is None:
        return _fail("no border found")

    if args.json:
        out = {"place": place.name if place else None, "lat": lat, "lon": lon, "view": view,
               "border_filter": args.border, "country_filter": args.country, **r}
        print(json.dumps(out, ensure_ascii=False))
    else:
        print(format_result(label, r, view))
    return EXIT_OK
