from .factory import ReportSentencizer, make_report_sentencizer

__all__ = ["ReportSentencizer", "make_report_sentencizer"]
