"""Prefect flows that only wire `pipeline` functions (read → extract → normalise → load).

A batch of a thousand reports makes four thousand task runs; Prefect's line per finished task
("Finished in state Completed()") would bury the run's own summary in the console and the UI
and, written through rich, costs more than loading a document. So task runs log warnings and
errors only, unless PREFECT_LOGGING_LOGGERS_PREFECT_TASK_RUNS_LEVEL says otherwise (INFO brings
the lines back). Prefect reads that variable each time it sets logging up, and Dask workers
inherit it; task states stay visible in the Prefect UI either way.
"""

import logging
import os

TASK_LOG_LEVEL = "PREFECT_LOGGING_LOGGERS_PREFECT_TASK_RUNS_LEVEL"

os.environ.setdefault(TASK_LOG_LEVEL, "WARNING")
logging.getLogger("prefect.task_runs").setLevel(os.environ[TASK_LOG_LEVEL].upper())
