"""The map's projection: Albers equal-area conic, one for the United States, Mexico and Central America.

An equal-area projection lets the eye compare regions fairly, and a conic one keeps the shapes of the mid
latitudes the ties span (about 10°N to 50°N) close to true. The standard parallels 17°N and 43°N sit at
one sixth and five sixths of that span (Snyder's rule of thumb), the central meridian is 97°W (between Los
Angeles, Washington and San Salvador) and the origin latitude 30°N. Coordinates are kilometres on a sphere of
the Earth's mean radius, x east and y north of the origin; the page and the figure use the same numbers.

Formulas: J. P. Snyder, *Map Projections: A Working Manual* (USGS Professional Paper 1395, 1987), pp. 98–103,
spherical form.

Examples
--------
>>> albers = AlbersConic()
>>> albers.project(-97.0, 30.0)
(0.0, 0.0)
>>> x, y = albers.project(-90.0, 30.0)
>>> round(x), y > 0
(656, True)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

#: The Earth's mean radius (IUGG), km.
EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class AlbersConic:
    """Albers equal-area conic projection on a sphere; angles in degrees, output in km.

    Attributes
    ----------
    lon0, lat0 : float
        Central meridian and latitude of the origin.
    lat1, lat2 : float
        Standard parallels (true scale along them).
    radius_km : float
        Radius of the sphere.
    """

    lon0: float = -97.0
    lat0: float = 30.0
    lat1: float = 17.0
    lat2: float = 43.0
    radius_km: float = EARTH_RADIUS_KM

    @property
    def _constants(self) -> tuple[float, float, float]:
        phi1, phi2, phi0 = (math.radians(v) for v in (self.lat1, self.lat2, self.lat0))
        n = (math.sin(phi1) + math.sin(phi2)) / 2
        c = math.cos(phi1) ** 2 + 2 * n * math.sin(phi1)
        rho0 = math.sqrt(c - 2 * n * math.sin(phi0)) / n
        return n, c, rho0

    def project_many(self, lon, lat) -> tuple[np.ndarray, np.ndarray]:
        """Arrays of longitudes and latitudes (degrees) to arrays of x and y (km).

        Longitudes are taken relative to the central meridian and wrapped to [-180°, 180°), so an island just
        west of the antimeridian (the Aleutians) lies beside Alaska, not across the map.
        """
        n, c, rho0 = self._constants
        lam = np.radians((np.asarray(lon, dtype=float) - self.lon0 + 180.0) % 360.0 - 180.0)
        phi = np.radians(np.asarray(lat, dtype=float))
        rho = np.sqrt(c - 2 * n * np.sin(phi)) / n
        theta = n * lam
        return self.radius_km * rho * np.sin(theta), self.radius_km * (rho0 - rho * np.cos(theta))

    def project(self, lon: float, lat: float) -> tuple[float, float]:
        """One point: ``(lon, lat)`` in degrees to ``(x, y)`` in km (rounded to the millimetre)."""
        x, y = self.project_many([lon], [lat])
        return round(float(x[0]), 6) + 0.0, round(float(y[0]), 6) + 0.0


#: The projection every map uses.
PROJECTION = AlbersConic()
