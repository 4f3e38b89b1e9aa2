"""The `tonghop` command's own mistakes (an unknown option, a missing argument, a bad value) told
in the same Vietnamese / English style as the errors on files, instead of click's English box."""

from __future__ import annotations

import sys
from typing import Any

import typer

VIETNAMESE = {  # click's error classes (typer vendors click: known by name), most specific first
    "NoSuchOption": "không có tùy chọn này",
    "MissingParameter": "thiếu tham số bắt buộc",
    "BadParameter": "giá trị không hợp lệ",
    "UsageError": "gọi lệnh chưa đúng",
}


def usage_message(error: Exception) -> str:
    """ "tonghop export: không có tùy chọn này / No such option: --bogus …", then where to look."""
    names = [kind.__name__ for kind in type(error).__mro__]
    vietnamese = next((VIETNAMESE[name] for name in names if name in VIETNAMESE), "lỗi")
    english = error.format_message() if hasattr(error, "format_message") else str(error)
    context = getattr(error, "ctx", None)
    where = context.command_path if context is not None else "tonghop"
    hint = f"\nXem / see: {where} --help" if "UsageError" in names else ""
    return f"{where}: {vietnamese} / {english}{hint}"


class Command(typer.Typer):
    """A Typer app whose usage errors read like tonghop's other errors (exit code 2, as click's)."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            code = super().__call__(*args, standalone_mode=False, **kwargs)
        except typer.Abort:
            typer.echo("Đã dừng / aborted", err=True)
            sys.exit(1)
        except typer.TyperException as error:
            if type(error).__name__ == "NoArgsIsHelpError":
                error.show()  # `tonghop` alone: the help, as before
            else:
                typer.echo(usage_message(error), err=True)
            sys.exit(getattr(error, "exit_code", 2))
        sys.exit(code if isinstance(code, int) else 0)
