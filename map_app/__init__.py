"""map_app: an offline-first geospatial incident map for news articles."""

__version__ = "0.1.0"
