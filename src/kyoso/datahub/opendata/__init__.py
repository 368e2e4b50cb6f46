"""The open-data catalogue's Django-free parts: small-cell suppression of published tables."""

from kyoso.datahub.opendata.suppression import suppress_cells, suppress_rows

__all__ = ["suppress_cells", "suppress_rows"]
