"""Cleaning: repair steps (impute, make regular, outliers, resample…) in recipes.

Modelling transforms (log, Box-Cox, differencing) are not cleaning; they belong to the
model pipeline. The recipe machinery is in :mod:`services.cleaning.recipe`, the shared
layout and change counts in :mod:`services.cleaning.base`, and each step in a module
of its own.
"""

from services.cleaning.base import Change, Layout
from services.cleaning.recipe import RECIPE, Step, apply_recipe, parse_recipe

__all__ = ["RECIPE", "Change", "Layout", "Step", "apply_recipe", "parse_recipe"]
