"""Normalisation: figures mapped to the officer-edited indicator catalogue; expected reporting units."""

from pipeline.normalise.catalogue import Catalogue, Indicator, load_catalogue, map_figures

__all__ = ["Catalogue", "Indicator", "load_catalogue", "map_figures"]
