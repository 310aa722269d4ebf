from .factory import IndicatorLinker, make_indicator_linker

__all__ = ["IndicatorLinker", "make_indicator_linker"]
