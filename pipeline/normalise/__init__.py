"""Normalisation: figures mapped to the officer-edited indicator catalogue; expected reporting units."""

from pipeline.normalise.catalogue import Catalogue, Indicator, load_catalogue, store_catalogue
from pipeline.normalise.mapping import Mapping, map_figures

__all__ = ["Catalogue", "Indicator", "Mapping", "load_catalogue", "map_figures", "store_catalogue"]
