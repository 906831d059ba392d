"""What the page's own CSS changes: Streamlit 1.67's file uploader has English text and no
parameter to change it (streamlit/streamlit#13500), so its button and hint are drawn in
Chinese over hidden originals."""

from __future__ import annotations

import streamlit as st

from rag.library.uploads import MAX_UPLOAD_BYTES

_DROPZONE = '[data-testid="stFileUploaderDropzone"]'
_SIZE = "0.875rem"


def uploader_css() -> str:
    limit = MAX_UPLOAD_BYTES // 1024 // 1024
    hint = f"也可以把文件拖到这里；每个文件不超过 {limit} MB"
    return "\n".join(
        (
            f'{_DROPZONE} button [data-testid="stMarkdownContainer"] p {{font-size: 0}}',
            f'{_DROPZONE} button [data-testid="stMarkdownContainer"] p::after'
            f' {{content: "选择文件"; font-size: {_SIZE}}}',
            '[data-testid="stFileUploaderDropzoneInstructions"] span {font-size: 0}',
            f'[data-testid="stFileUploaderDropzoneInstructions"] span::after'
            f' {{content: "{hint}"; font-size: {_SIZE}}}',
        )
    )


def apply() -> None:
    """The page's CSS (a style-only st.html takes no room on the page)."""
    st.html(f"<style>\n{uploader_css()}\n</style>")
