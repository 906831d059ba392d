"""The Streamlit pages of 社区工作计划助手 (layout and session state only; the engine is rag/)."""
