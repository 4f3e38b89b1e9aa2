"""consolidated.xlsx, the workbook an officer hands in: one small module per kind of sheet."""

from pipeline.workbook.book import WorkbookWriter

__all__ = ["WorkbookWriter"]
