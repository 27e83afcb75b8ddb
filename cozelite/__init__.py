"""cozelite: Coze Studio's backend infrastructure in one process."""

__version__ = "0.1.0"
