"""Reading the community's own plan or summary of an earlier year, attached to a draft (the
same checks as a library upload: type, size, encoding, the .docx zip), cleaned and mapped onto
the outline. It is kept with the draft only: nothing here writes to the shared library."""

from __future__ import annotations

from pathlib import Path

from rag.errors import InputFileError
from rag.library.uploads import uploaded_text
from rag.plan.carry_over import plan_year
from rag.plan.outlines import Outline
from rag.plan.previous import PreviousPlan, split_previous


def read_previous(data: bytes, filename: str, outline: Outline, year: int) -> PreviousPlan:
    """Last year's plan from a file's bytes, for a plan of `year`; a Chinese InputFileError
    when it cannot be read or maps onto no section of the outline."""
    text = uploaded_text(data, Path(filename).name, "上年计划")
    own_year = plan_year(text)
    previous = split_previous(text, Path(filename).name, outline, own_year or year - 1)
    if not previous.covered():
        raise InputFileError(
            f"上年计划“{Path(filename).name}”中没有找到可对应本计划各节的标题（如“一、工作目标”“二、主要任务”）："
            "请确认上传的是按“一、二、三……”分节的计划或总结。"
        )
    return previous


def read_previous_file(path: Path, outline: Outline, year: int) -> PreviousPlan:
    """Last year's plan from a file on disk (`draft --previous FILE`)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError as e:
        raise InputFileError(f"找不到上年计划文件：{path}") from e
    except OSError as e:
        raise InputFileError(f"无法读取上年计划文件 {path}：{e.strerror}") from e
    return read_previous(data, path.name, outline, year)
