"""Writing a draft out: plain text and Markdown, Word in the GB/T 9704 layout, file names."""
