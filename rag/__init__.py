"""社区工作计划助手 engine: corpus cleaning, ingestion, retrieval (never imports streamlit)."""
