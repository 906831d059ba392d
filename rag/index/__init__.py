"""The search index: offline embeddings, the Chroma store (embedded or server), ingest, hybrid
retrieval and its evaluation."""
